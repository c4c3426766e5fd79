/**
 * Seeded stand-in data for inputs the user gave no file for: floats uniform in [0, 1), integers
 * small and non-negative (so they are safe as indices, counts and divisors' numerators), bools
 * 50/50, strings short words.
 */
import { storageFromCompute } from '../kernels/support/numeric.js';
import { DenseTensor } from '../tensor/dense-tensor.js';
import { allocateStorage, isEncodedFloatType, type DataType } from '../tensor/element-type.js';
import { sizeOf } from '../tensor/shape.js';
import type { SeededRandom } from './seeded-random.js';

const WORDS = ['alpha', 'beta', 'gamma', 'delta', 'onnx', 'tensor', 'cat', 'dog', 'red', 'blue', 'one', 'two'];

/** Exclusive upper bound of the random integers; the narrow sub-byte types cap it. */
const INT_LIMIT: Partial<Record<DataType, number>> = { int2: 2, uint2: 4, int4: 8 };

export function randomTensor(type: DataType, dims: readonly number[], random: SeededRandom): DenseTensor {
  const n = sizeOf(dims);
  if (type === 'string') return new DenseTensor(type, dims, Array.from({ length: n }, () => WORDS[random.below(WORDS.length)]));
  if (type === 'bool') return new DenseTensor(type, dims, Uint8Array.from({ length: n }, () => random.below(2)));
  if (isEncodedFloatType(type)) return new DenseTensor(type, dims, storageFromCompute(type, Float32Array.from({ length: n }, () => random.next())));
  if (type === 'float32' || type === 'float64' || type === 'complex64' || type === 'complex128') {
    return new DenseTensor(type, dims, (allocateStorage(type, n) as Float32Array | Float64Array).map(() => random.next()));
  }
  const limit = INT_LIMIT[type] ?? 10;
  const data = allocateStorage(type, n) as unknown[];
  const big = type === 'int64' || type === 'uint64';
  for (let i = 0; i < n; i++) data[i] = big ? BigInt(random.below(limit)) : random.below(limit);
  return new DenseTensor(type, dims, data as never);
}
