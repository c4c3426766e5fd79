import { describe, expect, it } from 'vitest';
import { Tensor } from '../../../src/index.js';
import type { DataType } from '../../../src/tensor/element-type.js';
import { expectMatchesOnnxruntime, expectTensorsClose, FLOAT32_TOLERANCE, runOnnxruntime, runOnnxts } from '../../support/differential.js';
import { attr, singleNodeModel, type AttributeValue } from '../../support/model-builder.js';
import { Rng, randomTensor } from '../../support/random.js';

function topKModel(type: DataType, dims: number[], attributes: Record<string, AttributeValue>, opset = 11): Uint8Array {
  return singleNodeModel('TopK', [{ name: 'x', type, shape: dims }, { name: 'k', type: 'int64', shape: [1] }], [{ name: 'values', type }, { name: 'indices', type: 'int64' }], {
    attributes,
    opset,
  });
}

describe('TopK', () => {
  const cases: [number[], number, number][] = [
    [[3, 4], -1, 2],
    [[3, 4], 0, 3],
    [[2, 3, 5], 1, 1],
    [[2, 3, 5], -1, 5],
    [[4, 1000], 1, 5],
    [[1000], 0, 300],
    [[2, 50, 3], 1, 40],
    [[3, 6], 1, 0],
  ];
  for (const largest of [1, 0]) {
    for (const type of ['float32', 'int64', 'int32', 'float64'] as DataType[]) {
      it.each(cases)(`largest=${largest} ${type} x %j axis %i k=%i matches onnxruntime (ties to the lower index)`, async (dims, axis, k) => {
        const rng = new Rng(31);
        // A narrow integer range makes ties common, so the tie rule is exercised.
        const x = type.startsWith('int') ? randomTensor(type, dims, rng, -4, 4) : randomTensor(type, dims, rng);
        await expectMatchesOnnxruntime(topKModel(type, dims, { axis: attr.int(axis), largest: attr.int(largest) }), { x, k: new Tensor('int64', [BigInt(k)], [1]) });
      });
    }
  }

  it('an empty outer dimension gives empty outputs (onnxruntime-node crashes on it)', async () => {
    const out = await runOnnxts(topKModel('float32', [0, 6], {}), { x: new Tensor('float32', [], [0, 6]), k: new Tensor('int64', [2n], [1]) });
    expect(out.values.dims).toEqual([0, 2]);
    expect(out.indices.dims).toEqual([0, 2]);
  });

  it('float16 values keep their exact bits (independently derived)', async () => {
    const x = new Tensor('float16', [1.5, -2, 7.25, 7.25, 0.1], [5]);
    const out = await runOnnxts(topKModel('float16', [5], {}), { x, k: new Tensor('int64', [3n], [1]) });
    expectTensorsClose(out.values, { type: 'float16', dims: [3], data: new Tensor('float16', [7.25, 7.25, 1.5], [3]).data }, { rtol: 0, atol: 0 }, 'values');
    expect(Array.from(out.indices.data as BigInt64Array)).toEqual([2n, 3n, 0n]);
  });

  it('NaN ranks above every number (independently derived)', async () => {
    const x = new Tensor('float32', [1, NaN, 3, -Infinity, NaN], [5]);
    const top = await runOnnxts(topKModel('float32', [5], {}), { x, k: new Tensor('int64', [3n], [1]) });
    expect(Array.from(top.indices.data as BigInt64Array)).toEqual([1n, 4n, 2n]);
    const bottom = await runOnnxts(topKModel('float32', [5], { largest: attr.int(0) }), { x, k: new Tensor('int64', [3n], [1]) });
    expect(Array.from(bottom.indices.data as BigInt64Array)).toEqual([3n, 0n, 2n]);
  });

  it('sorted=0 returns the same entries (here in sorted order)', async () => {
    const rng = new Rng(4);
    const x = randomTensor('float32', [5, 40], rng);
    const k = new Tensor('int64', [7n], [1]);
    const ours = await runOnnxts(topKModel('float32', [5, 40], { sorted: attr.int(0) }), { x, k });
    const theirs = await runOnnxruntime(topKModel('float32', [5, 40], { sorted: attr.int(1) }), { x, k });
    expectTensorsClose(ours.values, theirs.values, FLOAT32_TOLERANCE, 'values');
    expectTensorsClose(ours.indices, theirs.indices, FLOAT32_TOLERANCE, 'indices');
  });

  it('reads k from the attribute at opset 1 and from the input at opset 10', async () => {
    const rng = new Rng(8);
    const x = randomTensor('float32', [3, 9], rng);
    const v1 = singleNodeModel('TopK', [{ name: 'x', type: 'float32', shape: [3, 9] }], [{ name: 'values', type: 'float32' }, { name: 'indices', type: 'int64' }], {
      attributes: { k: attr.int(4) },
      opset: 1,
    });
    await expectMatchesOnnxruntime(v1, { x });
    await expectMatchesOnnxruntime(topKModel('float32', [3, 9], { axis: attr.int(0) }, 10), { x, k: new Tensor('int64', [2n], [1]) });
  });

  it('rejects k beyond the axis size or negative', async () => {
    const x = new Tensor('float32', [1, 2, 3], [3]);
    const model = topKModel('float32', [3], {});
    await expect(runOnnxts(model, { x, k: new Tensor('int64', [4n], [1]) })).rejects.toThrow(/k = 4 must be in 0..3/);
    await expect(runOnnxts(model, { x, k: new Tensor('int64', [-1n], [1]) })).rejects.toThrow(/k = -1/);
  });
});
