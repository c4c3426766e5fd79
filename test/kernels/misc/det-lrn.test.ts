import { beforeAll, describe, expect, it } from 'vitest';
import { expectMatchesOnnxruntime, runOnnxts } from '../../support/differential.js';
import { attr, singleNodeModel } from '../../support/model-builder.js';
import { Rng, randomTensor } from '../../support/random.js';
import { Tensor } from '../../../src/index.js';

const rng = new Rng(8);

describe('Det', () => {
  it.each([[[3, 3]], [[2, 4, 4]], [[2, 1, 5, 5]], [[1, 1]], [[0, 2, 2]]])('of %j matches onnxruntime', async (dims) => {
    const model = singleNodeModel('Det', [{ name: 'x', type: 'float32' }], [{ name: 'y', type: 'float32' }], { opset: 22 });
    await expectMatchesOnnxruntime(model, { x: randomTensor('float32', dims, rng) }, { rtol: 1e-4, atol: 1e-4 });
  });

  it('is exact on known matrices, singular and permuted ones included, in float64', async () => {
    const model = singleNodeModel('Det', [{ name: 'x', type: 'float64' }], [{ name: 'y', type: 'float64' }], { opset: 22 });
    const x = new Tensor('float64', Float64Array.from([2, 0, 0, 0, 3, 0, 0, 0, 4, 1, 2, 3, 2, 4, 6, 0, 1, 5, 0, 1, 0, 1, 0, 0, 0, 0, 1]), [3, 3, 3]);
    const out = await runOnnxts(model, { x });
    expect(Array.from(out.y.data as Float64Array)).toEqual([24, 0, -1]);
  });

  it('rejects non-square input', async () => {
    const model = singleNodeModel('Det', [{ name: 'x', type: 'float32' }], [{ name: 'y', type: 'float32' }], { opset: 22 });
    await expect(runOnnxts(model, { x: randomTensor('float32', [2, 3], rng) })).rejects.toThrow(/\[\*, M, M\]/);
  });
});

describe('LRN', () => {
  it.each([1, 3, 5])('size %i with custom parameters matches onnxruntime', async (size) => {
    const model = singleNodeModel('LRN', [{ name: 'x', type: 'float32' }], [{ name: 'y', type: 'float32' }], {
      opset: 13, attributes: { size: attr.int(size), alpha: attr.float(0.01), beta: attr.float(0.6), bias: attr.float(1.5) },
    });
    for (const dims of [[2, 6, 4, 3], [1, 3, 5, 1], [3, 2, 2, 2]]) {
      await expectMatchesOnnxruntime(model, { x: randomTensor('float32', dims, rng) }, undefined, `[${dims}]`);
    }
  });

  it('takes an even size\'s extra channel above, on any rank (onnxruntime: odd sizes, 4-D only)', async () => {
    const model = singleNodeModel('LRN', [{ name: 'x', type: 'float64' }], [{ name: 'y', type: 'float64' }], {
      opset: 13, attributes: { size: attr.int(2), alpha: attr.float(1), beta: attr.float(1), bias: attr.float(1) },
    });
    // Channel c sums squares of channels c and c + 1: 1/(1 + 5/2), 2/(1 + 13/2), 3/(1 + 9/2).
    const out = await runOnnxts(model, { x: new Tensor('float64', Float64Array.from([1, 2, 3]), [1, 3]) });
    const y = Array.from(out.y.data as Float64Array);
    [1 / 3.5, 2 / 7.5, 3 / 5.5].forEach((v, i) => expect(y[i]).toBeCloseTo(v, 12));
  });

  it('uses the default alpha, beta and bias', async () => {
    const model = singleNodeModel('LRN', [{ name: 'x', type: 'float32' }], [{ name: 'y', type: 'float32' }], { opset: 1, attributes: { size: attr.int(3) } });
    await expectMatchesOnnxruntime(model, { x: randomTensor('float32', [1, 5, 3, 3], rng) });
  });
});
