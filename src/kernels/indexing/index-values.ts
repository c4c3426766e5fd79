/** Index inputs (int32 or int64) resolved against an axis: negatives count from the end. */
import { KernelInputError } from '../../errors/errors.js';
import type { DenseTensor } from '../../tensor/dense-tensor.js';

/** One index value against an axis of `size`; out of [-size, size-1] is an error naming `what`. */
export function resolveIndex(value: number, size: number, what: string): number {
  const resolved = value < 0 ? value + size : value;
  if (!(resolved >= 0 && resolved < size)) {
    throw new KernelInputError(`${what} holds index ${value}, out of range for an axis of size ${size} (expected ${-size}..${size - 1})`);
  }
  return resolved;
}

/** Every value of an integer index tensor, resolved against an axis of `size`. */
export function resolvedIndices(indices: DenseTensor, size: number, what: string): Int32Array {
  const data = indices.data;
  if (Array.isArray(data) || !(indices.type === 'int32' || indices.type === 'int64')) {
    throw new KernelInputError(`${what} must be int32 or int64, got ${indices.type}`);
  }
  const out = new Int32Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = resolveIndex(Number(data[i]), size, what);
  return out;
}
