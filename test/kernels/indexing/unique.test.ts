import { describe, expect, it } from 'vitest';
import { Tensor } from '../../../src/index.js';
import type { DataType } from '../../../src/tensor/element-type.js';
import { expectMatchesOnnxruntime, runOnnxts } from '../../support/differential.js';
import { attr, singleNodeModel } from '../../support/model-builder.js';
import { Rng, randomTensor } from '../../support/random.js';

function uniqueModel(type: DataType, dims: number[], sorted: number, axis?: number): Uint8Array {
  return singleNodeModel('Unique', [{ name: 'x', type, shape: dims }], [
    { name: 'y', type }, { name: 'indices', type: 'int64' }, { name: 'inverse', type: 'int64' }, { name: 'counts', type: 'int64' },
  ], { attributes: { sorted: attr.int(sorted), ...(axis === undefined ? {} : { axis: attr.int(axis) }) }, opset: 11 });
}

describe('Unique', () => {
  const cases: [number[], number | undefined][] = [
    [[12], undefined],
    [[3, 4], undefined],
    [[6, 2], 0],
    [[2, 6], 1],
    [[2, 6], -1],
    [[2, 4, 2], 1],
    [[3, 2, 2], 0],
    [[1], undefined],
  ];
  for (const sorted of [1, 0]) {
    for (const type of ['float32', 'int64', 'int8', 'float64'] as DataType[]) {
      it.each(cases)(`${type} sorted=${sorted} x %j axis %s matches onnxruntime`, async (dims, axis) => {
        const rng = new Rng(47);
        // Values from a small range repeat, and on narrow slices whole slices repeat too.
        await expectMatchesOnnxruntime(uniqueModel(type, dims, sorted, axis), { x: randomTensor(type, dims, rng, -1, 2) });
      });
    }
  }

  it('strings without an axis match onnxruntime', async () => {
    const x = new Tensor('string', ['b', 'a', 'b', 'c', 'a', 'ab'], [6]);
    for (const sorted of [0, 1]) await expectMatchesOnnxruntime(uniqueModel('string', [6], sorted), { x });
  });

  it('follows the spec examples (independently derived)', async () => {
    const flat = await runOnnxts(uniqueModel('float32', [6], 0), { x: new Tensor('float32', [2, 1, 1, 3, 4, 3], [6]) });
    expect(Array.from(flat.y.data as Float32Array)).toEqual([2, 1, 3, 4]);
    expect(Array.from(flat.indices.data as BigInt64Array)).toEqual([0n, 1n, 3n, 4n]);
    expect(Array.from(flat.inverse.data as BigInt64Array)).toEqual([0n, 1n, 1n, 2n, 3n, 2n]);
    expect(Array.from(flat.counts.data as BigInt64Array)).toEqual([1n, 2n, 2n, 1n]);
    const x = new Tensor('float32', [1, 1, 0, 1, 2, 1, 0, 1, 1, 1, 0, 1, 2, 1, 0, 1], [2, 4, 2]);
    const slices = await runOnnxts(uniqueModel('float32', [2, 4, 2], 1, 1), { x });
    expect(slices.y.dims).toEqual([2, 3, 2]);
    expect(Array.from(slices.y.data as Float32Array)).toEqual([0, 1, 1, 1, 2, 1, 0, 1, 1, 1, 2, 1]);
    expect(Array.from(slices.indices.data as BigInt64Array)).toEqual([1n, 0n, 2n]);
    expect(Array.from(slices.inverse.data as BigInt64Array)).toEqual([1n, 0n, 2n, 0n]);
    expect(Array.from(slices.counts.data as BigInt64Array)).toEqual([2n, 1n, 1n]);
  });

  it('an empty input gives empty outputs', async () => {
    const out = await runOnnxts(uniqueModel('float32', [0], 1), { x: new Tensor('float32', [], [0]) });
    expect(out.y.dims).toEqual([0]);
    expect(out.counts.dims).toEqual([0]);
  });
});
