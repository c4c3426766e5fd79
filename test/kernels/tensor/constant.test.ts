import { describe, expect, it } from 'vitest';
import { attr, singleNodeModel, type AttributeValue } from '../../support/model-builder.js';
import { expectMatchesOnnxruntime, runOnnxts } from '../../support/differential.js';
import { Rng, randomDense } from '../../support/random.js';
import { tensorToProto } from '../../../src/onnx/tensor-to-proto.js';
import type { DataType } from '../../../src/tensor/element-type.js';
import { at, int64Feed, int64s, runTensor, tensor } from './kernel-harness.js';

function constantModel(type: DataType, attributes: Record<string, AttributeValue>, opset = 13): Uint8Array {
  return singleNodeModel('Constant', [], [{ name: 'y', type }], { attributes, opset });
}

describe('Constant', () => {
  const rng = new Rng(3);
  it.each(['float32', 'float64', 'int64', 'int32', 'uint8', 'float16', 'bool', 'string'] as DataType[])('value tensor of %s matches onnxruntime', async (type) => {
    for (const dims of [[2, 3], [], [0, 4], [5]]) {
      await expectMatchesOnnxruntime(constantModel(type, { value: attr.tensor(randomDense(type, dims, rng)) }), {});
    }
  });

  it('value_float, value_floats, value_int, value_ints, value_string, value_strings match onnxruntime', async () => {
    const forms: [DataType, Record<string, AttributeValue>][] = [
      ['float32', { value_float: attr.float(2.5) }],
      ['float32', { value_floats: attr.floats([1.5, -2, 3.25]) }],
      ['float32', { value_floats: attr.floats([]) }],
      ['int64', { value_int: attr.int(-7) }],
      ['int64', { value_ints: attr.ints([4, 0, -3, 2 ** 40]) }],
      ['string', { value_string: attr.string('héllo') }],
      ['string', { value_strings: attr.strings(['a', '', 'bc']) }],
    ];
    for (const [type, attributes] of forms) await expectMatchesOnnxruntime(constantModel(type, attributes, 12), {}, undefined, JSON.stringify(Object.keys(attributes)));
  });

  // onnxruntime-node returns sparse outputs as a SparseTensor it cannot hand to JavaScript, so the expected values are written out.
  it.each([
    ['linear', int64s([1, 6, 11])],
    ['per-axis', int64s([0, 1, 1, 2, 2, 3], [3, 2])],
  ])('sparse_value with %s indices is densified', async (_form, indices) => {
    const sparse: AttributeValue = {
      type: 11,
      sparse_tensor: { dims: [3, 4], values: tensorToProto(tensor('float32', [3], Float32Array.of(1.5, -2, 7))), indices: tensorToProto(indices) },
    };
    const out = await runOnnxts(constantModel('float32', { sparse_value: sparse }, 11), {});
    expect(out.y.dims).toEqual([3, 4]);
    expect(Array.from(out.y.data as Float32Array)).toEqual([0, 1.5, 0, 0, 0, 0, -2, 0, 0, 0, 0, 7]);
  });

  it('keeps INT64_MAX and INT64_MIN exact in value_ints', async () => {
    const out = await runTensor('Constant', [], { opset: 13, attributes: { value_ints: at.ints([2 ** 63, -(2 ** 63), 5]) } });
    expect(Array.from(out.data as BigInt64Array)).toEqual([2n ** 63n - 1n, -(2n ** 63n), 5n]);
  });

  it('returns the attribute tensor for any element type, including the 8-bit and sub-byte floats', async () => {
    for (const type of ['float8e4m3fn', 'float8e5m2', 'int4', 'uint2', 'float4e2m1', 'complex64'] as DataType[]) {
      const value = tensor(type, [2], type === 'complex64' ? Float32Array.of(1, 2, 3, 4) : type === 'int4' ? Int8Array.of(-8, 7) : Uint8Array.of(1, 3));
      const out = await runTensor('Constant', [], { opset: 25, attributes: { value: at.tensor(value) } });
      expect(out.type).toBe(type);
      expect(Array.from(out.data as Uint8Array)).toEqual(Array.from(value.data as Uint8Array));
    }
  });

  it('rejects no value, two values, and forms newer than the opset', async () => {
    await expect(runTensor('Constant', [], { opset: 13 })).rejects.toThrow(/exactly one of/);
    await expect(runTensor('Constant', [], { opset: 13, attributes: { value_int: at.int(1), value_float: at.float(1) } })).rejects.toThrow(/got value_float, value_int/);
    await expect(runTensor('Constant', [], { opset: 11, attributes: { value_int: at.int(1) } })).rejects.toThrow(/'value_int' is not part of Constant at opset 11/);
    await expect(runTensor('Constant', [], { opset: 9, attributes: { value_ints: at.ints([1]) } })).rejects.toThrow(/not part of Constant at opset 9/);
  });
});

describe('ConstantOfShape', () => {
  const rng = new Rng(5);
  const shapes: number[][] = [[2, 3], [], [0, 4], [1, 1, 7], [3, 0]];
  it.each(shapes.map((s) => [s]))('shape %j with the default value matches onnxruntime', async (shape) => {
    const model = singleNodeModel('ConstantOfShape', [{ name: 'x', type: 'int64', shape: [shape.length] }], [{ name: 'y', type: 'float32' }], { opset: 9 });
    await expectMatchesOnnxruntime(model, { x: int64Feed(shape) });
  });

  it.each(['float32', 'float64', 'int32', 'int64', 'uint8', 'int8', 'float16', 'bool'] as DataType[])('a %s value matches onnxruntime', async (type) => {
    for (const shape of shapes) {
      const value = randomDense(type, [1], rng, 1, 9);
      const model = singleNodeModel('ConstantOfShape', [{ name: 'x', type: 'int64', shape: [shape.length] }], [{ name: 'y', type }], { opset: 21, attributes: { value: attr.tensor(value) } });
      await expectMatchesOnnxruntime(model, { x: int64Feed(shape) });
    }
  });

  it('fills 8-bit float and sub-byte values by storage', async () => {
    const out = await runTensor('ConstantOfShape', [int64s([2, 2])], { opset: 25, attributes: { value: at.tensor(tensor('float8e4m3fn', [1], Uint8Array.of(0x38))) } });
    expect(out.type).toBe('float8e4m3fn');
    expect(Array.from(out.data as Uint8Array)).toEqual([0x38, 0x38, 0x38, 0x38]);
  });

  it('rejects negative and unallocatable shapes and multi-element values', async () => {
    await expect(runTensor('ConstantOfShape', [int64s([2, -1])])).rejects.toThrow(/invalid dimension -1/);
    await expect(runTensor('ConstantOfShape', [int64s([1 << 20, 1 << 20])])).rejects.toThrow(/more than the limit/);
    await expect(runTensor('ConstantOfShape', [int64s([2])], { attributes: { value: at.tensor(int64s([1, 2])) } })).rejects.toThrow(/one element/);
  });
});
