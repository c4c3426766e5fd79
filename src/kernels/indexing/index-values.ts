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

const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;
/** 2^32: the weight of an int64's high word. */
const HIGH_WORD = 4294967296;

/**
 * An int32 or int64 index tensor's values as numbers: an Int32Array unless some int64 value
 * needs more than 32 bits. int64 values are read as pairs of int32 words: indexing a
 * BigInt64Array allocates a BigInt per element, which dominated index-heavy kernels. Values
 * beyond 2^53 round, and are out of range of any axis either way.
 */
export function indexNumbers(indices: DenseTensor, what: string): Int32Array | Float64Array {
  const data = indices.data;
  if (indices.type === 'int32' && data instanceof Int32Array) return data;
  if (indices.type !== 'int64' || !(data instanceof BigInt64Array)) {
    throw new KernelInputError(`${what} must be int32 or int64, got ${indices.type}`);
  }
  if (!LITTLE_ENDIAN) return Float64Array.from(data, Number);
  const words = new Int32Array(data.buffer, data.byteOffset, data.length * 2);
  const out = new Int32Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const low = words[2 * i];
    // The high word of an int64 that fits in 32 bits repeats the low word's sign.
    if (words[2 * i + 1] !== low >> 31) return wideIndexNumbers(words);
    out[i] = low;
  }
  return out;
}

/** int64 values given as little-endian int32 word pairs, as doubles. */
function wideIndexNumbers(words: Int32Array): Float64Array {
  const out = new Float64Array(words.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = words[2 * i + 1] * HIGH_WORD + (words[2 * i] >>> 0);
  return out;
}

/** Every value of an integer index tensor, resolved against an axis of `size`. */
export function resolvedIndices(indices: DenseTensor, size: number, what: string): Int32Array {
  const values = indexNumbers(indices, what);
  const out = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    const resolved = value < 0 ? value + size : value;
    out[i] = resolved >= 0 && resolved < size ? resolved : resolveIndex(value, size, what);
  }
  return out;
}
