import { describe, expect, it } from 'vitest';
import { Tensor } from '../../../src/index.js';
import type { DataType } from '../../../src/tensor/element-type.js';
import { expectMatchesOnnxruntime, runOnnxts } from '../../support/differential.js';
import { attr, singleNodeModel } from '../../support/model-builder.js';
import { Rng, randomTensor } from '../../support/random.js';

describe.each(['ArgMax', 'ArgMin'])('%s', (op) => {
  const cases: [number[], number][] = [
    [[2, 3, 4], 0],
    [[2, 3, 4], 1],
    [[2, 3, 4], -1],
    [[7], 0],
    [[5, 1, 3], 1],
    [[0, 3], 1],
    [[3, 0, 2], 2],
  ];
  for (const type of ['float32', 'int32', 'int64', 'uint8', 'float64'] as DataType[]) {
    for (const keepdims of [1, 0]) {
      for (const selectLast of [0, 1]) {
        it.each(cases)(`${type} keepdims=${keepdims} select_last_index=${selectLast} x %j axis %i matches onnxruntime`, async (dims, axis) => {
          const rng = new Rng(19);
          // Few distinct values, so first and last occurrences differ.
          const x = randomTensor(type, dims, rng, type === 'uint8' ? 0 : -2, 2);
          const model = singleNodeModel(op, [{ name: 'x', type, shape: dims }], [{ name: 'y', type: 'int64' }], {
            attributes: { axis: attr.int(axis), keepdims: attr.int(keepdims), select_last_index: attr.int(selectLast) },
            opset: 13,
          });
          await expectMatchesOnnxruntime(model, { x });
        });
      }
    }
  }

  it('runs at opset 1 and 11 with default attributes', async () => {
    const rng = new Rng(1);
    for (const opset of [1, 11]) {
      const model = singleNodeModel(op, [{ name: 'x', type: 'float32', shape: [4, 5] }], [{ name: 'y', type: 'int64' }], { opset });
      await expectMatchesOnnxruntime(model, { x: randomTensor('float32', [4, 5], rng) });
    }
  });

  it('float16 input (independently derived)', async () => {
    const model = singleNodeModel(op, [{ name: 'x', type: 'float16', shape: [2, 3] }], [{ name: 'y', type: 'int64' }], { attributes: { axis: attr.int(1), keepdims: attr.int(0) } });
    const out = await runOnnxts(model, { x: new Tensor('float16', [1, 5, -2, 0.5, 0.25, 3], [2, 3]) });
    expect(Array.from(out.y.data as BigInt64Array)).toEqual(op === 'ArgMax' ? [1n, 2n] : [2n, 1n]);
  });

  it('rejects an empty reduction axis', async () => {
    const model = singleNodeModel(op, [{ name: 'x', type: 'float32', shape: [2, 0] }], [{ name: 'y', type: 'int64' }], { attributes: { axis: attr.int(1) } });
    await expect(runOnnxts(model, { x: new Tensor('float32', [], [2, 0]) })).rejects.toThrow(/axis 1 of size 0/);
  });
});
