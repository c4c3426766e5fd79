import type { KernelDefinition } from '../kernel.js';
import { argExtremeKernels } from './arg-extreme.js';
import { compress } from './compress.js';
import { cumulativeKernels } from './cumulative.js';
import { depthSpaceKernels } from './depth-space.js';
import { einsum } from './einsum/einsum.js';
import { gather } from './gather.js';
import { gatherElements } from './gather-elements.js';
import { gatherNd } from './gather-nd.js';
import { nonZero } from './non-zero.js';
import { oneHotKernels } from './one-hot.js';
import { padKernels } from './pad.js';
import { reverseSequence } from './reverse-sequence.js';
import { scatterElementsKernels } from './scatter-elements.js';
import { scatterNd } from './scatter-nd.js';
import { topKKernels } from './top-k.js';
import { unique } from './unique.js';

export const indexingKernels: KernelDefinition[] = [
  gather,
  gatherElements,
  gatherNd,
  ...scatterElementsKernels,
  scatterNd,
  ...padKernels,
  nonZero,
  ...depthSpaceKernels,
  ...topKKernels,
  ...cumulativeKernels,
  ...argExtremeKernels,
  einsum,
  ...oneHotKernels,
  compress,
  unique,
  reverseSequence,
];
