import { describe, it } from 'vitest';
import { onnxCodeOf, type DataType } from '../../../src/tensor/element-type.js';
import { Tensor } from '../../../src/index.js';
import { attr } from '../../support/model-builder.js';
import { expectOpFails, expectOpGives, tensorOf } from '../math/single-op.js';

const to = (type: DataType) => ({ attributes: { to: attr.int(onnxCodeOf(type)) }, opset: 26, outType: type });

/** The bytes of `values` written as `write` and read back as `read`, little-endian. */
function reinterpret(values: readonly (number | bigint)[], width: number, write: (v: DataView, at: number, x: never) => void, read: (v: DataView, at: number) => number | bigint) {
  const view = new DataView(new ArrayBuffer(values.length * width));
  values.forEach((x, i) => write(view, i * width, x as never));
  return values.map((_, i) => read(view, i * width));
}

describe('BitCast', () => {
  it('float32 <-> int32 keeps the IEEE bits', async () => {
    const x = [1, -2.5, 0, -0, Infinity, NaN, 1e-40];
    const bits = reinterpret(x, 4, (v, at, f) => v.setFloat32(at, f, true), (v, at) => v.getInt32(at, true));
    await expectOpGives('BitCast', [{ type: 'float32', shape: [7], tensor: tensorOf('float32', [7], x) }], { type: 'int32', dims: [7], data: bits }, to('int32'));
    await expectOpGives('BitCast', [{ type: 'int32', shape: [7], tensor: tensorOf('int32', [7], bits as number[]) }], { type: 'float32', dims: [7], data: x }, to('float32'));
  });

  it('float64 -> int64 and uint64 -> float64', async () => {
    const x = [1, -0.1, 2 ** 60];
    const bits = reinterpret(x, 8, (v, at, f) => v.setFloat64(at, f, true), (v, at) => v.getBigInt64(at, true));
    await expectOpGives('BitCast', [{ type: 'float64', shape: [3], tensor: tensorOf('float64', [3], x) }], { type: 'int64', dims: [3], data: bits }, to('int64'));
    const unsigned = bits.map((b) => BigInt.asUintN(64, b as bigint));
    await expectOpGives('BitCast', [{ type: 'uint64', shape: [3], tensor: tensorOf('uint64', [3], unsigned) }], { type: 'float64', dims: [3], data: x }, to('float64'));
  });

  it('float16 <-> uint16 <-> int16 and bfloat16', async () => {
    await expectOpGives('BitCast', [{ type: 'uint16', shape: [3], tensor: tensorOf('uint16', [3], [0x3c00, 0xc000, 0x7c00]) }], { type: 'float16', dims: [3], data: [0x3c00, 0xc000, 0x7c00] }, to('float16'));
    await expectOpGives('BitCast', [{ type: 'uint16', shape: [2], tensor: tensorOf('uint16', [2], [0xffff, 0x8000]) }], { type: 'int16', dims: [2], data: [-1, -32768] }, to('int16'));
    await expectOpGives('BitCast', [{ type: 'float16', shape: [1], tensor: tensorOf('float16', [1], [1]) }], { type: 'bfloat16', dims: [1], data: [0x3c00] }, to('bfloat16'));
  });

  it('int8 -> uint8, bool -> uint8 and uint8 -> bool', async () => {
    await expectOpGives('BitCast', [{ type: 'int8', shape: [3], tensor: tensorOf('int8', [3], [-1, -128, 5]) }], { type: 'uint8', dims: [3], data: [255, 128, 5] }, to('uint8'));
    await expectOpGives('BitCast', [{ type: 'bool', shape: [2], tensor: tensorOf('bool', [2], [true, false]) }], { type: 'uint8', dims: [2], data: [1, 0] }, to('uint8'));
    await expectOpGives('BitCast', [{ type: 'uint8', shape: [3], tensor: tensorOf('uint8', [3], [0, 1, 7]) }], { type: 'bool', dims: [3], data: [0, 1, 1] }, to('bool'));
  });

  it('int4 <-> uint4 <-> float4e2m1 keep each element\'s four bits (public tensors hold them packed)', async () => {
    // int4 [-8, -1, 0, 7] packs low nibble first into bytes 0xf8, 0x70: the same bits as uint4 [8, 15, 0, 7].
    const packed = new Tensor('int4', Int8Array.from([-8, 0x70]), [4]);
    await expectOpGives('BitCast', [{ type: 'int4', shape: [4], tensor: packed }], { type: 'uint4', dims: [4], data: [0xf8, 0x70] }, to('uint4'));
    await expectOpGives('BitCast', [{ type: 'uint4', shape: [4], tensor: new Tensor('uint4', Uint8Array.from([0xf8, 0x70]), [4]) }], { type: 'int4', dims: [4], data: [-8, 0x70] }, to('int4'));
    await expectOpGives('BitCast', [{ type: 'int2', shape: [4], tensor: new Tensor('int2', Int8Array.from([0x1b]), [4]) }], { type: 'uint2', dims: [4], data: [0x1b] }, to('uint2'));
  });

  it('keeps the shape of scalars and empty tensors', async () => {
    await expectOpGives('BitCast', [{ type: 'float32', shape: [], tensor: tensorOf('float32', [], [1]) }], { type: 'uint32', dims: [], data: [0x3f800000] }, to('uint32'));
    await expectOpGives('BitCast', [{ type: 'float32', shape: [0, 2], tensor: tensorOf('float32', [0, 2], []) }], { type: 'int32', dims: [0, 2], data: [] }, to('int32'));
  });

  it('rejects types of different widths', async () => {
    await expectOpFails('BitCast', [{ type: 'float32', shape: [2] }], /float32 has 32 bits, int64 has 64/, to('int64'));
  });
});
