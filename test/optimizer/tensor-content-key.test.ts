/** Content keys of constant tensors (CSE): equal keys exactly when type, shape and values agree under Object.is. */
import { describe, expect, it } from 'vitest';
import { tensorContentKey } from '../../src/optimizer/tensor-content-key.js';
import { DenseTensor } from '../../src/tensor/dense-tensor.js';
import type { DataType } from '../../src/tensor/element-type.js';
import { Rng, randomDense } from '../support/random.js';

/** The reference: every value spelled out, as CSE keyed tensors before content keys. */
function spelledKey(t: DenseTensor): string {
  const values = Array.from(t.data as ArrayLike<number | bigint | string>, (v) =>
    typeof v === 'number' ? (Object.is(v, -0) ? '-0' : String(v)) : JSON.stringify(String(v)));
  return `${t.type}[${t.dims.join(',')}](${values.join(',')})`;
}

const TYPES: DataType[] = ['float32', 'float64', 'int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'bool', 'string'];

/** A copy of `t` in a fresh buffer at an odd byte offset's worth of elements, so views are exercised. */
function copiedAtOffset(t: DenseTensor, offset: number): DenseTensor {
  if (Array.isArray(t.data)) return new DenseTensor(t.type, t.dims, [...t.data]);
  const data = t.data as Exclude<DenseTensor['data'], string[]>;
  const Ctor = data.constructor as new (buffer: ArrayBuffer, byteOffset: number, length: number) => typeof data;
  const buffer = new ArrayBuffer((data.length + offset) * data.BYTES_PER_ELEMENT);
  const copy = new Ctor(buffer, offset * data.BYTES_PER_ELEMENT, data.length);
  (copy as unknown as { set(a: ArrayLike<unknown>): void }).set(data as ArrayLike<unknown>);
  return new DenseTensor(t.type, t.dims, copy);
}

describe('tensorContentKey', () => {
  it('agrees with spelled-out keys on random pairs: same content, one changed value, other shapes', () => {
    const rng = new Rng(7);
    for (const type of TYPES) {
      for (const size of [0, 1, 3, 5, 7, 13, 33]) {
        const a = randomDense(type, [size], rng, -2, 2);
        const variants = [copiedAtOffset(a, 3), randomDense(type, [size], rng, -2, 2), a.reshaped([1, size])];
        if (size > 0 && !Array.isArray(a.data)) {
          const changed = copiedAtOffset(a, 0);
          const data = changed.data as unknown as { [i: number]: number | bigint };
          const i = size - 1;
          data[i] = typeof data[i] === 'bigint' ? (data[i] as bigint) + 1n : type === 'bool' ? 1 - (data[i] as number) : (data[i] as number) + 1;
          variants.push(changed);
        }
        for (const b of variants) {
          expect(tensorContentKey(a) === tensorContentKey(b), `${type}[${size}]`).toBe(spelledKey(a) === spelledKey(b));
        }
      }
    }
  });

  it('treats every NaN as equal, whatever its bits, and keeps 0 and -0 apart', () => {
    const bits = new Uint32Array([0x7fc00000, 0x7fc00001, 0xffc00000]);
    const nans = [...new Float32Array(bits.buffer)];
    const withNaN = (nan: number) => new DenseTensor('float32', [3], Float32Array.of(1.5, nan, 2));
    expect(new Set(nans.map((n) => tensorContentKey(withNaN(n)))).size).toBe(1);
    const nan64 = new DenseTensor('float64', [2], Float64Array.of(NaN, 0));
    expect(tensorContentKey(nan64)).toBe(tensorContentKey(new DenseTensor('float64', [2], Float64Array.of(NaN, 0))));
    expect(tensorContentKey(nan64)).not.toBe(tensorContentKey(new DenseTensor('float64', [2], Float64Array.of(NaN, -0))));
    const zero = new DenseTensor('float32', [1], Float32Array.of(0));
    expect(tensorContentKey(zero)).not.toBe(tensorContentKey(new DenseTensor('float32', [1], Float32Array.of(-0))));
  });

  it('tells types with the same bytes apart, and shapes with the same values', () => {
    const bytes = Uint8Array.of(1, 0, 0, 0);
    const asInt32 = new DenseTensor('int32', [1], new Int32Array(bytes.buffer));
    const asUint32 = new DenseTensor('uint32', [1], new Uint32Array(bytes.buffer));
    const asUint8 = new DenseTensor('uint8', [4], bytes);
    expect(new Set([asInt32, asUint32, asUint8].map(tensorContentKey)).size).toBe(3);
    const flat = new DenseTensor('float32', [4], Float32Array.of(1, 2, 3, 4));
    expect(tensorContentKey(flat)).not.toBe(tensorContentKey(flat.reshaped([2, 2])));
  });

  it('keys tensors larger than one text chunk by all their bytes', () => {
    const rng = new Rng(3);
    const a = randomDense('float32', [5001], rng);
    const b = copiedAtOffset(a, 1);
    expect(tensorContentKey(b)).toBe(tensorContentKey(a));
    (b.data as Float32Array)[4999] += 1;
    expect(tensorContentKey(b)).not.toBe(tensorContentKey(a));
  });
});
