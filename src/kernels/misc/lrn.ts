/**
 * LRN: each element divided by (bias + alpha / size * the sum of squares over a window of
 * neighbouring channels) ^ beta. The window around channel c runs from c - floor((size-1)/2) to
 * c + ceil((size-1)/2), clipped to the channels there are.
 */
import { KernelInputError } from '../../errors/errors.js';
import { FLOAT_TYPES } from '../../tensor/element-type.js';
import { formatShape } from '../../tensor/shape.js';
import { kernel } from '../kernel.js';
import { tensorInput } from '../support/inputs.js';
import { computeValues, tensorFromCompute } from '../support/numeric.js';

interface LrnAttributes {
  readonly alpha: number;
  readonly beta: number;
  readonly bias: number;
  readonly size: number;
}

export const lrnKernel = kernel<LrnAttributes>({
  domain: '',
  opType: 'LRN',
  sinceVersion: 1,
  typeConstraints: [{ input: 0, types: FLOAT_TYPES }],
  parseAttributes(attrs) {
    const size = attrs.requiredInt('size');
    if (size < 1) throw new KernelInputError(`attribute 'size' must be positive, got ${size}`);
    return { alpha: attrs.float('alpha', 1e-4), beta: attrs.float('beta', 0.75), bias: attrs.float('bias', 1), size };
  },
  run(inputs, { alpha, beta, bias, size }) {
    const x = tensorInput(inputs, 0, 'X');
    if (x.rank < 2) throw new KernelInputError(`X must be [N, C, ...], got ${formatShape(x.dims)}`);
    const [batch, channels] = x.dims;
    const inner = x.dims.slice(2).reduce((a, b) => a * b, 1);
    const values = computeValues(x) as Float32Array | Float64Array;
    const out = new Float64Array(values.length);
    const below = Math.floor((size - 1) / 2);
    const above = Math.ceil((size - 1) / 2);
    for (let n = 0; n < batch; n++) {
      for (let c = 0; c < channels; c++) {
        const from = Math.max(0, c - below);
        const to = Math.min(channels - 1, c + above);
        for (let i = 0; i < inner; i++) {
          let squares = 0;
          for (let k = from; k <= to; k++) squares += values[(n * channels + k) * inner + i] ** 2;
          const at = (n * channels + c) * inner + i;
          out[at] = values[at] / (bias + (alpha / size) * squares) ** beta;
        }
      }
    }
    return [tensorFromCompute(x.type, x.dims, x.type === 'float64' ? out : Float32Array.from(out))];
  },
});
