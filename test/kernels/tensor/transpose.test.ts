import { describe, expect, it } from 'vitest';
import { attr, singleNodeModel } from '../../support/model-builder.js';
import { expectMatchesOnnxruntime } from '../../support/differential.js';
import { Rng, randomDense, randomTensor } from '../../support/random.js';
import type { DataType } from '../../../src/tensor/element-type.js';
import { at, referenceGather, runTensor } from './kernel-harness.js';

function permutations(n: number): number[][] {
  if (n === 0) return [[]];
  return permutations(n - 1).flatMap((p) => Array.from({ length: n }, (_, i) => [...p.slice(0, i), n - 1, ...p.slice(i)]));
}

const rng = new Rng(31);

describe('Transpose', () => {
  it.each(['float32', 'int64', 'float16', 'string', 'bool', 'uint8', 'float64'] as DataType[])('%s with every permutation of random rank-1..4 shapes matches onnxruntime', async (type) => {
    for (let rank = 1; rank <= 4; rank++) {
      const shape = rng.shape(rank, 5);
      for (const perm of permutations(rank)) {
        const model = singleNodeModel('Transpose', [{ name: 'x', type, shape }], [{ name: 'y', type }], { opset: 13, attributes: { perm: attr.ints(perm) } });
        await expectMatchesOnnxruntime(model, { x: randomTensor(type, shape, rng) }, undefined, `${JSON.stringify(shape)} perm ${perm}`);
      }
    }
  });

  it.each([[[2, 3, 4]], [[7]], [[]], [[0, 3, 2]], [[1, 5, 1, 3]], [[3, 1]]])('default perm (reverse) of %j matches onnxruntime', async (shape) => {
    const model = singleNodeModel('Transpose', [{ name: 'x', type: 'float32', shape }], [{ name: 'y', type: 'float32' }], { opset: 21 });
    await expectMatchesOnnxruntime(model, { x: randomTensor('float32', shape, rng) });
  });

  it('odd-sized larger tensors match onnxruntime (NCHW <-> NHWC and a 2-D transpose)', async () => {
    for (const [shape, perm] of [[[2, 17, 13, 11], [0, 2, 3, 1]], [[3, 9, 7, 33], [0, 3, 1, 2]], [[129, 67], [1, 0]], [[5, 1, 31, 1, 6], [4, 1, 2, 0, 3]]] as const) {
      const model = singleNodeModel('Transpose', [{ name: 'x', type: 'float32', shape }], [{ name: 'y', type: 'float32' }], { opset: 13, attributes: { perm: attr.ints(perm) } });
      await expectMatchesOnnxruntime(model, { x: randomTensor('float32', shape, rng) });
    }
  });

  it.each(['float32', 'uint8', 'int16', 'string'] as DataType[])('%s tiled copies with partial tiles and row groups match onnxruntime', async (type) => {
    // Contiguous runs of 190, 35 and 33 source rows: whole and partial 32-row tiles, and groups of four rows with 1-3 left over.
    for (const [shape, perm] of [[[2, 45, 5, 38], [0, 2, 3, 1]], [[3, 35, 66], [0, 2, 1]], [[33, 70], [1, 0]]] as const) {
      const model = singleNodeModel('Transpose', [{ name: 'x', type, shape }], [{ name: 'y', type }], { opset: 13, attributes: { perm: attr.ints(perm) } });
      await expectMatchesOnnxruntime(model, { x: randomTensor(type, shape, rng) }, undefined, `${type} ${JSON.stringify(shape)} perm ${perm}`);
    }
  });

  it.each(['complex64', 'int4', 'float8e4m3fn', 'uint2', 'complex128'] as DataType[])('moves %s elements like the index-by-index reference', async (type) => {
    const x = randomDense(type, [3, 4, 5], rng, 0, 3);
    for (const perm of permutations(3)) {
      const out = await runTensor('Transpose', [x], { attributes: { perm: at.ints(perm) } });
      const expected = referenceGather(x, perm.map((p) => x.dims[p]), (index) => perm.map((_, i) => index[perm.indexOf(i)]));
      expect(out.dims).toEqual(expected.dims);
      expect(Array.from(out.data as ArrayLike<number>)).toEqual(Array.from(expected.data as ArrayLike<number>));
    }
  });

  it('reuses the storage when only size-1 axes move', async () => {
    const x = randomDense('float32', [1, 4, 1, 3], rng);
    const out = await runTensor('Transpose', [x], { attributes: { perm: at.ints([2, 1, 0, 3]) } });
    expect(out.dims).toEqual([1, 4, 1, 3]);
    expect(out.data).toBe(x.data);
  });

  it('rejects a perm that is not a permutation of the axes', async () => {
    const x = randomDense('float32', [2, 3], rng);
    for (const perm of [[0], [0, 0], [0, 2], [1, 0, 2], [-1, 0]]) {
      await expect(runTensor('Transpose', [x], { attributes: { perm: at.ints(perm) } })).rejects.toThrow(/is not a permutation/);
    }
  });
});
