import { describe, expect, it } from 'vitest';
import { Tensor } from '../../../src/index.js';
import type { DataType } from '../../../src/tensor/element-type.js';
import { expectMatchesOnnxruntime, runOnnxts } from '../../support/differential.js';
import { singleNodeModel, type ValueSpec } from '../../support/model-builder.js';
import { Rng, randomTensor } from '../../support/random.js';

function model(aType: DataType, bType: DataType, a: number[], b: number[], aZp?: number[], bZp?: number[]): Uint8Array {
  const inputs: ValueSpec[] = [{ name: 'a', type: aType, shape: a }, { name: 'b', type: bType, shape: b }];
  if (aZp) inputs.push({ name: 'a_zp', type: aType, shape: aZp });
  if (bZp) inputs.push({ name: 'b_zp', type: bType, shape: bZp });
  return singleNodeModel('MatMulInteger', inputs, [{ name: 'y', type: 'int32' }], { opset: 10 });
}

const range = (type: DataType): [number, number] => (type === 'uint8' ? [0, 255] : [-128, 127]);

describe('MatMulInteger', () => {
  const shapes: [number[], number[]][] = [[[7, 33], [33, 5]], [[2, 3, 4], [4, 6]], [[4], [4, 3]], [[2, 1, 3, 5], [4, 5, 2]]];
  for (const [aType, bType] of [['uint8', 'uint8'], ['uint8', 'int8'], ['int8', 'int8']] as [DataType, DataType][]) {
    it.each(shapes)(`${aType} x ${bType} %j x %j with scalar zero points matches onnxruntime`, async (a, b) => {
      const rng = new Rng(a.length * 7 + b.length);
      const feeds = {
        a: randomTensor(aType, a, rng, ...range(aType)),
        b: randomTensor(bType, b, rng, ...range(bType)),
        a_zp: randomTensor(aType, [], rng, ...range(aType)),
        b_zp: randomTensor(bType, [], rng, ...range(bType)),
      };
      await expectMatchesOnnxruntime(model(aType, bType, a, b, [], []), feeds);
      await expectMatchesOnnxruntime(model(aType, bType, a, b), { a: feeds.a, b: feeds.b });
    });
  }

  it('gives zeros when K = 0 (onnxruntime leaves that output uninitialized)', async () => {
    const rng = new Rng(2);
    const out = await runOnnxts(model('uint8', 'uint8', [3, 0], [0, 2]), { a: randomTensor('uint8', [3, 0], rng), b: randomTensor('uint8', [0, 2], rng) });
    expect(out.y.dims).toEqual([3, 2]);
    expect(Array.from(out.y.data as Int32Array)).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('subtracts a per-row zero point from A and a per-column one from B', async () => {
    const a = new Tensor('uint8', Uint8Array.from([10, 20, 30, 40, 50, 60]), [2, 3]);
    const b = new Tensor('int8', Int8Array.from([1, -2, 3, -4, 5, -6]), [3, 2]);
    const aZp = new Tensor('uint8', Uint8Array.from([5, 50]), [2]);
    const bZp = new Tensor('int8', Int8Array.from([1, -1]), [2]);
    const out = await runOnnxts(model('uint8', 'int8', [2, 3], [3, 2], [2], [2]), { a, b, a_zp: aZp, b_zp: bZp });
    const av = [[5, 15, 25], [-10, 0, 10]];
    const bv = [[0, -1], [2, -3], [4, -5]];
    const expected = av.flatMap((row) => [0, 1].map((j) => row.reduce((s, x, p) => s + x * bv[p][j], 0)));
    expect(out.y.type).toBe('int32');
    expect(Array.from(out.y.data as Int32Array)).toEqual(expected);
  });

  it('rejects a zero point that does not fit its operand', async () => {
    const rng = new Rng(3);
    const feeds = { a: randomTensor('uint8', [2, 3], rng, 0, 9), b: randomTensor('uint8', [3, 2], rng, 0, 9), a_zp: randomTensor('uint8', [3], rng, 0, 9) };
    await expect(runOnnxts(model('uint8', 'uint8', [2, 3], [3, 2], [3]), feeds)).rejects.toThrow(/does not fit/);
  });
});
