/** The ai.onnx quantization family: (de)quantization and the integer and QLinear products. */
import type { KernelDefinition } from '../kernel.js';
import { convIntegerKernels } from './conv-integer.js';
import { dequantizeLinearKernels } from './dequantize-linear.js';
import { dynamicQuantizeLinearKernels } from './dynamic-quantize-linear.js';
import { matmulIntegerKernels } from './matmul-integer.js';
import { qlinearConvKernels } from './qlinear-conv.js';
import { qlinearMatMulKernels } from './qlinear-matmul.js';
import { quantizeLinearKernels } from './quantize-linear.js';

export const quantKernels: KernelDefinition[] = [
  ...quantizeLinearKernels,
  ...dequantizeLinearKernels,
  ...dynamicQuantizeLinearKernels,
  ...matmulIntegerKernels,
  ...qlinearMatMulKernels,
  ...convIntegerKernels,
  ...qlinearConvKernels,
];
