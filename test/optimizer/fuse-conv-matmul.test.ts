/** Extended fusions around Conv, MatMul and Gemm: where each fires, and where it must not. */
import { describe, expect, it } from 'vitest';
import { DenseTensor, attr, buildModel, type NodeSpec } from '../support/model-builder.js';
import { Rng, randomDense, randomTensor } from '../support/random.js';
import { expectSameOutputs, opCounts, optimize, registryServing, registryWithout } from './support.js';

const rng = new Rng(21);
const W = randomDense('float32', [4, 3, 3, 3], rng, -1, 1);
const B = randomDense('float32', [4], rng, -1, 1);
const X = { name: 'x', type: 'float32' as const, shape: [1, 3, 6, 6] };
const feeds = () => ({ x: randomTensor('float32', [1, 3, 6, 6], new Rng(3)) });
const conv: NodeSpec = { op: 'Conv', inputs: ['x', 'w', 'b'], outputs: ['c'], attributes: { pads: attr.ints([1, 1, 1, 1]) } };

function convThen(nodes: NodeSpec[], initializers: Record<string, DenseTensor> = {}, outputs = [{ name: 'y', type: 'float32' as const }]): Uint8Array {
  return buildModel({ nodes: [conv, ...nodes], inputs: [X], outputs, initializers: { w: W, b: B, ...initializers } });
}

describe('FuseConvBatchNorm', () => {
  const bn = (): Record<string, DenseTensor> => ({
    scale: randomDense('float32', [4], rng, 0.5, 2), shift: randomDense('float32', [4], rng),
    mean: randomDense('float32', [4], rng), variance: randomDense('float32', [4], rng, 0.1, 2),
  });
  const bnNode: NodeSpec = { op: 'BatchNormalization', inputs: ['c', 'scale', 'shift', 'mean', 'variance'], outputs: ['y'], attributes: { epsilon: attr.float(1e-3) } };

  it('folds the normalization into the weights and bias', async () => {
    const bytes = convThen([bnNode], bn());
    const result = optimize(bytes);
    expect(result.fired.get('FuseConvBatchNorm')).toBe(1);
    expect(opCounts(result.model.graph)).toEqual({ Conv: 1 });
    expect(result.model.graph.initializers.size).toBe(2);
    await expectSameOutputs(bytes, result.bytes, feeds());
  });

  it('does not fire when the Conv output has a second reader', async () => {
    const bytes = convThen([bnNode, { op: 'Relu', inputs: ['c'], outputs: ['z'] }], bn(), [{ name: 'y', type: 'float32' }, { name: 'z', type: 'float32' }]);
    const result = optimize(bytes);
    expect(result.fired.has('FuseConvBatchNorm')).toBe(false);
    expect(opCounts(result.model.graph).BatchNormalization).toBe(1);
    await expectSameOutputs(bytes, result.bytes, feeds());
  });
});

describe('FuseConvAdd and FuseConvMul', () => {
  it('fold a per-channel Add into the bias and a per-channel Mul into weight and bias', async () => {
    const bytes = convThen([
      { op: 'Add', inputs: ['c', 'shift'], outputs: ['a'] },
      { op: 'Mul', inputs: ['scale', 'a'], outputs: ['y'] },
    ], { shift: randomDense('float32', [1, 4, 1, 1], rng), scale: randomDense('float32', [4, 1, 1], rng) });
    const result = optimize(bytes, { level: 'extended' });
    expect(result.fired.get('FuseConvAdd')).toBe(1);
    expect(result.fired.get('FuseConvMul')).toBe(1);
    expect(opCounts(result.model.graph)).toEqual({ Conv: 1 });
    await expectSameOutputs(bytes, result.bytes, feeds());
  });

  it('do not fire for a constant that varies along a spatial axis, or one the caller feeds', async () => {
    const bytes = buildModel({
      nodes: [conv, { op: 'Add', inputs: ['c', 'row'], outputs: ['a'] }, { op: 'Mul', inputs: ['a', 's'], outputs: ['y'] }],
      inputs: [X, { name: 's', type: 'float32', shape: [4, 1, 1] }],
      outputs: [{ name: 'y', type: 'float32' }],
      initializers: { w: W, b: B, row: randomDense('float32', [6], rng) },
    });
    const result = optimize(bytes);
    expect(result.fired.has('FuseConvAdd')).toBe(false);
    expect(result.fired.has('FuseConvMul')).toBe(false);
    await expectSameOutputs(bytes, result.bytes, { ...feeds(), s: randomTensor('float32', [4, 1, 1], new Rng(4)) });
  });
});

