import { describe, expect, it } from 'vitest';
import { singleNodeModel } from '../../support/model-builder.js';
import { expectMatchesOnnxruntime } from '../../support/differential.js';
import { Rng, randomDense, randomTensor } from '../../support/random.js';
import type { DataType } from '../../../src/tensor/element-type.js';
import { int64Feed, int64s, referenceGather, runTensor } from './kernel-harness.js';

const rng = new Rng(43);
const TYPES: DataType[] = ['float32', 'int64', 'float16', 'string', 'bool', 'uint8'];

function model(op: 'Expand' | 'Tile', type: DataType, shape: readonly number[], vectorLength: number, opset = 13): Uint8Array {
  return singleNodeModel(op, [{ name: 'x', type, shape }, { name: 'v', type: 'int64', shape: [vectorLength] }], [{ name: 'y', type }], { opset });
}

describe('Expand', () => {
  const cases: [number[], number[]][] = [
    [[3, 1], [2, 3, 4]], [[1], [5]], [[], [2, 3]], [[2, 3], [3]], [[4, 1, 3], [1, 5, 1]], [[2, 3], [1, 1, 1, 1]],
    [[1, 3], [0, 3]], [[0, 1], [0, 4]], [[1, 1, 1], [3, 2, 7]], [[5, 1, 7], [5, 9, 7]], [[2, 3], [2, 3]],
  ];
  it.each(TYPES)('%s broadcasts bidirectionally like onnxruntime', async (type) => {
    for (const [shape, target] of cases) {
      await expectMatchesOnnxruntime(model('Expand', type, shape, target.length, 13), { x: randomTensor(type, shape, rng), v: int64Feed(target) }, undefined, `${JSON.stringify(shape)} to ${JSON.stringify(target)}`);
    }
  });

  it('matches onnxruntime at opset 8 and on an odd-sized larger tensor', async () => {
    await expectMatchesOnnxruntime(model('Expand', 'float32', [1, 37, 1], 3, 8), { x: randomTensor('float32', [1, 37, 1], rng), v: int64Feed([19, 1, 23]) });
  });

  it('broadcasts complex and int4 storage like the index-by-index reference', async () => {
    for (const type of ['complex64', 'int4'] as DataType[]) {
      const x = randomDense(type, [3, 1], rng, -4, 4);
      const out = await runTensor('Expand', [x, int64s([2, 3, 4])]);
      const expected = referenceGather(x, [2, 3, 4], ([, j]) => [j, 0]);
      expect(Array.from(out.data as ArrayLike<number>)).toEqual(Array.from(expected.data as ArrayLike<number>));
    }
  });

  it('rejects incompatible, negative and unallocatable shapes', async () => {
    const x = randomDense('float32', [2, 3], rng);
    await expect(runTensor('Expand', [x, int64s([4, 3, 2])])).rejects.toThrow(/cannot be broadcast/);
    await expect(runTensor('Expand', [x, int64s([-1, 3])])).rejects.toThrow(/invalid dimension -1/);
    await expect(runTensor('Expand', [x, int64s([2 ** 30, 2 ** 30, 3])])).rejects.toThrow(/more than the limit/);
  });
});

describe('Tile', () => {
  const cases: [number[], number[]][] = [
    [[2, 3], [1, 1]], [[2, 3], [3, 2]], [[5], [4]], [[2, 1, 3], [1, 5, 2]], [[2, 3], [0, 2]], [[0, 3], [2, 2]], [[], []], [[3, 7, 2], [2, 1, 3]], [[1, 1], [6, 5]],
  ];
  it.each(TYPES)('%s repeats like onnxruntime', async (type) => {
    for (const [shape, repeats] of cases) {
      await expectMatchesOnnxruntime(model('Tile', type, shape, repeats.length, 13), { x: randomTensor(type, shape, rng), v: int64Feed(repeats) }, undefined, `${JSON.stringify(shape)} x ${JSON.stringify(repeats)}`);
    }
  });

  it('opset 1 tiles one axis given as inputs', async () => {
    const x = randomDense('float32', [2, 3], rng);
    const out = await runTensor('Tile', [x, int64s([3], []), int64s([-1], [])], { opset: 1 });
    expect(out.dims).toEqual([2, 9]);
    const expected = referenceGather(x, [2, 9], ([i, j]) => [i, j % 3]);
    expect(Array.from(out.data as Float32Array)).toEqual(Array.from(expected.data as Float32Array));
  });

  it('tiles complex storage like the index-by-index reference', async () => {
    const x = randomDense('complex128', [2, 3], rng);
    const out = await runTensor('Tile', [x, int64s([2, 3])]);
    const expected = referenceGather(x, [4, 9], ([i, j]) => [i % 2, j % 3]);
    expect(Array.from(out.data as Float64Array)).toEqual(Array.from(expected.data as Float64Array));
  });

  it('rejects a repeats length that differs from the rank, negative and unallocatable repeats', async () => {
    const x = randomDense('float32', [2, 3], rng);
    await expect(runTensor('Tile', [x, int64s([2])])).rejects.toThrow(/repeats has 1 values but the input has rank 2/);
    await expect(runTensor('Tile', [x, int64s([2, -1])])).rejects.toThrow(/non-negative/);
    await expect(runTensor('Tile', [x, int64s([2 ** 20, 2 ** 20])])).rejects.toThrow(/more than the limit/);
  });
});
