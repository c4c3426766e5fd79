/**
 * castTensor on the types onnxruntime-node cannot pass to JavaScript (sub-byte integers,
 * float4, float8, e8m0), against values worked out here from the spec's rules.
 */
import { describe, expect, it } from 'vitest';
import { castTensor } from '../../../src/kernels/cast/convert.js';
import { DenseTensor } from '../../../src/tensor/dense-tensor.js';
import { allocateStorage, type DataType } from '../../../src/tensor/element-type.js';

function tensor(type: DataType, values: readonly (number | bigint | string)[]): DenseTensor {
  const data = allocateStorage(type, values.length) as unknown as unknown[];
  values.forEach((v, i) => (data[i] = v));
  return new DenseTensor(type, [values.length], data as never);
}

const valuesOf = (t: DenseTensor) => Array.from(t.data as ArrayLike<number | bigint | string>);

describe('sub-byte integers', () => {
  const x = [-9, -8, -1.7, -1, 0, 1.9, 7, 7.9, 8, 15, 16, 300];
  it.each([
    ['int4', [7, -8, -1, -1, 0, 1, 7, 7, -8, -1, 0, -4]],
    ['uint4', [7, 8, 15, 15, 0, 1, 7, 7, 8, 15, 0, 12]],
    ['int2', [-1, 0, -1, -1, 0, 1, -1, -1, 0, -1, 0, 0]],
    ['uint2', [3, 0, 3, 3, 0, 1, 3, 3, 0, 3, 0, 0]],
  ] as [DataType, number[]][])('float32 -> %s truncates toward zero, then keeps the low bits', (type, expected) => {
    const out = castTensor(tensor('float32', x), type);
    expect(out.type).toBe(type);
    expect(valuesOf(out)).toEqual(expected);
  });

  it('int64 -> int4 keeps the low four bits of values past 2^53', () => {
    expect(valuesOf(castTensor(tensor('int64', [2n ** 60n + 9n, -(2n ** 62n) - 1n]), 'int4'))).toEqual([-7, -1]);
  });

  it.each([['int4', 'int8', [-8, -1, 0, 7]], ['int4', 'float32', [-8, -1, 0, 7]], ['int2', 'int8', [-2, -1, 0, 1]], ['int4', 'uint8', [248, 255, 0, 7]]] as [DataType, DataType, number[]][])(
    '%s -> %s sign-extends',
    (from, target, expected) => {
      const source = from === 'int4' ? [-8, -1, 0, 7] : [-2, -1, 0, 1];
      expect(valuesOf(castTensor(tensor(from, source), target))).toEqual(expected);
    },
  );

  it('uint4 -> float16 and uint2 -> string', () => {
    expect(valuesOf(castTensor(tensor('uint4', [0, 9, 15]), 'float16'))).toEqual([0, 0x4880, 0x4b80]);
    expect(valuesOf(castTensor(tensor('uint2', [0, 3]), 'string'))).toEqual(['0', '3']);
  });

  it('string -> int4 reads the integer and wraps', () => {
    expect(valuesOf(castTensor(tensor('string', ['9', '-3', '100.9']), 'int4'))).toEqual([-7, -3, 4]);
  });
});

describe('float4e2m1', () => {
  it('float32 -> float4e2m1 rounds to nearest even and saturates', () => {
    const x = [0.48, 0.25, 1.05, -3.5, -8, 9, 1e6, 1e-7, NaN, Infinity, -Infinity, -4, 0.01, -0];
    expect(valuesOf(castTensor(tensor('float32', x), 'float4e2m1'))).toEqual([1, 0, 2, 14, 15, 7, 7, 0, 8, 7, 15, 14, 0, 8]);
  });

  it('float4e2m1 -> float32 and -> int8', () => {
    const codes = [0, 1, 2, 3, 4, 5, 6, 7, 9, 15];
    expect(valuesOf(castTensor(tensor('float4e2m1', codes), 'float32'))).toEqual([0, 0.5, 1, 1.5, 2, 3, 4, 6, -0.5, -6]);
    expect(valuesOf(castTensor(tensor('float4e2m1', codes), 'int8'))).toEqual([0, 0, 1, 1, 2, 3, 4, 6, 0, -6]);
  });
});

describe('float8 from and to other types', () => {
  it('int32 -> float8e4m3fn saturates by default and gives NaN without saturate', () => {
    // 17 is the tie between 16 (code 0x58) and 18 (0x59): the even code wins.
    const x = tensor('int32', [1000, -1000, 3, 17]);
    expect(valuesOf(castTensor(x, 'float8e4m3fn'))).toEqual([0x7e, 0xfe, 0x44, 0x58]);
    expect(valuesOf(castTensor(x, 'float8e4m3fn', { saturate: false, roundMode: 'up' }))).toEqual([0x7f, 0xff, 0x44, 0x58]);
  });

  it('string -> float8e5m2 parses, then rounds', () => {
    expect(valuesOf(castTensor(tensor('string', ['1.25', '-INF', '100000']), 'float8e5m2'))).toEqual([0x3d, 0xfb, 0x7b]);
  });

  it('float8e4m3fnuz -> int64 and -> string decode first', () => {
    expect(valuesOf(castTensor(tensor('float8e4m3fnuz', [0x40, 0xc8, 0x80]), 'int64'))).toEqual([1n, -2n, 0n]);
    expect(valuesOf(castTensor(tensor('float8e4m3fnuz', [0x40, 0xc8, 0x80]), 'string'))).toEqual(['1', '-2', 'NaN']);
  });

  it('float8e5m2 -> float8e4m3fn converts through the value', () => {
    // 0x7b is 57344: beyond e4m3fn, so 448 when saturating.
    expect(valuesOf(castTensor(tensor('float8e5m2', [0x3c, 0x7b, 0x7c]), 'float8e4m3fn'))).toEqual([0x38, 0x7e, 0x7e]);
  });
});

describe('float8e8m0', () => {
  it('follows round_mode and saturate', () => {
    const x = tensor('float32', [0, 0.124, 0.25, 1.1, 1.5, 8]);
    expect(valuesOf(castTensor(x, 'float8e8m0'))).toEqual([0, 124, 125, 128, 128, 130]);
    expect(valuesOf(castTensor(x, 'float8e8m0', { saturate: true, roundMode: 'down' }))).toEqual([0, 123, 125, 127, 127, 130]);
    expect(valuesOf(castTensor(x, 'float8e8m0', { saturate: false, roundMode: 'nearest' }))).toEqual([255, 124, 125, 127, 128, 130]);
  });

  it('float8e8m0 -> float16 decodes powers of two (2^-15 as a float16 subnormal), overflowing to infinity', () => {
    expect(valuesOf(castTensor(tensor('float8e8m0', [127, 112, 143, 255]), 'float16'))).toEqual([0x3c00, 0x0200, 0x7c00, 0x7e00]);
  });
});

describe('bfloat16', () => {
  it('float32 -> bfloat16 rounds to nearest even', () => {
    const x = [1 + 2 ** -8, 1 + 3 * 2 ** -8, -2.75, 3.4e38];
    expect(valuesOf(castTensor(tensor('float32', x), 'bfloat16'))).toEqual([0x3f80, 0x3f82, 0xc030, 0x7f80]);
  });
});

describe('complex', () => {
  it('is not castable', () => {
    expect(() => castTensor(new DenseTensor('complex64', [1], new Float32Array(2)), 'float32')).toThrow(/Cast from complex64 is not supported/);
  });
});