describe('FuseMatMulAdd', () => {
  const spec = (bias: 'constant' | 'input', shape: number[] = [3, 4]) => buildModel({
    nodes: [{ op: 'MatMul', inputs: ['a', 'w'], outputs: ['m'] }, { op: 'Add', inputs: ['m', 'bias'], outputs: ['y'] }],
    inputs: [{ name: 'a', type: 'float32', shape }, ...(bias === 'input' ? [{ name: 'bias', type: 'float32' as const, shape: [5] }] : [])],
    outputs: [{ name: 'y', type: 'float32' }],
    initializers: { w: randomDense('float32', [4, 5], rng), ...(bias === 'constant' ? { bias: randomDense('float32', [5], rng) } : {}) },
  });

  it('turns 2-D MatMul + constant bias into Gemm', async () => {
    const bytes = spec('constant');
    const result = optimize(bytes);
    expect(opCounts(result.model.graph)).toEqual({ Gemm: 1 });
    await expectSameOutputs(bytes, result.bytes, { a: randomTensor('float32', [3, 4], new Rng(5)) });
  });

  it('does not fire when the bias is not constant, or the product is not 2-D', async () => {
    const fed = spec('input');
    const fedResult = optimize(fed);
    expect(opCounts(fedResult.model.graph)).toEqual({ MatMul: 1, Add: 1 });
    await expectSameOutputs(fed, fedResult.bytes, { a: randomTensor('float32', [3, 4], new Rng(6)), bias: randomTensor('float32', [5], new Rng(7)) });
    const batched = optimize(spec('constant', [2, 3, 4]));
    expect(opCounts(batched.model.graph)).toEqual({ MatMul: 1, Add: 1 });
  });
});

describe('FuseConvActivation and FuseGemmActivation', () => {
  const activations: [string, NodeSpec[], Record<string, DenseTensor>][] = [
    ['Relu', [{ op: 'Relu', inputs: ['c'], outputs: ['y'] }], {}],
    ['Clip (Relu6)', [{ op: 'Clip', inputs: ['c', 'lo', 'hi'], outputs: ['y'] }],
      { lo: new DenseTensor('float32', [], Float32Array.of(0)), hi: new DenseTensor('float32', [], Float32Array.of(6)) }],
    ['LeakyRelu', [{ op: 'LeakyRelu', inputs: ['c'], outputs: ['y'], attributes: { alpha: attr.float(0.2) } }], {}],
    ['HardSigmoid', [{ op: 'HardSigmoid', inputs: ['c'], outputs: ['y'], attributes: { alpha: attr.float(0.3) } }], {}],
    ['Sigmoid', [{ op: 'Sigmoid', inputs: ['c'], outputs: ['y'] }], {}],
    ['Tanh', [{ op: 'Tanh', inputs: ['c'], outputs: ['y'] }], {}],
  ];
  for (const [label, nodes, initializers] of activations) {
    it(`Conv + ${label} becomes FusedConv`, async () => {
      const bytes = convThen(nodes, initializers);
      const result = optimize(bytes, { registry: registryServing('com.microsoft:FusedConv') });
      expect(opCounts(result.model.graph)).toEqual({ 'com.microsoft:FusedConv': 1 });
      expect(result.model.opsetImports.get('com.microsoft')).toBe(1);
      await expectSameOutputs(bytes, result.bytes, feeds());
    });
  }

  it('Conv + Relu stays apart without a FusedConv kernel, or when the Conv output has another reader', async () => {
    const bytes = convThen([{ op: 'Relu', inputs: ['c'], outputs: ['y'] }]);
    expect(opCounts(optimize(bytes, { registry: registryWithout('com.microsoft:FusedConv') }).model.graph)).toEqual({ Conv: 1, Relu: 1 });
    const shared = convThen([{ op: 'Relu', inputs: ['c'], outputs: ['y'] }, { op: 'Neg', inputs: ['c'], outputs: ['z'] }], {},
      [{ name: 'y', type: 'float32' }, { name: 'z', type: 'float32' }]);
    const result = optimize(shared, { registry: registryServing('com.microsoft:FusedConv') });
    expect(opCounts(result.model.graph)).toEqual({ Conv: 1, Relu: 1, Neg: 1 });
    await expectSameOutputs(shared, result.bytes, feeds());
  });

  it('MatMul + Add + Relu becomes FusedGemm where the registry has it, Gemm + Relu where not', async () => {
    const bytes = buildModel({
      nodes: [
        { op: 'MatMul', inputs: ['a', 'w'], outputs: ['m'] },
        { op: 'Add', inputs: ['m', 'bias'], outputs: ['g'] },
        { op: 'Relu', inputs: ['g'], outputs: ['y'] },
      ],
      inputs: [{ name: 'a', type: 'float32', shape: [3, 4] }],
      outputs: [{ name: 'y', type: 'float32' }],
      initializers: { w: randomDense('float32', [4, 5], rng), bias: randomDense('float32', [5], rng) },
    });
    const fused = optimize(bytes, { registry: registryServing('com.microsoft:FusedGemm') });
    expect(opCounts(fused.model.graph)).toEqual({ 'com.microsoft:FusedGemm': 1 });
    await expectSameOutputs(bytes, fused.bytes, { a: randomTensor('float32', [3, 4], new Rng(8)) });
    expect(opCounts(optimize(bytes, { registry: registryWithout('com.microsoft:FusedGemm') }).model.graph)).toEqual({ Gemm: 1, Relu: 1 });
  });
});

