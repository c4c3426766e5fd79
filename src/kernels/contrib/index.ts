/** The com.microsoft (onnxruntime contrib) quantized ops. */
import type { KernelDefinition } from '../kernel.js';
import { matmulIntegerToFloatKernels } from './matmul-integer-to-float.js';
import { matmulNBitsKernels } from './matmul-nbits.js';
import { qgemmKernels } from './qgemm.js';
import { qlinearAveragePoolKernels } from './qlinear-average-pool.js';
import { qlinearBinaryKernels } from './qlinear-binary.js';
import { qlinearConcatKernels } from './qlinear-concat.js';
import { qlinearGlobalAveragePoolKernels } from './qlinear-global-average-pool.js';
import { qlinearLookupKernels } from './qlinear-lookup.js';
import { qlinearSoftmaxKernels } from './qlinear-softmax.js';

export const contribKernels: KernelDefinition[] = [
  ...qlinearBinaryKernels,
  ...qlinearLookupKernels,
  ...qlinearGlobalAveragePoolKernels,
  ...qlinearAveragePoolKernels,
  ...qlinearConcatKernels,
  ...qlinearSoftmaxKernels,
  ...qgemmKernels,
  ...matmulIntegerToFloatKernels,
  ...matmulNBitsKernels,
];
