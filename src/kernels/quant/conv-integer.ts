/** ConvInteger: convolution of (x - x_zero_point) by (w - w_zero_point), accumulated in int32. */
import { DenseTensor } from '../../tensor/dense-tensor.js';
import { kernel, type KernelDefinition } from '../kernel.js';
import { optionalTensorInput, tensorInput } from '../support/inputs.js';
import { parseConvAttributes, quantizedConv, type ConvAttributes } from './integer-conv.js';
import { INT8_TYPES } from './quantized-types.js';

export const convIntegerKernels: KernelDefinition[] = [
  kernel<ConvAttributes>({
    domain: '',
    opType: 'ConvInteger',
    sinceVersion: 10,
    typeConstraints: [{ input: 0, types: INT8_TYPES }, { input: 1, types: INT8_TYPES }, { input: 2, types: INT8_TYPES }, { input: 3, types: INT8_TYPES }],
    parseAttributes: parseConvAttributes,
    run(inputs, attrs, context) {
      const { acc, dims } = quantizedConv({
        x: tensorInput(inputs, 0, 'x'),
        w: tensorInput(inputs, 1, 'w'),
        xZeroPoint: optionalTensorInput(inputs, 2, 'x_zero_point'),
        wZeroPoint: optionalTensorInput(inputs, 3, 'w_zero_point'),
      }, attrs, context);
      return [new DenseTensor('int32', dims, acc)];
    },
  }),
];
