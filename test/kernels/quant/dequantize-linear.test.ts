import { describe, expect, it } from 'vitest';
import { Tensor } from '../../../src/index.js';
import type { DataType } from '../../../src/tensor/element-type.js';
import { attr } from '../../support/model-builder.js';
import { Rng } from '../../support/random.js';
import { constant, integerConstant, RANGES, scales } from './quant-data.js';
import { expectMatchesOrt, runNode, type Operand } from './quant-model.js';

function dequantize(inputs: Operand[], outType: DataType, opset: number, attributes = {}) {
  return { op: 'DequantizeLinear', opset, inputs, outputs: [outType], attributes };
}

const FEEDABLE: DataType[] = ['int8', 'uint8', 'int16', 'uint16'];

describe('DequantizeLinear against onnxruntime', () => {
  it.each([...FEEDABLE, 'int4', 'uint4'] as DataType[])('%s per tensor, with and without a zero point', async (type) => {
    const rng = new Rng(FEEDABLE.indexOf(type) + 3);
    const [lo, hi] = RANGES[type]!;
    const x = integerConstant(type, [3, 4, 5], rng, lo, hi);
    // Sub-byte tensors go in as initializers; the others as feeds.
    const xOperand: Operand = FEEDABLE.includes(type) ? { feed: new Tensor(type as Tensor.Type, x.data as never, [3, 4, 5]) } : { constant: x };
    const scale = { constant: constant('float32', [], scales(1, rng, false)) };
    await expectMatchesOrt(dequantize([xOperand, scale, { constant: integerConstant(type, [], rng, lo, hi) }], 'float32', 21), type);
    await expectMatchesOrt(dequantize([xOperand, scale], 'float32', 21), `${type} without zero point`);
  });

  it('int32 (no zero point), at opsets 10, 13 and 21', async () => {
    const rng = new Rng(4);
    const x = { feed: new Tensor('int32', Int32Array.from({ length: 30 }, () => rng.int(-(2 ** 30), 2 ** 30)), [5, 6]) };
    for (const opset of [10, 13, 21]) await expectMatchesOrt(dequantize([x, { constant: constant('float32', [], [0.0123]) }], 'float32', opset), `opset ${opset}`);
  });

  it.each(['float8e4m3fn', 'float8e4m3fnuz', 'float8e5m2', 'float8e5m2fnuz'] as DataType[])('%s, every code', async (type) => {
    const x = { constant: constant(type, [16, 16], Array.from({ length: 256 }, (_, i) => i)) };
    await expectMatchesOrt(dequantize([x, { constant: constant('float32', [], [0.75]) }], 'float32', 21), type);
  });

  it.each([[[2, 4, 3], 1], [[2, 4, 3], -1], [[5, 2], 0]] as [number[], number][])('int8 and uint8 per axis: shape %j, axis %i', async (dims, axis) => {
    const rng = new Rng(dims[0] * 7 + axis);
    const length = dims[axis < 0 ? axis + dims.length : axis];
    for (const type of ['int8', 'uint8'] as DataType[]) {
      const [lo, hi] = RANGES[type]!;
      const x = integerConstant(type, dims, rng, lo, hi);
      const inputs: Operand[] = [
        { feed: new Tensor(type as Tensor.Type, x.data as never, dims) },
        { constant: constant('float32', [length], scales(length, rng, false)) },
        { constant: integerConstant(type, [length], rng, lo, hi) },
      ];
      await expectMatchesOrt(dequantize(inputs, 'float32', 13, { axis: attr.int(axis) }), type);
    }
  });

  it.each([[[4, 6], 1, 2], [[6, 4], 0, 4], [[5, 7], 1, 3]] as [number[], number, number][])('blocked: shape %j, axis %i, block_size %i', async (dims, axis, blockSize) => {
    const rng = new Rng(blockSize + dims[0]);
    const paramDims = dims.map((d, i) => (i === axis ? Math.ceil(d / blockSize) : d));
    const count = paramDims[0] * paramDims[1];
    for (const type of ['int8', 'uint8', 'int4', 'uint4'] as DataType[]) {
      const [lo, hi] = RANGES[type]!;
      const inputs: Operand[] = [
        { constant: integerConstant(type, dims, rng, lo, hi) },
        { constant: constant('float32', paramDims, scales(count, rng, false)) },
        { constant: integerConstant(type, paramDims, rng, lo, hi) },
      ];
      await expectMatchesOrt(dequantize(inputs, 'float32', 21, { axis: attr.int(axis), block_size: attr.int(blockSize) }), type);
    }
  });

  it('float16 scale gives a float16 output', async () => {
    const rng = new Rng(9);
    const x = integerConstant('int8', [6, 5], rng, -128, 127);
    const inputs: Operand[] = [{ feed: new Tensor('int8', x.data as Int8Array, [6, 5]) }, { constant: constant('float16', [], [0.0625]) }, { constant: constant('int8', [], [3]) }];
    await expectMatchesOrt(dequantize(inputs, 'float16', 21), 'float16');
  });
});

