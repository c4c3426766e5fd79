/** The registry every session uses unless told otherwise: all CPU kernels, listed by family. */
import { castKernels } from './cast/index.js';
import { contribKernels } from './contrib/index.js';
import { contribTransformerKernels } from './contrib-transformer/index.js';
import { controlKernels } from './control/index.js';
import { convKernels } from './conv/index.js';
import { detectionKernels } from './detection/index.js';
import { imageKernels } from './image/index.js';
import { indexingKernels } from './indexing/index.js';
import { linalgKernels } from './linalg/index.js';
import { logicKernels } from './logic/index.js';
import { lossKernels } from './loss/index.js';
import { elementwiseKernels } from './math/index.js';
import { miscKernels } from './misc/index.js';
import { mlKernels } from './ml/index.js';
import { nhwcKernels } from './nhwc/index.js';
import { normalizationKernels } from './normalization/index.js';
import { recurrentKernels } from './recurrent/index.js';
import { quantKernels } from './quant/index.js';
import { randomKernels } from './random/index.js';
import { reduceKernels } from './reduce/index.js';
import { KernelRegistry } from './registry.js';
import { resizeKernels } from './resize/index.js';
import { sequenceKernels } from './sequence/index.js';
import { signalKernels } from './signal/index.js';
import { stringKernels } from './strings/index.js';
import { tensorKernels } from './tensor/index.js';
import { trainingKernels } from './training/index.js';
import { transformerKernels } from './transformer/index.js';

let registry: KernelRegistry | undefined;

export function defaultRegistry(): KernelRegistry {
  registry ??= new KernelRegistry().register(
    ...elementwiseKernels,
    ...logicKernels,
    ...castKernels,
    ...tensorKernels,
    ...indexingKernels,
    ...convKernels,
    ...linalgKernels,
    ...normalizationKernels,
    ...reduceKernels,
    ...resizeKernels,
    ...controlKernels,
    ...sequenceKernels,
    ...recurrentKernels,
    ...quantKernels,
    ...contribKernels,
    ...contribTransformerKernels,
    ...lossKernels,
    ...signalKernels,
    ...detectionKernels,
    ...stringKernels,
    ...mlKernels,
    ...randomKernels,
    ...trainingKernels,
    ...transformerKernels,
    ...miscKernels,
    ...imageKernels,
    ...nhwcKernels,
  );
  return registry;
}
