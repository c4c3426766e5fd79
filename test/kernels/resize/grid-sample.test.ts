import { describe, expect, it } from 'vitest';
import { Tensor } from '../../../src/index.js';
import type { DataType } from '../../../src/tensor/element-type.js';
import { expectMatchesOnnxruntime, runOnnxts } from '../../support/differential.js';
import { attr, singleNodeModel } from '../../support/model-builder.js';
import { Rng, randomTensor } from '../../support/random.js';

interface SampleCase {
  readonly xDims: number[];
  readonly gridDims: number[];
  readonly mode: string;
  readonly padding: string;
  readonly alignCorners: number;
  readonly opset: number;
  readonly type?: DataType;
  readonly gridType?: DataType;
}

function gridSampleModel(c: SampleCase): Uint8Array {
  const type = c.type ?? 'float32';
  return singleNodeModel('GridSample', [{ name: 'x', type, shape: c.xDims }, { name: 'grid', type: c.gridType ?? 'float32', shape: c.gridDims }], [{ name: 'y', type }], {
    opset: c.opset,
    attributes: { mode: attr.string(c.mode), padding_mode: attr.string(c.padding), align_corners: attr.int(c.alignCorners) },
  });
}

/** Grid values reach past [-1, 1], so every padding mode has outside samples to handle. */
const randomGrid = (dims: number[], seed: number, type: DataType = 'float32') => randomTensor(type, dims, new Rng(seed), -1.4, 1.4);

describe('GridSample against onnxruntime', () => {
  const modes = (opset: number) => (opset < 20 ? ['nearest', 'bilinear', 'bicubic'] : ['nearest', 'linear', 'cubic']);
  for (const opset of [16, 20]) {
    for (const mode of modes(opset)) {
      for (const padding of ['zeros', 'border', 'reflection']) {
        it(`opset ${opset}, 4-D, ${mode}, ${padding} padding, align_corners both ways`, async () => {
          for (const alignCorners of [0, 1]) {
            const c = { xDims: [2, 3, 5, 7], gridDims: [2, 4, 6, 2], mode, padding, alignCorners, opset };
            await expectMatchesOnnxruntime(gridSampleModel(c), { x: randomTensor('float32', c.xDims, new Rng(1)), grid: randomGrid(c.gridDims, 2) }, undefined, JSON.stringify(c));
          }
        });
      }
    }
  }

  it.each(['nearest', 'linear'])('5-D (volumetric), %s', async (mode) => {
    for (const padding of ['zeros', 'border', 'reflection']) {
      for (const alignCorners of [0, 1]) {
        const c = { xDims: [1, 2, 3, 4, 5], gridDims: [1, 2, 3, 4, 3], mode, padding, alignCorners, opset: 20 };
        await expectMatchesOnnxruntime(gridSampleModel(c), { x: randomTensor('float32', c.xDims, new Rng(3)), grid: randomGrid(c.gridDims, 4) }, undefined, JSON.stringify(c));
      }
    }
  });

  it('grid values exactly on pixel centers and halfway between them', async () => {
    // For a width of 4 without align_corners, -0.25 lands on index 1 and 0 halfway between 1 and 2.
    const grid = new Tensor('float32', [-1, -1, -0.25, 0, 0, 0, 0.25, 0.5, 1, 1, -0.75, 0.75], [1, 2, 3, 2]);
    for (const mode of ['nearest', 'linear', 'cubic']) {
      const c = { xDims: [1, 1, 4, 4], gridDims: [1, 2, 3, 2], mode, padding: 'zeros', alignCorners: 0, opset: 20 };
      await expectMatchesOnnxruntime(gridSampleModel(c), { x: randomTensor('float32', c.xDims, new Rng(5)), grid }, undefined, mode);
    }
  });

  it('float64 data and grid', async () => {
    for (const mode of ['nearest', 'linear', 'cubic']) {
      const c = { xDims: [1, 2, 4, 5], gridDims: [1, 3, 3, 2], mode, padding: 'border', alignCorners: 0, opset: 20, type: 'float64' as DataType, gridType: 'float64' as DataType };
      await expectMatchesOnnxruntime(gridSampleModel(c), { x: randomTensor('float64', c.xDims, new Rng(6)), grid: randomGrid(c.gridDims, 7, 'float64') }, undefined, mode);
    }
  });

  it('an empty batch and an empty output grid', async () => {
    for (const [xDims, gridDims] of [[[0, 2, 3, 3], [0, 2, 2, 2]], [[1, 2, 3, 3], [1, 0, 4, 2]]]) {
      const c = { xDims, gridDims, mode: 'linear', padding: 'zeros', alignCorners: 0, opset: 20 };
      const y = (await runOnnxts(gridSampleModel(c), { x: randomTensor('float32', xDims, new Rng(8)), grid: randomGrid(gridDims, 9) })).y;
      expect(y.dims).toEqual([xDims[0], xDims[1], ...gridDims.slice(1, -1)]);
    }
  });
});

