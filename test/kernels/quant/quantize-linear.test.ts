import { describe, expect, it } from 'vitest';
import { Tensor } from '../../../src/index.js';
import type { DataType } from '../../../src/tensor/element-type.js';
import { attr } from '../../support/model-builder.js';
import { Rng } from '../../support/random.js';
import { constant, floatFeed, integerConstant, RANGES, scales } from './quant-data.js';
import { expectMatchesOrt, runNode, type Operand } from './quant-model.js';

function quantize(inputs: Operand[], outType: DataType, opset: number, attributes = {}) {
  return { op: 'QuantizeLinear', opset, inputs, outputs: [outType], attributes };
}

const INTEGER_TYPES: DataType[] = ['uint8', 'int8', 'int16', 'uint16', 'int4', 'uint4'];

describe('QuantizeLinear against onnxruntime', () => {
  it.each(INTEGER_TYPES)('%s per tensor: ties to even, saturation, with and without a zero point', async (type) => {
    const rng = new Rng(INTEGER_TYPES.indexOf(type) + 1);
    const [lo, hi] = RANGES[type]!;
    for (const exact of [true, false]) {
      const [scale] = scales(1, rng, exact);
      const x = { feed: floatFeed([3, 5, 7], rng, scale, (hi - lo) / 2 + 4) };
      const zeroPoint = integerConstant(type, [], rng, Math.ceil(lo / 2), Math.floor(hi / 2));
      const label = `${type} scale ${scale}`;
      await expectMatchesOrt(quantize([x, { constant: constant('float32', [], [scale]) }, { constant: zeroPoint }], type, 21), label);
      await expectMatchesOrt(quantize([x, { constant: constant('float32', [1], [scale]) }], type, 21, { output_dtype: attr.int(zeroPointCode(type)) }), `${label}, output_dtype`);
    }
  });

  it('uint8 without a zero point or output_dtype, at opsets 10, 13, 19 and 21', async () => {
    const rng = new Rng(7);
    for (const opset of [10, 13, 19, 21]) {
      const x = { feed: floatFeed([4, 9], rng, 0.5, 140) };
      await expectMatchesOrt(quantize([x, { constant: constant('float32', [], [0.5]) }], 'uint8', opset), `opset ${opset}`);
    }
  });

  it.each([
    [[2, 4, 3], 1], [[2, 4, 3], -1], [[5, 2], 0], [[3, 6], -2],
  ] as [number[], number][])('int8 and uint8 per axis: shape %j, axis %i', async (dims, axis) => {
    const rng = new Rng(dims.length * 10 + axis);
    const length = dims[axis < 0 ? axis + dims.length : axis];
    for (const type of ['int8', 'uint8'] as DataType[]) {
      for (const opset of [13, 21]) {
        const s = scales(length, rng, true);
        const zeroPoint = integerConstant(type, [length], rng, type === 'int8' ? -20 : 100, type === 'int8' ? 20 : 140);
        const x = { feed: floatFeed(dims, rng, 0.25, 120) };
        await expectMatchesOrt(
          quantize([x, { constant: constant('float32', [length], s) }, { constant: zeroPoint }], type, opset, { axis: attr.int(axis) }),
          `${type} opset ${opset}`,
        );
      }
    }
  });

  it.each([
    [[4, 6], 1, 2], [[6, 4], 0, 3], [[5, 7], 1, 3], [[2, 5, 3], 1, 2], [[3, 8], -1, 4],
  ] as [number[], number, number][])('blocked: shape %j, axis %i, block_size %i', async (dims, axis, blockSize) => {
    const rng = new Rng(blockSize * 100 + dims[0]);
    const a = axis < 0 ? axis + dims.length : axis;
    const paramDims = dims.map((d, i) => (i === a ? Math.ceil(d / blockSize) : d));
    const count = paramDims.reduce((p, d) => p * d, 1);
    for (const type of ['int8', 'uint8', 'int4', 'uint4'] as DataType[]) {
      const [lo, hi] = RANGES[type]!;
      const zeroPoint = integerConstant(type, paramDims, rng, Math.ceil(lo / 2), Math.floor(hi / 2));
      const x = { feed: floatFeed(dims, rng, 0.125, (hi - lo) / 2) };
      const inputs: Operand[] = [x, { constant: constant('float32', paramDims, scales(count, rng, false)) }, { constant: zeroPoint }];
      await expectMatchesOrt(quantize(inputs, type, 21, { axis: attr.int(axis), block_size: attr.int(blockSize) }), type);
    }
  });

  it.each(['float8e4m3fn', 'float8e4m3fnuz', 'float8e5m2', 'float8e5m2fnuz'] as DataType[])('%s, saturating and not', async (type) => {
    const rng = new Rng(5);
    // Up to 2^17, beyond every float8 range, so saturate decides; half of them ties between neighbours.
    const values = Array.from({ length: 64 }, (_, i) => (i % 2 ? 1.0625 * 2 ** rng.int(-10, 8) : rng.uniform(-1, 1) * 2 ** rng.int(-12, 17)));
    const x = { feed: new Tensor('float32', Float32Array.from(values), [8, 8]) };
    for (const saturate of [0, 1]) {
      const inputs: Operand[] = [x, { constant: constant('float32', [], [0.5]) }, { constant: constant(type, [], [0]) }];
      await expectMatchesOrt(quantize(inputs, type, 21, { saturate: attr.int(saturate) }), `saturate ${saturate}`);
    }
  });

  it('float16 input and scale', async () => {
    const rng = new Rng(3);
    const values = Array.from({ length: 24 }, (_, i) => (i % 2 ? rng.int(-300, 300) + 0.5 : rng.uniform(-300, 300)) * 0.5);
    for (const type of ['int8', 'uint8'] as DataType[]) {
      const inputs: Operand[] = [
        { feed: new Tensor('float16', Uint16Array.from(constant('float16', [24], values).data as Uint16Array), [4, 6]) },
        { constant: constant('float16', [], [0.5]) },
        { constant: integerConstant(type, [], rng, 0, 10) },
      ];
      await expectMatchesOrt(quantize(inputs, type, 21), type);
    }
  });
});

