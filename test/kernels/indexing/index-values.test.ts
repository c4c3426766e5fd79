/** Index tensors read as numbers: int64 through int32 word pairs, wide values included. */
import { describe, expect, it } from 'vitest';
import { indexNumbers, resolvedIndices } from '../../../src/kernels/indexing/index-values.js';
import { DenseTensor } from '../../../src/tensor/dense-tensor.js';
import { Rng } from '../../support/random.js';

const int64 = (values: readonly bigint[]): DenseTensor => new DenseTensor('int64', [values.length], BigInt64Array.from(values));

describe('indexNumbers', () => {
  it('reads int64 values within 32 bits exactly, negatives included', () => {
    const rng = new Rng(5);
    const values = Array.from({ length: 37 }, () => BigInt(rng.int(-(2 ** 31), 2 ** 31 - 1)));
    values.push(-1n, 0n, -(2n ** 31n), 2n ** 31n - 1n);
    const numbers = indexNumbers(int64(values), 'indices');
    expect(numbers).toBeInstanceOf(Int32Array);
    expect(Array.from(numbers)).toEqual(values.map(Number));
  });

  it('reads values that need more than 32 bits as doubles', () => {
    const values = [3n, 2n ** 32n, -(2n ** 32n) - 5n, 2n ** 31n, -(2n ** 31n) - 1n, 2n ** 53n, -(2n ** 40n) + 7n, 9n];
    const numbers = indexNumbers(int64(values), 'indices');
    expect(numbers).toBeInstanceOf(Float64Array);
    expect(Array.from(numbers)).toEqual(values.map(Number));
  });

  it('reads a view at an offset into a larger buffer', () => {
    const buffer = new BigInt64Array([100n, -3n, 2n ** 33n, 4n]);
    const view = new DenseTensor('int64', [2], buffer.subarray(1, 3));
    expect(Array.from(indexNumbers(view, 'indices'))).toEqual([-3, 2 ** 33]);
  });

  it('passes int32 through and rejects other types', () => {
    const data = Int32Array.of(4, -2);
    expect(indexNumbers(new DenseTensor('int32', [2], data), 'indices')).toBe(data);
    expect(() => indexNumbers(new DenseTensor('float32', [1], Float32Array.of(1)), 'indices')).toThrow(/must be int32 or int64, got float32/);
  });
});

describe('resolvedIndices', () => {
  it('counts negatives from the end', () => {
    expect(Array.from(resolvedIndices(int64([-1n, 0n, -5n, 4n]), 5, 'indices'))).toEqual([4, 0, 0, 4]);
  });

  it('rejects values out of range instead of wrapping their 32 low bits', () => {
    expect(() => resolvedIndices(int64([2n ** 32n]), 5, 'indices')).toThrow(/index 4294967296, out of range/);
    expect(() => resolvedIndices(int64([-(2n ** 32n) + 1n]), 5, 'indices')).toThrow(/out of range/);
    expect(() => resolvedIndices(int64([5n]), 5, 'indices')).toThrow(/index 5, out of range for an axis of size 5/);
  });
});
