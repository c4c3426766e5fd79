/** InferShapes: types recorded in valueInfo, symbolic dims kept as names, free dimension overrides bound first. */
import { describe, expect, it } from 'vitest';
import type { Model } from '../../src/ir/graph.js';
import { formatValueType } from '../../src/ir/value-type.js';
import { DenseTensor, attr, buildModel } from '../support/model-builder.js';
import { Rng, randomDense, randomTensor } from '../support/random.js';
import { expectSameOutputs, opCounts, optimize } from './support.js';

const ints = (...v: number[]) => new DenseTensor('int64', [v.length], BigInt64Array.from(v.map(BigInt)));

function typeOf(model: Model, name: string): string {
  return formatValueType(model.graph.valueInfo.get(name));
}

describe('InferShapes', () => {
  const rng = new Rng(31);
  const cnn = buildModel({
    nodes: [
      { op: 'Conv', inputs: ['x', 'w'], outputs: ['c'], attributes: { pads: attr.ints([1, 1, 1, 1]), strides: attr.ints([2, 2]) } },
      { op: 'MaxPool', inputs: ['c'], outputs: ['p'], attributes: { kernel_shape: attr.ints([2, 2]), strides: attr.ints([2, 2]) } },
      { op: 'Flatten', inputs: ['p'], outputs: ['f'] },
      { op: 'Gemm', inputs: ['f', 'w2'], outputs: ['g'] },
      { op: 'Softmax', inputs: ['g'], outputs: ['y'] },
    ],
    inputs: [{ name: 'x', type: 'float32', shape: ['N', 3, 8, 8] }],
    outputs: [{ name: 'y', type: 'float32' }],
    initializers: { w: randomDense('float32', [4, 3, 3, 3], rng), w2: randomDense('float32', [16, 10], rng) },
  });

  it('records CNN shapes with the batch dim kept symbolic', async () => {
    const { model, bytes } = optimize(cnn, { level: 'basic' });
    expect(['c', 'p', 'f', 'g'].map((n) => typeOf(model, n))).toEqual(['float32[N,4,4,4]', 'float32[N,4,2,2]', 'float32[N,16]', 'float32[N,10]']);
    await expectSameOutputs(cnn, bytes, { x: randomTensor('float32', [2, 3, 8, 8], new Rng(1)) });
  });

  it('binds free dimension overrides first, leaving the declared inputs (which feeds are checked against) alone', () => {
    const { model } = optimize(cnn, { level: 'basic', freeDimensionOverrides: { N: 5 } });
    expect(formatValueType(model.graph.inputs[0].type)).toBe('float32[N,3,8,8]');
    expect(typeOf(model, 'c')).toBe('float32[5,4,4,4]');
    expect(typeOf(model, 'g')).toBe('float32[5,10]');
  });

  it('follows shape values through Shape -> Gather -> Concat -> Reshape, then Transpose and MatMul', async () => {
    const bytes = buildModel({
      nodes: [
        { op: 'Shape', inputs: ['x'], outputs: ['s'] },
        { op: 'Gather', inputs: ['s', 'i0'], outputs: ['b'] },
        { op: 'Gather', inputs: ['s', 'i1'], outputs: ['t'] },
        { op: 'Unsqueeze', inputs: ['b', 'a0'], outputs: ['b1'] },
        { op: 'Unsqueeze', inputs: ['t', 'a0'], outputs: ['t1'] },
        { op: 'Concat', inputs: ['b1', 't1', 'heads'], outputs: ['shape'], attributes: { axis: attr.int(0) } },
        { op: 'Reshape', inputs: ['x', 'shape'], outputs: ['r'] },
        { op: 'Transpose', inputs: ['r'], outputs: ['q'], attributes: { perm: attr.ints([0, 2, 1, 3]) } },
        { op: 'Transpose', inputs: ['r'], outputs: ['k'], attributes: { perm: attr.ints([0, 2, 3, 1]) } },
        { op: 'MatMul', inputs: ['q', 'k'], outputs: ['scores'] },
        { op: 'ReduceMean', inputs: ['scores'], outputs: ['y'], attributes: { axes: attr.ints([-1]), keepdims: attr.int(0) } },
      ],
      inputs: [{ name: 'x', type: 'float32', shape: ['batch', 'seq', 8] }],
      outputs: [{ name: 'y', type: 'float32' }],
      initializers: { i0: new DenseTensor('int64', [], BigInt64Array.of(0n)), i1: new DenseTensor('int64', [], BigInt64Array.of(1n)), a0: ints(0), heads: ints(2, 4) },
    });
    const { model, bytes: optimized } = optimize(bytes, { level: 'basic' });
    expect(typeOf(model, 'r')).toBe('float32[batch,seq,2,4]');
    expect(typeOf(model, 'scores')).toBe('float32[batch,2,seq,seq]');
    expect(typeOf(model, 'y')).toBe('float32[batch,2,seq]');
    await expectSameOutputs(bytes, optimized, { x: randomTensor('float32', [3, 5, 8], new Rng(2)) });
  });

  it('keeps declared types where inference knows less', () => {
    const bytes = buildModel({
      nodes: [{ op: 'NonZero', inputs: ['x'], outputs: ['nz'] }, { op: 'Transpose', inputs: ['nz'], outputs: ['y'] }],
      inputs: [{ name: 'x', type: 'float32', shape: [4, 4] }],
      outputs: [{ name: 'y', type: 'int64' }],
    });
    const { model } = optimize(bytes, { level: 'basic' });
    expect(typeOf(model, 'nz')).toBe('int64[2,?]');
    expect(typeOf(model, 'y')).toBe('int64[?,2]');
    expect(opCounts(model.graph)).toEqual({ NonZero: 1, Transpose: 1 });
  });
});
