/**
 * An 8-bit quantized operand minus its zero point, as the integer products consume it: one
 * Int16Array, the zero point broadcast numpy-style over the operand (a single value, or one
 * per row / column / output channel when the caller shapes it so).
 */
import { KernelInputError } from '../../errors/errors.js';
import type { DenseTensor } from '../../tensor/dense-tensor.js';
import { sameShape, sizeOf, type Shape } from '../../tensor/shape.js';
import type { NumberArray } from '../support/numeric.js';
import { checkBroadcastable, paramIndex } from './param-index.js';

export function centered(x: DenseTensor, zeroPoint: DenseTensor | undefined, what: string, zeroPointDims?: Shape): Int16Array {
  const values = x.data as NumberArray;
  const out = new Int16Array(x.size);
  if (zeroPoint === undefined) {
    out.set(values);
    return out;
  }
  if (zeroPoint.type !== x.type) {
    throw new KernelInputError(`the zero point of ${what} must have its type (${x.type}), got ${zeroPoint.type}`);
  }
  const zs = zeroPoint.data as NumberArray;
  const dims = zeroPointDims ?? zeroPoint.dims;
  checkBroadcastable(dims, x.dims, `the zero point of ${what}`);
  const aligned = [...new Array<number>(x.rank - dims.length).fill(1), ...dims];
  // The zero point varies only over axes [start, end): the leading axes repeat its pattern and
  // the trailing ones repeat each of its values (one per output channel of conv weights, per
  // row of A, per column of B), so elements map to it without an index per element.
  let start = 0;
  while (start < x.rank && aligned[start] === 1) start++;
  let end = x.rank;
  while (end > start && aligned[end - 1] === 1) end--;
  if (start === end) {
    const z = zs[0];
    for (let i = 0; i < out.length; i++) out[i] = values[i] - z;
    return out;
  }
  if (sameShape(aligned.slice(start, end), x.dims.slice(start, end))) {
    const run = sizeOf(x.dims.slice(end));
    const period = sizeOf(x.dims.slice(start, end));
    if (run === 1) {
      for (let i = 0; i < out.length; i++) out[i] = values[i] - zs[i % period];
      return out;
    }
    for (let i = 0, block = 0; i < out.length; block++) {
      const z = zs[block % period];
      for (const runEnd = i + run; i < runEnd; i++) out[i] = values[i] - z;
    }
    return out;
  }
  const index = paramIndex(dims, x.dims, `the zero point of ${what}`);
  for (let i = 0; i < out.length; i++) out[i] = values[i] - zs[index ? index[i] : i];
  return out;
}