describe('GridSample on types onnxruntime has no kernel for', () => {
  it.each(['int32', 'uint8', 'string', 'bool', 'int64'] as DataType[])('nearest copies %s elements where float32 sampling of indices points', async (type) => {
    const base = { xDims: [1, 2, 3, 4], gridDims: [1, 5, 3, 2], mode: 'nearest', padding: 'reflection', alignCorners: 0, opset: 20 };
    const grid = randomGrid(base.gridDims, 10);
    const indices = new Tensor('float32', Float32Array.from({ length: 24 }, (_, i) => i), base.xDims);
    const where = Array.from((await runOnnxts(gridSampleModel(base), { x: indices, grid })).y.data as Float32Array);
    const x = randomTensor(type, base.xDims, new Rng(11), 0, 100);
    const y = (await runOnnxts(gridSampleModel({ ...base, type }), { x, grid })).y;
    const source = x.data as ArrayLike<unknown>;
    expect(Array.from(y.data as ArrayLike<unknown>)).toEqual(where.map((i) => source[i]));
  });

  it('zeros padding fills non-numeric types with their zero', async () => {
    const c = { xDims: [1, 1, 2, 2], gridDims: [1, 1, 2, 2], mode: 'nearest', padding: 'zeros', alignCorners: 0, opset: 20, type: 'string' as DataType };
    const x = new Tensor('string', ['a', 'b', 'c', 'd'], c.xDims);
    const y = (await runOnnxts(gridSampleModel(c), { x, grid: new Tensor('float32', [-0.5, -0.5, 3, 3], c.gridDims) })).y;
    expect(Array.from(y.data as string[])).toEqual(['a', '']);
  });

  it('linear on int32 truncates the float result', async () => {
    const base = { xDims: [1, 1, 3, 3], gridDims: [1, 2, 2, 2], mode: 'linear', padding: 'border', alignCorners: 1, opset: 20 };
    const grid = randomGrid(base.gridDims, 12);
    const values = [3, -8, 15, 40, 2, -7, 9, 11, 0];
    const asFloat = (await runOnnxts(gridSampleModel(base), { x: new Tensor('float32', values, base.xDims), grid })).y.data as Float32Array;
    const y = (await runOnnxts(gridSampleModel({ ...base, type: 'int32' }), { x: new Tensor('int32', values, base.xDims), grid })).y;
    expect(Array.from(y.data as Int32Array)).toEqual(Array.from(asFloat, Math.trunc));
  });
});

describe('GridSample rejects', () => {
  it('a grid that does not fit X, and 5-D inputs before opset 20', async () => {
    const bad = { xDims: [1, 2, 3, 4], gridDims: [1, 2, 2, 3], mode: 'linear', padding: 'zeros', alignCorners: 0, opset: 20 };
    await expect(runOnnxts(gridSampleModel(bad), { x: randomTensor('float32', bad.xDims, new Rng(13)), grid: randomGrid(bad.gridDims, 14) })).rejects.toThrow(/does not fit/);
    const old = { xDims: [1, 1, 2, 3, 4], gridDims: [1, 2, 2, 2, 3], mode: 'bilinear', padding: 'zeros', alignCorners: 0, opset: 16 };
    await expect(runOnnxts(gridSampleModel(old), { x: randomTensor('float32', old.xDims, new Rng(15)), grid: randomGrid(old.gridDims, 16) })).rejects.toThrow(/4-D/);
  });

  it('mode names of another opset', async () => {
    const c = { xDims: [1, 1, 2, 2], gridDims: [1, 1, 1, 2], mode: 'bilinear', padding: 'zeros', alignCorners: 0, opset: 20 };
    await expect(runOnnxts(gridSampleModel(c), { x: randomTensor('float32', c.xDims, new Rng(17)), grid: randomGrid(c.gridDims, 18) })).rejects.toThrow(/mode/);
  });
});
