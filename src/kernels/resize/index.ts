import type { KernelDefinition } from '../kernel.js';
import { affineGridKernels } from './affine-grid.js';
import { centerCropPadKernels } from './center-crop-pad.js';
import { gridSampleKernels } from './grid-sample.js';
import { resizeKernels as resizeOps } from './resize.js';
import { upsampleKernels } from './upsample.js';

export const resizeKernels: KernelDefinition[] = [
  ...resizeOps,
  ...upsampleKernels,
  ...gridSampleKernels,
  ...affineGridKernels,
  ...centerCropPadKernels,
];