describe('QuantizeLinear by hand', () => {
  const run = async (inputs: Operand[], outType: DataType, opset: number, attributes = {}) =>
    Array.from((await runNode(quantize(inputs, outType, opset, attributes))).out0.data as ArrayLike<number>);
  const x = (values: number[]): Operand => ({ feed: new Tensor('float32', Float32Array.from(values), [values.length]) });

  it('rounds half to even and saturates', async () => {
    const out = await run([x([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 300, -300]), { constant: constant('float32', [], [1]) }, { constant: constant('int8', [], [1]) }], 'int8', 21);
    expect(out).toEqual([1, 3, 3, 1, -1, -1, 127, -128]);
  });

  it('quantizes to int2 and uint2 (opset 25), which onnxruntime does not run', async () => {
    const values = [-3, -1.5, -0.5, 0.5, 1.5, 4];
    const int2 = (await runNode(quantize([x(values), { constant: constant('float32', [], [1]) }, { constant: constant('int2', [], [0]) }], 'int2', 25))).out0;
    expect(int2.type).toBe('int2');
    expect(int2.dims).toEqual([6]);
    const uint2 = (await runNode(quantize([x(values), { constant: constant('float32', [], [1]) }, { constant: constant('uint2', [], [1]) }], 'uint2', 25))).out0;
    expect(uint2.type).toBe('uint2');
    // Packed four to a byte, low bits first: int2 [-2, -2, 0, 0, 1, 1] and uint2 [0, 0, 1, 1, 3, 3].
    expect(Array.from(int2.data as Int8Array, (b) => b & 0xff)).toEqual([0b00001010, 0b0101]);
    expect(Array.from(uint2.data as Uint8Array)).toEqual([0b01010000, 0b1111]);
  });

  it('divides in the precision attribute\'s type (opset 23)', async () => {
    // 1000.5 / 1 in float16 is 1000 (float16 spacing is 0.5 up to 1024, 1 above): 1000.5 is representable,
    // but 2049 / 1 rounds to 2048 in float16 before quantizing to int16.
    const inputs: Operand[] = [x([1000.5, 2049]), { constant: constant('float32', [], [1]) }, { constant: constant('int16', [], [0]) }];
    expect(await run(inputs, 'int16', 23)).toEqual([1000, 2049]);
    expect(await run(inputs, 'int16', 23, { precision: attr.int(10) })).toEqual([1000, 2048]);
  });

  it('quantizes bfloat16 input with a bfloat16 scale', async () => {
    const inputs: Operand[] = [
      { constant: constant('bfloat16', [4], [1.5, 2.5, -7, 1000]) }, { constant: constant('bfloat16', [], [0.5]) }, { constant: constant('uint8', [], [10]) },
    ];
    expect(await run(inputs, 'uint8', 21)).toEqual([13, 15, 0, 255]);
  });

  it('rejects an output_dtype that differs from the zero point\'s type', async () => {
    const inputs: Operand[] = [x([1]), { constant: constant('float32', [], [1]) }, { constant: constant('int8', [], [0]) }];
    await expect(runNode(quantize(inputs, 'uint8', 21, { output_dtype: attr.int(2) }))).rejects.toThrow(/output_dtype/);
  });

  it('rejects a scale that fits neither per-axis nor blocked quantization', async () => {
    const inputs: Operand[] = [{ feed: floatFeed([4, 6], new Rng(1), 1) }, { constant: constant('float32', [4, 2], [1, 1, 1, 1, 1, 1, 1, 1]) }];
    await expect(runNode(quantize(inputs, 'uint8', 21, { axis: attr.int(1), block_size: attr.int(2) }))).rejects.toThrow(/block_size 2.*\[4,3\]/);
    await expect(runNode(quantize([inputs[0], { constant: constant('float32', [5], [1, 1, 1, 1, 1]) }], 'uint8', 21))).rejects.toThrow(/length 6/);
  });
});

function zeroPointCode(type: DataType): number {
  return { uint8: 2, int8: 3, uint16: 4, int16: 5, uint4: 21, int4: 22 }[type as 'uint8']!;
}
