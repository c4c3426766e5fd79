import { describe, expect, it } from 'vitest';
import { attr, singleNodeModel } from '../../support/model-builder.js';
import { expectMatchesOnnxruntime } from '../../support/differential.js';
import { Rng, randomDense, randomTensor } from '../../support/random.js';
import type { DataType } from '../../../src/tensor/element-type.js';
import { at, int64Feed, int64s, runTensor } from './kernel-harness.js';

const rng = new Rng(29);
const TYPES: DataType[] = ['float32', 'int64', 'string', 'bool', 'float16', 'int8'];

describe('Reshape', () => {
  const cases: [number[], number[]][] = [
    [[2, 3, 4], [4, 6]], [[2, 3, 4], [-1]], [[2, 3, 4], [0, -1]], [[2, 3, 4], [0, 0, 2, 2]], [[2, 3, 4], [-1, 3, 0]],
    [[6], [1, 2, 1, 3]], [[1], []], [[], [1, 1]], [[0, 3], [-1, 3]], [[0, 3], [0, 3]], [[4, 0, 2], [2, 0, 4]],
  ];
  it.each(TYPES)('%s matches onnxruntime at opset 5, 13 and 14', async (type) => {
    for (const [from, to] of cases) {
      for (const opset of [5, 13, 14]) {
        const model = singleNodeModel('Reshape', [{ name: 'x', type, shape: from }, { name: 's', type: 'int64', shape: [to.length] }], [{ name: 'y', type }], { opset });
        await expectMatchesOnnxruntime(model, { x: randomTensor(type, from, rng), s: int64Feed(to) }, undefined, `${JSON.stringify(from)} -> ${JSON.stringify(to)}`);
      }
    }
  });

  it('allowzero=1 makes 0 a real zero dim (matches onnxruntime)', async () => {
    for (const [from, to] of [[[0, 3], [3, 0]], [[2, 0, 4], [0, 5]], [[3, 4], [4, 3]]] as const) {
      const model = singleNodeModel('Reshape', [{ name: 'x', type: 'float32', shape: from }, { name: 's', type: 'int64', shape: [to.length] }], [{ name: 'y', type: 'float32' }], { opset: 14, attributes: { allowzero: attr.int(1) } });
      await expectMatchesOnnxruntime(model, { x: randomTensor('float32', from, rng), s: int64Feed(to) });
    }
  });

  it('opset 1-4 takes the shape attribute and keeps the storage', async () => {
    const x = randomDense('complex64', [2, 3], rng);
    const out = await runTensor('Reshape', [x], { opset: 4, attributes: { shape: at.ints([1, 0, -1]) } });
    expect(out.dims).toEqual([1, 3, 2]);
    expect(out.data).toBe(x.data);
  });

  it.each([
    [[2, 3], [-1, -1], /more than one dimension is -1/],
    [[2, 3], [4, 2], /8 elements requested, the input has 6/],
    [[2, 3], [-1, 4], /cannot be inferred/],
    [[2, 3], [0, 0, 0], /input has rank 2/],
    [[2, 3], [-2, 3], /dimension 0 is -2/],
    [[0, 3], [0, -1], /cannot be inferred/],
    [[2, 3], [2 ** 40, 2 ** 40], /requested/],
  ])('rejects %j -> %j', async (from, to, message) => {
    await expect(runTensor('Reshape', [randomDense('float32', from, rng), int64s(to)], { opset: 13 })).rejects.toThrow(message);
  });

  it('rejects both 0 and -1 with allowzero=1', async () => {
    await expect(runTensor('Reshape', [randomDense('float32', [0, 3], rng), int64s([0, -1])], { opset: 14, attributes: { allowzero: at.int(1) } })).rejects.toThrow(/both 0 and -1/);
  });
});

describe('Flatten', () => {
  const shapes = [[2, 3, 4, 5], [3], [], [0, 4, 2], [2, 1, 3]];
  it.each(TYPES)('%s at every axis matches onnxruntime', async (type) => {
    for (const shape of shapes) {
      for (let axis = -shape.length; axis <= shape.length; axis++) {
        const opset = axis < 0 ? 13 : 9;
        const model = singleNodeModel('Flatten', [{ name: 'x', type, shape }], [{ name: 'y', type }], { opset, attributes: { axis: attr.int(axis) } });
        await expectMatchesOnnxruntime(model, { x: randomTensor(type, shape, rng) }, undefined, `${JSON.stringify(shape)} axis ${axis}`);
      }
    }
  });

  it('defaults to axis 1 and rejects out-of-range or (before opset 11) negative axes', async () => {
    expect((await runTensor('Flatten', [randomDense('float32', [2, 3, 4], rng)])).dims).toEqual([2, 12]);
    await expect(runTensor('Flatten', [randomDense('float32', [2, 3], rng)], { attributes: { axis: at.int(3) } })).rejects.toThrow(/axis 3 is out of range/);
    await expect(runTensor('Flatten', [randomDense('float32', [2, 3], rng)], { opset: 9, attributes: { axis: at.int(-1) } })).rejects.toThrow(/expected 0..2/);
  });
});

