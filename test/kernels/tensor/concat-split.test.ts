import { describe, expect, it } from 'vitest';
import { attr, singleNodeModel } from '../../support/model-builder.js';
import { expectMatchesOnnxruntime } from '../../support/differential.js';
import { Rng, randomDense, randomTensor } from '../../support/random.js';
import type { DataType } from '../../../src/tensor/element-type.js';
import type { DenseTensor } from '../../../src/tensor/dense-tensor.js';
import { at, int64Feed, int64s, runKernel, runTensor, tensor } from './kernel-harness.js';

const rng = new Rng(37);
const TYPES: DataType[] = ['float32', 'int64', 'float16', 'string', 'bool', 'int32'];

describe('Concat', () => {
  it.each(TYPES)('%s along every axis (negative too), with odd and zero lengths, matches onnxruntime', async (type) => {
    for (let rank = 1; rank <= 4; rank++) {
      const base = rng.shape(rank, 4);
      for (let axis = -rank; axis < rank; axis++) {
        const a = (axis + rank) % rank;
        const shapes = [3, 0, 1, 2].map((len) => base.map((d, i) => (i === a ? len : d)));
        const inputs = shapes.map((shape, i) => ({ name: `x${i}`, type, shape }));
        const model = singleNodeModel('Concat', inputs, [{ name: 'y', type }], { opset: 13, attributes: { axis: attr.int(axis) } });
        const feeds = Object.fromEntries(shapes.map((shape, i) => [`x${i}`, randomTensor(type, shape, rng)]));
        await expectMatchesOnnxruntime(model, feeds, undefined, `${JSON.stringify(shapes)} axis ${axis}`);
      }
    }
  });

  it('a single input, all-empty inputs and an empty first input match onnxruntime', async () => {
    for (const shapes of [[[2, 3]], [[0, 3], [0, 3]], [[2, 0], [2, 0]], [[3, 0, 5], [3, 4, 5], [3, 1, 5]]]) {
      const inputs = shapes.map((shape, i) => ({ name: `x${i}`, type: 'float32' as DataType, shape }));
      const model = singleNodeModel('Concat', inputs, [{ name: 'y', type: 'float32' }], { opset: 11, attributes: { axis: attr.int(1) } });
      await expectMatchesOnnxruntime(model, Object.fromEntries(shapes.map((shape, i) => [`x${i}`, randomTensor('float32', shape, rng)])));
    }
  });

  it('joins complex and sub-byte storage, defaults to axis 1 before opset 4', async () => {
    const a = tensor('complex64', [1, 2], Float32Array.of(1, 2, 3, 4));
    const b = tensor('complex64', [1, 1], Float32Array.of(5, 6));
    const out = await runTensor('Concat', [a, b], { opset: 1 });
    expect(out.dims).toEqual([1, 3]);
    expect(Array.from(out.data as Float32Array)).toEqual([1, 2, 3, 4, 5, 6]);
    const u = await runTensor('Concat', [tensor('uint4', [2], Uint8Array.of(1, 15)), tensor('uint4', [1], Uint8Array.of(7))], { attributes: { axis: at.int(0) } });
    expect(Array.from(u.data as Uint8Array)).toEqual([1, 15, 7]);
  });

  it('rejects mismatched types, ranks and dims, scalars, and a missing axis from opset 4', async () => {
    const x = randomDense('float32', [2, 3], rng);
    const axis0 = { attributes: { axis: at.int(0) } };
    await expect(runTensor('Concat', [x, randomDense('float32', [2, 4], rng)], axis0)).rejects.toThrow(/does not match input 0/);
    await expect(runTensor('Concat', [x, randomDense('float32', [3], rng)], axis0)).rejects.toThrow(/does not match input 0/);
    await expect(runTensor('Concat', [x, randomDense('float64', [2, 3], rng)], axis0)).rejects.toThrow(/input 1 is float64/);
    await expect(runTensor('Concat', [randomDense('float32', [], rng)], axis0)).rejects.toThrow(/rank 1 or more/);
    await expect(runTensor('Concat', [x], { opset: 4 })).rejects.toThrow(/'axis' is required/);
    await expect(runTensor('Concat', [x], { opset: 10, attributes: { axis: at.int(-1) } })).rejects.toThrow(/non-negative/);
  });
});

