/** MatMulInteger: (A - a_zero_point) x (B - b_zero_point) in int32, with numpy.matmul shapes. */
import { DenseTensor } from '../../tensor/dense-tensor.js';
import { kernel, type KernelDefinition } from '../kernel.js';
import { optionalTensorInput, tensorInput } from '../support/inputs.js';
import { integerMatMul } from './integer-matmul.js';
import { INT8_TYPES } from './quantized-types.js';

export const matmulIntegerKernels: KernelDefinition[] = [
  kernel({
    domain: '',
    opType: 'MatMulInteger',
    sinceVersion: 10,
    typeConstraints: [{ input: 0, types: INT8_TYPES }, { input: 1, types: INT8_TYPES }, { input: 2, types: INT8_TYPES }, { input: 3, types: INT8_TYPES }],
    run(inputs) {
      const { shape, acc } = integerMatMul(
        tensorInput(inputs, 0, 'A'), optionalTensorInput(inputs, 2, 'a_zero_point'),
        tensorInput(inputs, 1, 'B'), optionalTensorInput(inputs, 3, 'b_zero_point'),
      );
      return [new DenseTensor('int32', shape.outDims, acc)];
    },
  }),
];