describe('FuseConvAddActivation', () => {
  const residual = (shape: number[]) => buildModel({
    nodes: [conv, { op: 'Add', inputs: ['c', 'skip'], outputs: ['s'] }, { op: 'Relu', inputs: ['s'], outputs: ['y'] }],
    inputs: [X, { name: 'skip', type: 'float32', shape }],
    outputs: [{ name: 'y', type: 'float32' }],
    initializers: { w: W, b: B },
  });

  it('makes Conv + residual Add + Relu one FusedConv with Z', async () => {
    const bytes = residual([1, 4, 6, 6]);
    const result = optimize(bytes, { registry: registryServing('com.microsoft:FusedConv') });
    expect(opCounts(result.model.graph)).toEqual({ 'com.microsoft:FusedConv': 1 });
    expect(result.model.graph.nodes[0].inputs).toEqual(['x', 'w', 'b', 'skip']);
    await expectSameOutputs(bytes, result.bytes, { ...feeds(), skip: randomTensor('float32', [1, 4, 6, 6], new Rng(9)) });
  });

  it('leaves an Add that broadcasts its other operand', async () => {
    const bytes = residual([1, 4, 1, 1]);
    const result = optimize(bytes, { registry: registryServing('com.microsoft:FusedConv') });
    expect(result.fired.has('FuseConvAddActivation')).toBe(false);
    await expectSameOutputs(bytes, result.bytes, { ...feeds(), skip: randomTensor('float32', [1, 4, 1, 1], new Rng(10)) });
  });
});

describe('FuseConvAdd and FuseConvBatchNorm on ConvTranspose', () => {
  // Weight [Cin, Cout/group, k, k]: with 2 groups of 3 inputs and 5 outputs each, output channel g·5 + j.
  const transposed = (group: number, extraOutputs: string[] = []) => {
    const r = new Rng(31);
    const cout = 5 * group;
    return buildModel({
      nodes: [
        { op: 'ConvTranspose', inputs: ['x', 'w'], outputs: ['t'], attributes: { strides: attr.ints([2, 2]), group: attr.int(group) } },
        { op: 'Add', inputs: ['t', 'shift'], outputs: ['a'] },
        { op: 'BatchNormalization', inputs: ['a', 'scale', 'beta', 'mean', 'variance'], outputs: ['y'] },
      ],
      inputs: [{ name: 'x', type: 'float32', shape: [1, 3 * group, 5, 7] }],
      outputs: [{ name: 'y', type: 'float32' }, ...extraOutputs.map((name) => ({ name, type: 'float32' as const }))],
      initializers: {
        w: randomDense('float32', [3 * group, 5, 3, 3], r, -1, 1), shift: randomDense('float32', [1, cout, 1, 1], r),
        scale: randomDense('float32', [cout], r, 0.5, 2), beta: randomDense('float32', [cout], r),
        mean: randomDense('float32', [cout], r), variance: randomDense('float32', [cout], r, 0.1, 2),
      },
    });
  };
  const inputs = (group: number) => ({ x: randomTensor('float32', [1, 3 * group, 5, 7], new Rng(32)) });

  for (const group of [1, 2]) {
    it(`folds a per-channel Add and a BatchNormalization into a ConvTranspose with ${group} group(s)`, async () => {
      const bytes = transposed(group);
      const result = optimize(bytes);
      expect(result.fired.get('FuseConvAdd')).toBe(1);
      expect(result.fired.get('FuseConvBatchNorm')).toBe(1);
      expect(opCounts(result.model.graph)).toEqual({ ConvTranspose: 1 });
      await expectSameOutputs(bytes, result.bytes, inputs(group));
    });
  }

  it('leaves the BatchNormalization when the sum before it has another reader', async () => {
    const bytes = transposed(2, ['a']);
    const result = optimize(bytes);
    expect(result.fired.has('FuseConvBatchNorm')).toBe(false);
    expect(opCounts(result.model.graph)).toEqual({ ConvTranspose: 1, BatchNormalization: 1 });
    await expectSameOutputs(bytes, result.bytes, inputs(2));
  });
});
