/** Flatten: a 2-D relabelling [prod(dims before axis), prod(dims from axis)] of the same storage. */
import { KernelInputError } from '../../errors/errors.js';
import { ALL_TENSOR_TYPES } from '../../tensor/element-type.js';
import { sizeOf } from '../../tensor/shape.js';
import { kernel, type KernelDefinition } from '../kernel.js';
import { tensorInput } from '../support/inputs.js';

/** Axis may equal the rank (everything goes to the outer dim); negative values count from the back since opset 11. */
function flattenKernel(sinceVersion: number, untilVersion: number | undefined, allowNegative: boolean): KernelDefinition {
  return kernel<number>({
    domain: '',
    opType: 'Flatten',
    sinceVersion,
    untilVersion,
    typeConstraints: [{ input: 0, types: ALL_TENSOR_TYPES }],
    parseAttributes: (attrs) => attrs.int('axis', 1),
    run(inputs, axis) {
      const data = tensorInput(inputs, 0, 'input');
      const rank = data.rank;
      const low = allowNegative ? -rank : 0;
      if (!Number.isInteger(axis) || axis < low || axis > rank) {
        throw new KernelInputError(`axis ${axis} is out of range for rank ${rank} (expected ${low}..${rank})`);
      }
      const split = axis < 0 ? axis + rank : axis;
      return [data.reshaped([sizeOf(data.dims.slice(0, split)), sizeOf(data.dims.slice(split))])];
    },
  });
}

export const flattenKernels: KernelDefinition[] = [flattenKernel(1, 10, false), flattenKernel(11, undefined, true)];
