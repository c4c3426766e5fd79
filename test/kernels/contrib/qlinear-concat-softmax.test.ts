import { describe, expect, it } from 'vitest';
import { Tensor } from '../../../src/index.js';
import type { DataType } from '../../../src/tensor/element-type.js';
import { attr } from '../../support/model-builder.js';
import { Rng } from '../../support/random.js';
import { constant, integerConstant, RANGES, scales } from '../quant/quant-data.js';
import { expectMatchesOrt, runNode, type Operand } from '../quant/quant-model.js';

function feed(type: DataType, dims: number[], rng: Rng): Operand {
  const [lo, hi] = RANGES[type]!;
  return { feed: new Tensor(type as Tensor.Type, integerConstant(type, dims, rng, lo, hi).data as never, dims) };
}

const scale = (rng: Rng): Operand => ({ constant: constant('float32', [], scales(1, rng, false)) });
const zeroPoint = (type: DataType, rng: Rng): Operand => ({ constant: integerConstant(type, [], rng, type === 'uint8' ? 100 : -30, type === 'uint8' ? 160 : 30) });

describe('QLinearConcat against onnxruntime', () => {
  const cases: [number[][], number][] = [[[[2, 3], [2, 5], [2, 1]], 1], [[[4, 2, 3], [1, 2, 3]], 0], [[[2, 3, 4], [2, 3, 2]], -1], [[[5], [7]], 0]];
  for (const type of ['uint8', 'int8'] as DataType[]) {
    it.each(cases)(`${type} %j along axis %i`, async (shapes, axis) => {
      const rng = new Rng(shapes.length * 5 + axis);
      const yScale = scale(rng);
      const yZero = zeroPoint(type, rng);
      // The first input already has Y's quantization (copied as is); the others are requantized.
      const inputs: Operand[] = [yScale, yZero, ...shapes.flatMap((dims, i) => (i === 0 ? [feed(type, dims, rng), yScale, yZero] : [feed(type, dims, rng), scale(rng), zeroPoint(type, rng)]))];
      await expectMatchesOrt({ op: 'QLinearConcat', domain: 'com.microsoft', inputs, outputs: [type], attributes: { axis: attr.int(axis) } }, type);
    });
  }

  it('rejects inputs that are not (tensor, scale, zero point) triples', async () => {
    const rng = new Rng(1);
    const inputs: Operand[] = [scale(rng), zeroPoint('uint8', rng), feed('uint8', [2], rng), scale(rng)];
    await expect(runNode({ op: 'QLinearConcat', domain: 'com.microsoft', inputs, outputs: ['uint8'], attributes: { axis: attr.int(0) } })).rejects.toThrow(/triples/);
  });
});

describe('QLinearSoftmax against onnxruntime', () => {
  const cases: [number[], number | undefined, number][] = [
    [[4, 10], undefined, 13], [[3, 5, 6], 1, 13], [[2, 3, 7], 0, 13], [[2, 3, 4], undefined, 12], [[2, 3, 4], 2, 11], [[6, 300], -1, 13], [[2, 3, 4], 1, 12],
  ];
  for (const type of ['uint8', 'int8'] as DataType[]) {
    it.each(cases)(`${type} %j, axis %s, opset attribute %i`, async (dims, axis, opset) => {
      const rng = new Rng(dims.reduce((a, b) => a + b, opset));
      for (let trial = 0; trial < 3; trial++) {
        // Softmax outputs lie in [0, 1]: y_scale 1/256 (or 1/255) with the zero point at the type's minimum uses the whole range.
        const yScale: Operand = { constant: constant('float32', [], [trial === 2 ? 1 / 255 : 1 / 256]) };
        const yZero: Operand = { constant: constant(type, [], [type === 'uint8' ? 0 : -128]) };
        const inputs: Operand[] = [feed(type, dims, rng), { constant: constant('float32', [], [Math.fround(rng.uniform(0.02, 0.3))]) }, zeroPoint(type, rng), yScale, yZero];
        const attributes = { opset: attr.int(opset), ...(axis === undefined ? {} : { axis: attr.int(axis) }) };
        await expectMatchesOrt({ op: 'QLinearSoftmax', domain: 'com.microsoft', inputs, outputs: [type], attributes }, `trial ${trial}`);
      }
    });
  }

  it('saturates a lane of one element (probability 1) to the top code', async () => {
    // onnxruntime overflows float32 here (exp * 256 exceeds its range) and returns 0.
    const inputs: Operand[] = [
      { constant: constant('uint8', [3, 1], [7, 90, 200]) }, { constant: constant('float32', [], [0.1]) }, undefined,
      { constant: constant('float32', [], [1 / 256]) }, { constant: constant('uint8', [], [0]) },
    ];
    const out = (await runNode({ op: 'QLinearSoftmax', domain: 'com.microsoft', inputs, outputs: ['uint8'], attributes: { opset: attr.int(13) } })).out0;
    expect(Array.from(out.data as Uint8Array)).toEqual([255, 255, 255]);
  });
});
