/** Every element type crosses the public API intact, through a model (Identity) and back. */
import { describe, expect, it } from 'vitest';
import { InferenceSession, Tensor } from '../../src/index.js';
import type { DataType } from '../../src/tensor/element-type.js';
import { singleNodeModel } from '../support/model-builder.js';

const CASES: [Tensor.Type, Tensor.DataType, number[]][] = [
  ['float32', Float32Array.of(1.5, -0, NaN, Infinity, 3.4e38), [5]],
  ['float64', Float64Array.of(1e-300, -2.5), [2]],
  ['float16', Uint16Array.of(0x3c00, 0x7c00, 0x8001), [3]],
  ['bfloat16', Uint16Array.of(0x3f80, 0xc000), [2]],
  ['int8', Int8Array.of(-128, 127), [2]],
  ['uint8', Uint8Array.of(0, 255), [2]],
  ['int16', Int16Array.of(-32768, 32767), [2]],
  ['uint16', Uint16Array.of(65535), [1]],
  ['int32', Int32Array.of(-2147483648, 7), [2]],
  ['uint32', Uint32Array.of(4294967295), [1]],
  ['int64', BigInt64Array.of(-9223372036854775808n, 9223372036854775807n), [2]],
  ['uint64', BigUint64Array.of(18446744073709551615n), [1]],
  ['bool', Uint8Array.of(1, 0, 1), [3]],
  ['string', ['', 'héllo', 'a\u0000b'], [3]],
  // Sub-byte types are packed, low bits first: five int4 values (-8, 7, -1, 0, 3) in three bytes.
  ['int4', Int8Array.of(0x78, 0x0f, 0x03), [5]],
  ['uint4', Uint8Array.of(0x21, 0x0f), [3]],
  ['int2', Int8Array.of(0b11100100, 0b01), [5]],
  ['uint2', Uint8Array.of(0b00011011), [4]],
  ['float8e4m3fn', Uint8Array.of(0x38, 0x7e, 0xfe), [3]],
  ['float8e4m3fnuz', Uint8Array.of(0x40, 0x80), [2]],
  ['float8e5m2', Uint8Array.of(0x3c, 0x7c), [2]],
  ['float8e5m2fnuz', Uint8Array.of(0x40, 0x01), [2]],
  ['float4e2m1', Uint8Array.of(0x71, 0x0f), [3]],
  ['float8e8m0', Uint8Array.of(127, 254), [2]],
];

describe('element types through the public API', () => {
  it.each(CASES)('%s passes through a model unchanged', async (type, data, dims) => {
    const model = singleNodeModel('Identity', [{ name: 'x', type: type as DataType, shape: dims }], [{ name: 'y', type: type as DataType, shape: dims }], { opset: 21 });
    const session = await InferenceSession.create(model);
    expect(session.inputMetadata[0]).toMatchObject({ type, shape: dims });
    const out = await session.run({ x: new Tensor(type, data as never, dims) });
    expect(out.y.type).toBe(type);
    expect(out.y.dims).toEqual(dims);
    expect(Array.from(out.y.data as ArrayLike<unknown>)).toEqual(Array.from(data as ArrayLike<unknown>));
  });

  it('accepts unpacked int4 data too, as onnxruntime-common does', async () => {
    const model = singleNodeModel('Identity', [{ name: 'x', type: 'int4', shape: [3] }], [{ name: 'y', type: 'int4', shape: [3] }], { opset: 21 });
    const session = await InferenceSession.create(model);
    const out = await session.run({ x: new Tensor('int4', Int8Array.of(-8, 7, -1), [3]) });
    expect(Array.from(out.y.data as Int8Array)).toEqual([0x78, 0x0f]);
  });
});
