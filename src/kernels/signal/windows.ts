/**
 * HannWindow, HammingWindow and BlackmanWindow: generalized cosine windows
 * w[k] = a0 - a1 cos(2πk/N) + a2 cos(4πk/N), with N = size for a periodic window (the first
 * `size` points of a window one longer) and N = size - 1 for a symmetric one. The coefficients
 * sum to 1, so w is evaluated as 1 - a1 (1 + cos θ) + a2 (cos 2θ - 1): the peak is then
 * exactly 1 rather than 0.42 + 0.5 + 0.08 = 0.9999999999999999, which matters when an integer
 * output_datatype truncates it.
 */
import { KernelInputError } from '../../errors/errors.js';
import type { DataType } from '../../tensor/element-type.js';
import { kernel, type KernelDefinition } from '../kernel.js';
import { scalarOf, tensorInput } from '../support/inputs.js';
import { checkedDims } from '../support/shape-input.js';
import { outputDatatype, tensorOfValues } from './generated-output.js';

interface WindowAttributes {
  readonly type: DataType;
  readonly periodic: boolean;
}

function cosineWindow(opType: string, a1: number, a2: number): KernelDefinition {
  return kernel<WindowAttributes>({
    domain: '',
    opType,
    sinceVersion: 17,
    typeConstraints: [{ input: 0, types: ['int32', 'int64'] }],
    parseAttributes: (attrs) => ({ type: outputDatatype(attrs), periodic: attrs.int('periodic', 1) !== 0 }),
    run(inputs, { type, periodic }) {
      const size = scalarOf(tensorInput(inputs, 0, 'size'), 'size');
      if (size < 0) throw new KernelInputError(`size must be non-negative, got ${size}`);
      const dims = checkedDims([size], 'window');
      const period = periodic ? size : size - 1;
      const values = new Float64Array(size);
      for (let k = 0; k < size; k++) {
        const angle = (2 * Math.PI * k) / period;
        values[k] = 1 - a1 * (1 + Math.cos(angle)) + a2 * (Math.cos(2 * angle) - 1);
      }
      // A symmetric window of one point has N = 0, where the formula divides by zero; numpy, scipy and torch define it as [1].
      if (size === 1 && !periodic) values[0] = 1;
      return [tensorOfValues(type, dims, values)];
    },
  });
}

export const windowKernels: KernelDefinition[] = [
  // a0 = 1 - a1 - a2 in each: 0.5, 25/46 and 0.42.
  cosineWindow('HannWindow', 0.5, 0),
  cosineWindow('HammingWindow', 21 / 46, 0),
  cosineWindow('BlackmanWindow', 0.5, 0.08),
];