describe('DequantizeLinear by hand', () => {
  const values = async (inputs: Operand[], outType: DataType, opset: number, attributes = {}) => {
    const out = (await runNode(dequantize(inputs, outType, opset, attributes))).out0;
    expect(out.type).toBe(outType);
    return Array.from(out.data as Float32Array);
  };

  it('dequantizes int2, uint2 (opset 25) and float4e2m1 (opset 23)', async () => {
    const scale: Operand = { constant: constant('float32', [], [0.5]) };
    expect(await values([{ constant: constant('int2', [4], [-2, -1, 0, 1]) }, scale, { constant: constant('int2', [], [1]) }], 'float32', 25)).toEqual([-1.5, -1, -0.5, 0]);
    expect(await values([{ constant: constant('uint2', [4], [0, 1, 2, 3]) }, scale], 'float32', 25)).toEqual([0, 0.5, 1, 1.5]);
    // float4e2m1 codes 0..7 are 0, 0.5, 1, 1.5, 2, 3, 4, 6; the sign bit negates.
    const codes = constant('float4e2m1', [4], [1, 5, 7, 0b1011]);
    expect(await values([{ constant: codes }, scale], 'float32', 23)).toEqual([0.25, 1.5, 3, -0.75]);
  });

  it('stores into output_dtype (opset 23), and needs it for an e8m0 scale (opset 24)', async () => {
    const x: Operand = { constant: constant('int8', [3], [-4, 0, 9]) };
    const out = (await runNode(dequantize([x, { constant: constant('float32', [], [0.25]) }], 'float16', 23, { output_dtype: attr.int(10) }))).out0;
    expect(out.type).toBe('float16');
    // e8m0 code 126 is 2^-1.
    const e8m0: Operand = { constant: constant('float8e8m0', [], [126]) };
    expect(await values([x, e8m0], 'float32', 24, { output_dtype: attr.int(1) })).toEqual([-2, 0, 4.5]);
    await expect(runNode(dequantize([x, e8m0], 'float32', 24))).rejects.toThrow(/output_dtype/);
  });

  it('takes a bfloat16 scale and gives a bfloat16 output', async () => {
    const inputs: Operand[] = [{ constant: constant('int8', [3], [-4, 0, 9]) }, { constant: constant('bfloat16', [], [0.25]) }, { constant: constant('int8', [], [1]) }];
    const out = (await runNode(dequantize(inputs, 'bfloat16', 21))).out0;
    expect(out.type).toBe('bfloat16');
    // bfloat16 bits of -1.25, -0.25 and 2.
    expect(Array.from(out.data as Uint16Array)).toEqual([0xbfa0, 0xbe80, 0x4000]);
  });

  it('rejects a zero point of another type than x', async () => {
    const inputs: Operand[] = [{ constant: constant('int8', [2], [1, 2]) }, { constant: constant('float32', [], [1]) }, { constant: constant('uint8', [], [0]) }];
    await expect(runNode(dequantize(inputs, 'float32', 21))).rejects.toThrow(/x_zero_point|type/);
  });
});
