/** TensorProto <-> DenseTensor for every element type, through raw_data and the typed fields. */
import { describe, expect, it } from 'vitest';
import Long from 'long';
import { encodeTensorProto } from '../../src/onnx/encode.js';
import { TensorProtoType } from '../../src/onnx/proto-schema.js';
import type { TensorProto } from '../../src/onnx/proto-types.js';
import { tensorFromProto } from '../../src/onnx/tensor-from-proto.js';
import { tensorToProto } from '../../src/onnx/tensor-to-proto.js';
import { DenseTensor } from '../../src/tensor/dense-tensor.js';
import { ALL_DATA_TYPES, type DataType } from '../../src/tensor/element-type.js';
import { randomDense, Rng } from '../support/random.js';

function roundTrip(t: DenseTensor): DenseTensor {
  const bytes = encodeTensorProto(tensorToProto(t, 'x'));
  return tensorFromProto(TensorProtoType.decode(bytes) as unknown as TensorProto);
}

const SAMPLE: Partial<Record<DataType, number[]>> = {
  int4: [-8, 7, 0, -1, 5], uint4: [0, 15, 3, 9, 1], int2: [-2, 1, 0, -1, 1], uint2: [3, 0, 2, 1, 3],
  float4e2m1: [0, 1, 7, 8, 15], float8e4m3fn: [0, 0x7e, 0x80, 0x38, 0x7f], float8e4m3fnuz: [0, 0x80, 1, 0x7f, 0xff],
  float8e5m2: [0, 0x7c, 0xfc, 0x3c, 0x7e], float8e5m2fnuz: [0, 0x80, 1, 0x7f, 0xff], float8e8m0: [0, 127, 254, 255, 1],
};

describe('TensorProto conversion', () => {
  for (const type of ALL_DATA_TYPES.filter((t) => t !== 'complex64' && t !== 'complex128')) {
    it(`round-trips ${type} through raw_data, with odd sizes`, () => {
      const rng = new Rng(5);
      for (const dims of [[5], [2, 3], [0, 4], []]) {
        const sample = SAMPLE[type];
        const t = sample
          ? new DenseTensor(type, dims, (type.startsWith('int') ? Int8Array : Uint8Array).from({ length: dims.reduce((a, b) => a * b, 1) }, (_, i) => sample[i % sample.length]))
          : randomDense(type, dims, rng, -100, 100);
        const back = roundTrip(t);
        expect(back.type).toBe(type);
        expect(back.dims).toEqual(dims);
        expect(Array.from(back.data as ArrayLike<unknown>)).toEqual(Array.from(t.data as ArrayLike<unknown>));
      }
    });
  }

  it('reads the typed fields', () => {
    expect(Array.from(tensorFromProto({ data_type: 1, dims: [3], float_data: [1.5, -2, 3] }).data as Float32Array)).toEqual([1.5, -2, 3]);
    expect(Array.from(tensorFromProto({ data_type: 11, dims: [2], double_data: [0.1, 1e300] }).data as Float64Array)).toEqual([0.1, 1e300]);
    const i64 = tensorFromProto({ data_type: 7, dims: [2], int64_data: [Long.fromString('-9223372036854775808'), Long.fromNumber(5)] });
    expect(Array.from(i64.data as BigInt64Array)).toEqual([-9223372036854775808n, 5n]);
    const u64 = tensorFromProto({ data_type: 13, dims: [1], uint64_data: [Long.fromString('18446744073709551615', true)] });
    expect(Array.from(u64.data as BigUint64Array)).toEqual([18446744073709551615n]);
    expect(Array.from(tensorFromProto({ data_type: 12, dims: [1], uint64_data: [Long.fromNumber(4294967295)] }).data as Uint32Array)).toEqual([4294967295]);
    expect(Array.from(tensorFromProto({ data_type: 10, dims: [2], int32_data: [0x3c00, 0xc000] }).data as Uint16Array)).toEqual([0x3c00, 0xc000]);
    expect(Array.from(tensorFromProto({ data_type: 9, dims: [3], int32_data: [1, 0, 1] }).data as Uint8Array)).toEqual([1, 0, 1]);
    expect(Array.from(tensorFromProto({ data_type: 22, dims: [3], int32_data: [0x8f, 0x07] }).data as Int8Array)).toEqual([-1, -8, 7]);
    const strings = tensorFromProto({ data_type: 8, dims: [2], string_data: [new TextEncoder().encode('héllo'), new Uint8Array(0)] });
    expect(strings.data).toEqual(['héllo', '']);
  });

  it('names the tensor when its data does not fit its shape', () => {
    expect(() => tensorFromProto({ name: 'w', data_type: 1, dims: [4], raw_data: new Uint8Array(12) })).toThrow(/tensor 'w'.*12 bytes.*needs 16/);
    expect(() => tensorFromProto({ name: 'w', data_type: 1, dims: [4], float_data: [1, 2] })).toThrow(/tensor 'w': float_data holds 2 values.*needs 4/);
    expect(() => tensorFromProto({ name: 'w', data_type: 99, dims: [1] })).toThrow(/tensor 'w' has unknown element type code 99/);
  });

  it('decodes from a Node Buffer at any offset inside its pooled backing store', () => {
    const bytes = encodeTensorProto(tensorToProto(new DenseTensor('float32', [3], Float32Array.of(1.5, -2, 7)), 'x'));
    for (let offset = 0; offset < 8; offset++) {
      const backing = Buffer.alloc(bytes.length + 16);
      backing.set(bytes, offset);
      const view = backing.subarray(offset, offset + bytes.length);
      const t = tensorFromProto(TensorProtoType.decode(view) as unknown as TensorProto);
      expect(Array.from(t.data as Float32Array), `offset ${offset}`).toEqual([1.5, -2, 7]);
    }
  });

  it('views aligned raw_data without copying and copies misaligned raw_data', () => {
    const backing = new Uint8Array(20);
    new Float32Array(backing.buffer, 4, 2).set([1, 2]);
    const aligned = tensorFromProto({ data_type: 1, dims: [2], raw_data: backing.subarray(4, 12) });
    expect((aligned.data as Float32Array).buffer).toBe(backing.buffer);
    const odd = new Uint8Array(20);
    odd.set(backing.subarray(4, 12), 3);
    const misaligned = tensorFromProto({ data_type: 1, dims: [2], raw_data: odd.subarray(3, 11) });
    expect(Array.from(misaligned.data as Float32Array)).toEqual([1, 2]);
  });
});
