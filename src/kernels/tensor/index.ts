import type { KernelDefinition } from '../kernel.js';
import { concatKernels } from './concat.js';
import { constantKernels } from './constant.js';
import { constantOfShape } from './constant-of-shape.js';
import { dropoutKernels } from './dropout.js';
import { expandKernel } from './expand.js';
import { eyeLikeKernel } from './eye-like.js';
import { flattenKernels } from './flatten.js';
import { identityKernels } from './identity.js';
import { rangeKernels } from './range.js';
import { reshapeKernels } from './reshape.js';
import { shapeKernels } from './shape.js';
import { sliceKernels } from './slice.js';
import { splitKernels } from './split.js';
import { squeezeKernels } from './squeeze.js';
import { tileKernels } from './tile.js';
import { transposeKernel } from './transpose.js';
import { triluKernel } from './trilu.js';

/** Ops that create, relabel or move tensor elements without computing on them. */
export const tensorKernels: KernelDefinition[] = [
  ...constantKernels,
  constantOfShape,
  ...identityKernels,
  ...dropoutKernels,
  ...shapeKernels,
  ...reshapeKernels,
  ...flattenKernels,
  ...squeezeKernels,
  transposeKernel,
  ...concatKernels,
  ...splitKernels,
  ...sliceKernels,
  expandKernel,
  ...tileKernels,
  ...rangeKernels,
  eyeLikeKernel,
  triluKernel,
];
