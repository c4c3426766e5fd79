import { describe, expect, it } from 'vitest';
import { Tensor } from '../../../src/index.js';
import type { DataType } from '../../../src/tensor/element-type.js';
import { expectMatchesOnnxruntime, expectTensorsClose, runOnnxts } from '../../support/differential.js';
import { attr, singleNodeModel } from '../../support/model-builder.js';
import { Rng, randomTensor } from '../../support/random.js';

function einsumModel(equation: string, type: DataType, shapes: number[][]): Uint8Array {
  return singleNodeModel('Einsum', shapes.map((shape, i) => ({ name: `x${i}`, type, shape })), [{ name: 'y', type }], {
    attributes: { equation: attr.string(equation) },
    opset: 12,
  });
}

const cases: [string, number[][]][] = [
  ['bhid,bhjd->bhij', [[2, 3, 5, 4], [2, 3, 6, 4]]],
  ['bhij,bhjd->bhid', [[2, 3, 5, 6], [2, 3, 6, 4]]],
  ['ij,jk->ik', [[3, 4], [4, 5]]],
  ['ij,jk', [[3, 4], [4, 5]]],
  ['ij,kj->ik', [[3, 4], [5, 4]]],
  ['ji,jk->ik', [[4, 3], [4, 5]]],
  ['ij->ji', [[3, 4]]],
  ['ijk->kij', [[2, 3, 4]]],
  ['ii->i', [[4, 4]]],
  ['ii', [[4, 4]]],
  ['bii->bi', [[3, 5, 5]]],
  ['iij->j', [[3, 3, 2]]],
  ['ij->', [[3, 4]]],
  ['ij->j', [[3, 4]]],
  ['i,i', [[7], [7]]],
  ['i,j->ij', [[3], [4]]],
  ['ij,ij->ij', [[3, 4], [3, 4]]],
  ['...ij,...jk->...ik', [[2, 1, 3, 4], [1, 5, 4, 2]]],
  ['...ij,...jk', [[2, 3, 4], [2, 4, 2]]],
  ['...ij->...ji', [[2, 3, 4, 5]]],
  ['i...->...', [[3, 2, 4]]],
  ['abc,cd,de->abe', [[2, 3, 4], [4, 5], [5, 3]]],
  ['ij,jk,kl->il', [[2, 3], [3, 4], [4, 2]]],
  ['bn,anm,bm->ba', [[2, 3], [4, 3, 5], [2, 5]]],
  ['ij,jk->ik', [[0, 4], [4, 5]]],
  ['ij,jk->ik', [[3, 0], [0, 5]]],
  ['', [[]]],
  ['->', [[]]],
  [' i j , j k -> i k ', [[2, 3], [3, 2]]],
];

describe('Einsum', () => {
  for (const type of ['float32', 'float64', 'int32', 'int64'] as DataType[]) {
    it.each(cases)(`${type} '%s' on %j matches onnxruntime`, async (equation, shapes) => {
      const rng = new Rng(37);
      const feeds = Object.fromEntries(shapes.map((shape, i) => [`x${i}`, randomTensor(type, shape, rng)]));
      await expectMatchesOnnxruntime(einsumModel(equation, type, shapes), feeds, { rtol: 1e-4, atol: 1e-4 });
    });
  }

  it('float16 computes in float32 and rounds once (independently derived)', async () => {
    const a = [1, 2, 3, 4, 5, 6];
    const b = [0.5, -1, 2, 0.25, 1, 1];
    const out = await runOnnxts(einsumModel('ij,jk->ik', 'float16', [[2, 3], [3, 2]]), {
      x0: new Tensor('float16', a, [2, 3]),
      x1: new Tensor('float16', b, [3, 2]),
    });
    const expected = [0, 1].flatMap((i) => [0, 1].map((k) => [0, 1, 2].reduce((s, j) => s + a[i * 3 + j] * b[j * 2 + k], 0)));
    expectTensorsClose(out.y, { type: 'float16', dims: [2, 2], data: new Tensor('float16', expected, [2, 2]).data }, { rtol: 1e-3, atol: 1e-3 }, 'y');
  });

  it('rejects a term that does not fit its input and mismatched label sizes', async () => {
    const x = new Tensor('float32', new Float32Array(6), [2, 3]);
    await expect(runOnnxts(einsumModel('ijk->i', 'float32', [[2, 3]]), { x0: x })).rejects.toThrow(/does not fit input 0 of rank 2/);
    await expect(runOnnxts(einsumModel('ij,ij->i', 'float32', [[2, 3], [3, 2]]), { x0: x, x1: new Tensor('float32', new Float32Array(6), [3, 2]) })).rejects.toThrow(/size 2 in one operand and 3/);
    await expect(runOnnxts(einsumModel('ij->k', 'float32', [[2, 3]]), { x0: x })).rejects.toThrow(/'k' appears in no input/);
  });
});