describe('Squeeze and Unsqueeze', () => {
  const squeezes: [number[], number[] | undefined][] = [
    [[1, 3, 1, 2], [0]], [[1, 3, 1, 2], [-2, 0]], [[1, 3, 1, 2], undefined], [[1], undefined], [[1, 1], [1]], [[0, 1], [1]], [[3, 2], undefined],
  ];
  it.each(TYPES)('Squeeze %s matches onnxruntime with axes as attribute (11) and input (13)', async (type) => {
    for (const [shape, axes] of squeezes) {
      const attrModel = singleNodeModel('Squeeze', [{ name: 'x', type, shape }], [{ name: 'y', type }], { opset: 11, attributes: axes ? { axes: attr.ints(axes) } : {} });
      await expectMatchesOnnxruntime(attrModel, { x: randomTensor(type, shape, rng) });
      const inputs = [{ name: 'x', type, shape }, ...(axes ? [{ name: 'a', type: 'int64' as DataType, shape: [axes.length] }] : [])];
      const inputModel = singleNodeModel('Squeeze', inputs, [{ name: 'y', type }], { opset: 13 });
      await expectMatchesOnnxruntime(inputModel, { x: randomTensor(type, shape, rng), ...(axes ? { a: int64Feed(axes) } : {}) });
    }
  });

  const unsqueezes: [number[], number[]][] = [[[3, 4], [0]], [[3, 4], [2]], [[3, 4], [-1, 0]], [[], [0, 1]], [[3, 4, 5], [4, 0, 2]], [[0, 2], [1, -1]]];
  it.each(TYPES)('Unsqueeze %s matches onnxruntime with axes as attribute (11) and input (13)', async (type) => {
    for (const [shape, axes] of unsqueezes) {
      const attrModel = singleNodeModel('Unsqueeze', [{ name: 'x', type, shape }], [{ name: 'y', type }], { opset: 11, attributes: { axes: attr.ints(axes) } });
      await expectMatchesOnnxruntime(attrModel, { x: randomTensor(type, shape, rng) });
      const inputModel = singleNodeModel('Unsqueeze', [{ name: 'x', type, shape }, { name: 'a', type: 'int64', shape: [axes.length] }], [{ name: 'y', type }], { opset: 13 });
      await expectMatchesOnnxruntime(inputModel, { x: randomTensor(type, shape, rng), a: int64Feed(axes) });
    }
  });

  it('rejects squeezing a dim that is not 1, duplicate axes, and negative axes before opset 11', async () => {
    const x = randomDense('float32', [1, 3], rng);
    await expect(runTensor('Squeeze', [x, int64s([1])], { opset: 13 })).rejects.toThrow(/its size is 3, not 1/);
    await expect(runTensor('Unsqueeze', [x, int64s([0, -4])], { opset: 13 })).rejects.toThrow(/names axis 0 twice/);
    await expect(runTensor('Unsqueeze', [x], { opset: 1, attributes: { axes: at.ints([-1]) } })).rejects.toThrow(/non-negative/);
    await expect(runTensor('Unsqueeze', [x, int64s([3])], { opset: 13 })).rejects.toThrow(/out of range for rank 3/);
    await expect(runTensor('Unsqueeze', [x], { opset: 11 })).rejects.toThrow(/'axes' is required/);
  });

  it('reuse the input storage, for every element type', async () => {
    const x = randomDense('uint4', [1, 5], rng, 0, 15);
    const squeezed = await runTensor('Squeeze', [x], { opset: 21 });
    const unsqueezed = await runTensor('Unsqueeze', [x, int64s([1])], { opset: 21 });
    expect([squeezed.dims, unsqueezed.dims]).toEqual([[5], [1, 1, 5]]);
    expect(squeezed.data).toBe(x.data);
    expect(unsqueezed.data).toBe(x.data);
  });
});