function splitModel(type: DataType, shape: number[], outputs: number, opset: number, attributes = {}, splitSizes?: number[]) {
  const inputs = [{ name: 'x', type, shape }, ...(splitSizes ? [{ name: 's', type: 'int64' as DataType, shape: [splitSizes.length] }] : [])];
  const outs = Array.from({ length: outputs }, (_, i) => ({ name: `y${i}`, type }));
  return singleNodeModel('Split', inputs, outs, { opset, attributes });
}

describe('Split', () => {
  it.each(TYPES)('%s with split sizes (attribute at 11, input at 13 and 18) matches onnxruntime', async (type) => {
    for (const [shape, axis, sizes] of [[[7, 3], 0, [2, 0, 5]], [[2, 9, 4], -2, [4, 4, 1]], [[5], 0, [5]], [[3, 6], 1, [1, 2, 3]], [[0, 4], 1, [1, 3]]] as const) {
      const feeds = { x: randomTensor(type, [...shape], rng) };
      await expectMatchesOnnxruntime(splitModel(type, [...shape], sizes.length, 11, { axis: attr.int(axis), split: attr.ints(sizes) }), feeds);
      for (const opset of [13, 18]) {
        await expectMatchesOnnxruntime(splitModel(type, [...shape], sizes.length, opset, { axis: attr.int(axis) }, [...sizes]), { ...feeds, s: int64Feed(sizes) });
      }
    }
  });

  it('num_outputs (18+) splits into ceil-sized parts with a smaller last one, like onnxruntime', async () => {
    for (const [shape, axis, n] of [[[7], 0, 4], [[2, 10], 1, 3], [[6, 2], 0, 3], [[6, 5], -1, 2], [[4, 1], 0, 1]] as const) {
      await expectMatchesOnnxruntime(splitModel('float32', [...shape], n, 18, { axis: attr.int(axis), num_outputs: attr.int(n) }), { x: randomTensor('float32', [...shape], rng) });
    }
  });

  it('without sizes splits equally across the node outputs', async () => {
    const x = tensor('int4', [2, 6], Int8Array.from({ length: 12 }, (_, i) => i - 6));
    const parts = (await runKernel('Split', [x], { opset: 13, attributes: { axis: at.int(1) }, outputCount: 3 })) as DenseTensor[];
    expect(parts.map((p) => p.dims)).toEqual([[2, 2], [2, 2], [2, 2]]);
    expect(parts.map((p) => Array.from(p.data as Int8Array))).toEqual([[-6, -5, 0, 1], [-4, -3, 2, 3], [-2, -1, 4, 5]]);
    await expect(runKernel('Split', [x], { opset: 2, attributes: { axis: at.int(1) }, outputCount: 4 })).rejects.toThrow(/cannot be split into 4 equal parts/);
  });

  it('opset 1 takes the sizes as a second input of the data type', async () => {
    const x = randomDense('float32', [5, 2], rng);
    const parts = (await runKernel('Split', [x, tensor('float32', [2], Float32Array.of(3, 2))], { opset: 1, outputCount: 2 })) as DenseTensor[];
    expect(parts.map((p) => p.dims)).toEqual([[3, 2], [2, 2]]);
    expect(Array.from(parts[1].data as Float32Array)).toEqual(Array.from((x.data as Float32Array).subarray(6)));
  });

  it('rejects sizes that do not add up, negative sizes, impossible num_outputs and both forms at once', async () => {
    const x = randomDense('float32', [5, 2], rng);
    await expect(runKernel('Split', [x, int64s([2, 2])], { opset: 13, outputCount: 2 })).rejects.toThrow(/sums to 4, but the axis has 5/);
    await expect(runKernel('Split', [x, int64s([6, -1])], { opset: 13, outputCount: 2 })).rejects.toThrow(/non-negative/);
    await expect(runKernel('Split', [x], { opset: 18, attributes: { num_outputs: at.int(4) }, outputCount: 4 })).rejects.toThrow(/cannot be split into 4 parts/);
    await expect(runKernel('Split', [x, int64s([2, 3])], { opset: 18, attributes: { num_outputs: at.int(2) }, outputCount: 2 })).rejects.toThrow(/not both/);
    await expect(runKernel('Split', [x], { opset: 18, attributes: { num_outputs: at.int(2) }, outputCount: 3 })).rejects.toThrow(/num_outputs is 2 but the node has 3 outputs/);
    await expect(runKernel('Split', [x], { opset: 11, attributes: { axis: at.int(2), split: at.ints([1, 1]) }, outputCount: 2 })).rejects.toThrow(/axis 2 is out of range/);
  });
});
