import type { KernelDefinition } from '../kernel.js';
import { batchNormalizationKernels } from './batch-normalization.js';
import { groupNormalizationKernels } from './group-normalization.js';
import { instanceNormalizationKernels } from './instance-normalization.js';
import { layerNormalizationKernels } from './layer-normalization.js';
import { lpNormalizationKernels } from './lp-normalization.js';
import { meanVarianceNormalizationKernels } from './mean-variance-normalization.js';
import { rmsNormalizationKernels } from './rms-normalization.js';
import { softmaxKernels } from './softmax.js';

export const normalizationKernels: KernelDefinition[] = [
  ...softmaxKernels,
  ...batchNormalizationKernels,
  ...layerNormalizationKernels,
  ...rmsNormalizationKernels,
  ...instanceNormalizationKernels,
  ...groupNormalizationKernels,
  ...lpNormalizationKernels,
  ...meanVarianceNormalizationKernels,
];
