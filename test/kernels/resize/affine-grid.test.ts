import { describe, expect, it } from 'vitest';
import { Tensor } from '../../../src/index.js';
import type { DataType } from '../../../src/tensor/element-type.js';
import { expectMatchesOnnxruntime, runOnnxts } from '../../support/differential.js';
import { attr, singleNodeModel } from '../../support/model-builder.js';
import { Rng, randomTensor } from '../../support/random.js';

describe('AffineGrid against onnxruntime', () => {
  it.each([
    [[2, 2, 3], [2, 3, 5, 6]],
    [[1, 2, 3], [1, 1, 1, 4]],
    [[2, 3, 4], [2, 3, 3, 4, 5]],
  ])('theta %j, size %j, align_corners both ways', async (thetaDims, size) => {
    for (const type of ['float32', 'float64'] as DataType[]) {
      // A length-1 dim with align_corners is where onnxruntime (1), the reference (-1) and
      // PyTorch (0) all differ; it has its own test below.
      for (const alignCorners of size.includes(1) ? [0] : [0, 1]) {
        const model = singleNodeModel('AffineGrid', [{ name: 'theta', type, shape: thetaDims }, { name: 'size', type: 'int64', shape: [size.length] }], [{ name: 'grid', type }], {
          opset: 20,
          attributes: { align_corners: attr.int(alignCorners) },
        });
        const feeds = { theta: randomTensor(type, thetaDims, new Rng(20), -1.5, 1.5), size: new Tensor('int64', BigInt64Array.from(size.map(BigInt)), [size.length]) };
        await expectMatchesOnnxruntime(model, feeds, undefined, `${type} align_corners=${alignCorners}`);
      }
    }
  });

  it('puts a length-1 dim at the center, as PyTorch does', async () => {
    for (const alignCorners of [0, 1]) {
      const model = singleNodeModel('AffineGrid', [{ name: 'theta', type: 'float32', shape: [1, 2, 3] }, { name: 'size', type: 'int64', shape: [4] }], [{ name: 'grid', type: 'float32' }], {
        opset: 20,
        attributes: { align_corners: attr.int(alignCorners) },
      });
      const identity = new Tensor('float32', [1, 0, 0, 0, 1, 0], [1, 2, 3]);
      const grid = (await runOnnxts(model, { theta: identity, size: new Tensor('int64', BigInt64Array.from([1n, 1n, 1n, 3n]), [4]) })).grid;
      const xs = alignCorners ? [-1, 0, 1] : [-2 / 3, 0, 2 / 3];
      expect(Array.from(grid.data as Float32Array)).toEqual(xs.flatMap((x) => [Math.fround(x), 0]));
    }
  });

  it('rejects a theta that does not match size', async () => {
    const model = singleNodeModel('AffineGrid', [{ name: 'theta', type: 'float32', shape: [1, 2, 3] }, { name: 'size', type: 'int64', shape: [5] }], [{ name: 'grid', type: 'float32' }], { opset: 20 });
    const feeds = { theta: randomTensor('float32', [1, 2, 3], new Rng(21)), size: new Tensor('int64', BigInt64Array.from([1n, 1n, 2n, 2n, 2n]), [5]) };
    await expect(runOnnxts(model, feeds)).rejects.toThrow(/theta/);
  });
});
