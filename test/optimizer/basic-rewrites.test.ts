/** Basic rewrites that change structure: CSE, constant folding, dead code, merges of shape ops. */
import { describe, expect, it } from 'vitest';
import { Tensor } from '../../src/index.js';
import { defaultRegistry } from '../../src/kernels/default-registry.js';
import type { KernelRegistry } from '../../src/kernels/registry.js';
import { DenseTensor, attr, buildModel, graph } from '../support/model-builder.js';
import { Rng, randomDense, randomTensor } from '../support/random.js';
import { expectSameOutputs, opCounts, optimize } from './support.js';

/** The default registry plus a RandomUniform kernel, so only the never-fold rule keeps it from folding. */
function withRandomUniform(): KernelRegistry {
  const base = defaultRegistry();
  const registry = Object.create(base) as KernelRegistry;
  const random = {
    domain: '', opType: 'RandomUniform', sinceVersion: 1,
    run: () => [new DenseTensor('float32', [4], Float32Array.from({ length: 4 }, Math.random))],
  };
  registry.has = (domain, opType) => opType === 'RandomUniform' || base.has(domain, opType);
  registry.candidates = (node, opset) => (node.opType === 'RandomUniform' ? [random] : base.candidates(node, opset));
  return registry;
}

const ints = (...v: number[]) => new DenseTensor('int64', [v.length], BigInt64Array.from(v.map(BigInt)));
const floats = (dims: number[], seed: number) => randomDense('float32', dims, new Rng(seed));

describe('EliminateCommonSubexpressions', () => {
  it('merges two identical nodes (and then their identical readers)', async () => {
    const bytes = buildModel({
      nodes: [
        { op: 'Relu', inputs: ['x'], outputs: ['a'] },
        { op: 'Relu', inputs: ['x'], outputs: ['b'] },
        { op: 'Exp', inputs: ['a'], outputs: ['ea'] },
        { op: 'Exp', inputs: ['b'], outputs: ['eb'] },
        { op: 'Sub', inputs: ['ea', 'eb'], outputs: ['y'] },
      ],
      inputs: [{ name: 'x', type: 'float32', shape: [3, 4] }],
      outputs: [{ name: 'y', type: 'float32', shape: [3, 4] }],
    });
    const result = optimize(bytes, { level: 'basic' });
    expect(result.fired.get('EliminateCommonSubexpressions')).toBe(2);
    expect(opCounts(result.model.graph)).toEqual({ Relu: 1, Exp: 1, Sub: 1 });
    await expectSameOutputs(bytes, result.bytes, { x: randomTensor('float32', [3, 4], new Rng(1)) });
  });

  it('keeps nodes whose attributes differ', () => {
    const bytes = buildModel({
      nodes: [
        { op: 'LeakyRelu', inputs: ['x'], outputs: ['a'], attributes: { alpha: attr.float(0.1) } },
        { op: 'LeakyRelu', inputs: ['x'], outputs: ['b'], attributes: { alpha: attr.float(0.2) } },
        { op: 'Add', inputs: ['a', 'b'], outputs: ['y'] },
      ],
      inputs: [{ name: 'x', type: 'float32', shape: [3] }],
      outputs: [{ name: 'y', type: 'float32', shape: [3] }],
    });
    const result = optimize(bytes, { level: 'basic' });
    expect(result.fired.has('EliminateCommonSubexpressions')).toBe(false);
    expect(opCounts(result.model.graph).LeakyRelu).toBe(2);
  });
});

describe('FoldConstants', () => {
  it('runs constant nodes through their kernels, Shape of a static input included', async () => {
    const bytes = buildModel({
      nodes: [
        { op: 'Constant', inputs: [], outputs: ['c'], attributes: { value: attr.tensor(floats([4], 1)) } },
        { op: 'Add', inputs: ['c', 'w'], outputs: ['cw'] },
        { op: 'Shape', inputs: ['x'], outputs: ['s'] },
        { op: 'Gather', inputs: ['s', 'zero'], outputs: ['n'] },
        { op: 'Unsqueeze', inputs: ['n', 'zero1'], outputs: ['n1'] },
        { op: 'Concat', inputs: ['n1', 'four'], outputs: ['shape'], attributes: { axis: attr.int(0) } },
        { op: 'Reshape', inputs: ['x', 'shape'], outputs: ['r'] },
        { op: 'Mul', inputs: ['r', 'cw'], outputs: ['y'] },
      ],
      inputs: [{ name: 'x', type: 'float32', shape: [3, 2, 2] }],
      outputs: [{ name: 'y', type: 'float32', shape: [3, 4] }],
      initializers: {
        w: floats([4], 2),
        zero: new DenseTensor('int64', [], BigInt64Array.of(0n)),
        zero1: ints(0),
        four: ints(4),
      },
    });
    const result = optimize(bytes, { level: 'basic' });
    expect(result.fired.get('FoldConstants')).toBeGreaterThanOrEqual(6);
    expect(opCounts(result.model.graph)).toEqual({ Reshape: 1, Mul: 1 });
    await expectSameOutputs(bytes, result.bytes, { x: randomTensor('float32', [3, 2, 2], new Rng(3)) });
  });

  it('does not fold over an initializer the caller can override (one also listed as a graph input)', async () => {
    const bytes = buildModel({
      nodes: [{ op: 'Add', inputs: ['w', 'c'], outputs: ['wc'] }, { op: 'Mul', inputs: ['x', 'wc'], outputs: ['y'] }],
      inputs: [{ name: 'x', type: 'float32', shape: [4] }, { name: 'w', type: 'float32', shape: [4] }],
      outputs: [{ name: 'y', type: 'float32', shape: [4] }],
      initializers: { w: floats([4], 4), c: floats([4], 5) },
    });
    const result = optimize(bytes);
    expect(result.fired.has('FoldConstants')).toBe(false);
    expect(opCounts(result.model.graph)).toEqual({ Add: 1, Mul: 1 });
    await expectSameOutputs(bytes, result.bytes, { x: randomTensor('float32', [4], new Rng(6)) });
  });

  it('never folds a random op, even with a kernel that could run it', () => {
    const bytes = buildModel({
      nodes: [
        { op: 'RandomUniform', inputs: [], outputs: ['r'], attributes: { shape: attr.ints([4]) } },
        { op: 'Add', inputs: ['x', 'r'], outputs: ['y'] },
      ],
      inputs: [{ name: 'x', type: 'float32', shape: [4] }],
      outputs: [{ name: 'y', type: 'float32', shape: [4] }],
    });
    const result = optimize(bytes, { registry: withRandomUniform() });
    expect(opCounts(result.model.graph)).toEqual({ RandomUniform: 1, Add: 1 });
  });

  it('leaves a Shape of a symbolic input alone', () => {
    const bytes = buildModel({
      nodes: [{ op: 'Shape', inputs: ['x'], outputs: ['s'] }, { op: 'Cast', inputs: ['s'], outputs: ['y'], attributes: { to: attr.int(1) } }],
      inputs: [{ name: 'x', type: 'float32', shape: ['n', 2] }],
      outputs: [{ name: 'y', type: 'float32', shape: [2] }],
    });
    const result = optimize(bytes);
    expect(opCounts(result.model.graph)).toEqual({ Shape: 1, Cast: 1 });
  });
});

describe('EliminateDeadNodes and RemoveUnusedInitializers', () => {
  it('drop a chain nothing reads and the weights only it used, but keep overridable initializers', async () => {
    const bytes = buildModel({
      nodes: [
        { op: 'Mul', inputs: ['x', 'dead_w'], outputs: ['d1'] },
        { op: 'Relu', inputs: ['d1'], outputs: ['d2'] },
        { op: 'Add', inputs: ['x', 'b'], outputs: ['y'] },
      ],
      inputs: [{ name: 'x', type: 'float32', shape: [4] }, { name: 'b', type: 'float32', shape: [4] }],
      outputs: [{ name: 'y', type: 'float32', shape: [4] }],
      initializers: { dead_w: floats([4], 8), unused: floats([4], 9), b: floats([4], 10) },
    });
    const result = optimize(bytes);
    expect(result.fired.get('EliminateDeadNodes')).toBe(2);
    expect(opCounts(result.model.graph)).toEqual({ Add: 1 });
    expect([...result.model.graph.initializers.keys()]).toEqual(['b']);
    await expectSameOutputs(bytes, result.bytes, { x: randomTensor('float32', [4], new Rng(11)) });
  });
});

describe('EliminateDeadNodes keeps what subgraphs read', () => {
  it('keeps a node whose output only an If branch reads', async () => {
    const bytes = buildModel({
      nodes: [
        { op: 'Neg', inputs: ['x'], outputs: ['n'] },
        {
          op: 'If', inputs: ['c'], outputs: ['y'], attributes: {
            then_branch: attr.graph(graph({ name: 't', inputs: [], outputs: [{ name: 'a', type: 'float32', shape: [4] }], nodes: [{ op: 'Relu', inputs: ['n'], outputs: ['a'] }] })),
            else_branch: attr.graph(graph({ name: 'e', inputs: [], outputs: [{ name: 'b', type: 'float32', shape: [4] }], nodes: [{ op: 'Abs', inputs: ['x'], outputs: ['b'] }] })),
          },
        },
      ],
      inputs: [{ name: 'x', type: 'float32', shape: [4] }, { name: 'c', type: 'bool', shape: [] }],
      outputs: [{ name: 'y', type: 'float32', shape: [4] }],
    });
    const result = optimize(bytes);
    expect(opCounts(result.model.graph)).toEqual({ Neg: 1, If: 1 });
    await expectSameOutputs(bytes, result.bytes, { x: randomTensor('float32', [4], new Rng(20)), c: new Tensor('bool', Uint8Array.of(1), []) });
  });
});

describe('MergeTransposes', () => {
  it('cancels two transposes that undo each other', async () => {
    const bytes = buildModel({
      nodes: [
        { op: 'Transpose', inputs: ['x'], outputs: ['t1'], attributes: { perm: attr.ints([0, 2, 1]) } },
        { op: 'Transpose', inputs: ['t1'], outputs: ['t2'], attributes: { perm: attr.ints([0, 2, 1]) } },
        { op: 'Relu', inputs: ['t2'], outputs: ['y'] },
      ],
      inputs: [{ name: 'x', type: 'float32', shape: [2, 3, 4] }],
      outputs: [{ name: 'y', type: 'float32', shape: [2, 3, 4] }],
    });
    const result = optimize(bytes);
    expect(opCounts(result.model.graph)).toEqual({ Relu: 1 });
    await expectSameOutputs(bytes, result.bytes, { x: randomTensor('float32', [2, 3, 4], new Rng(13)) });
  });

  it('composes two transposes into one, keeping the first for its other reader', async () => {
    const bytes = buildModel({
      nodes: [
        { op: 'Transpose', inputs: ['x'], outputs: ['t1'], attributes: { perm: attr.ints([1, 0, 2]) } },
        { op: 'Transpose', inputs: ['t1'], outputs: ['y'], attributes: { perm: attr.ints([0, 2, 1]) } },
        { op: 'Relu', inputs: ['t1'], outputs: ['z'] },
      ],
      inputs: [{ name: 'x', type: 'float32', shape: [2, 3, 4] }],
      outputs: [{ name: 'y', type: 'float32', shape: [3, 4, 2] }, { name: 'z', type: 'float32', shape: [3, 2, 4] }],
    });
    const result = optimize(bytes);
    expect(result.fired.get('MergeTransposes')).toBe(1);
    const second = result.model.graph.nodes.find((n) => n.outputs[0] === 'y');
    expect(second?.inputs).toEqual(['x']);
    await expectSameOutputs(bytes, result.bytes, { x: randomTensor('float32', [2, 3, 4], new Rng(14)) });
  });
});

describe('MergeTransposes (not adjacent)', () => {
  it('leaves transposes with a node between them', () => {
    const bytes = buildModel({
      nodes: [
        { op: 'Transpose', inputs: ['x'], outputs: ['t1'], attributes: { perm: attr.ints([1, 0]) } },
        { op: 'Relu', inputs: ['t1'], outputs: ['r'] },
        { op: 'Transpose', inputs: ['r'], outputs: ['y'], attributes: { perm: attr.ints([1, 0]) } },
      ],
      inputs: [{ name: 'x', type: 'float32', shape: [2, 3] }],
      outputs: [{ name: 'y', type: 'float32', shape: [2, 3] }],
    });
    expect(opCounts(optimize(bytes).model.graph)).toEqual({ Transpose: 2, Relu: 1 });
  });
});

describe('MergeReshapes', () => {
  it('makes a Reshape of a Reshape read the original input', async () => {
    const bytes = buildModel({
      nodes: [
        { op: 'Reshape', inputs: ['x', 's1'], outputs: ['r1'] },
        { op: 'Reshape', inputs: ['r1', 's2'], outputs: ['r2'] },
        { op: 'Relu', inputs: ['r2'], outputs: ['y'] },
      ],
      inputs: [{ name: 'x', type: 'float32', shape: [2, 3, 4] }],
      outputs: [{ name: 'y', type: 'float32', shape: [4, 6] }],
      initializers: { s1: ints(6, 4), s2: ints(4, -1) },
    });
    const result = optimize(bytes);
    expect(opCounts(result.model.graph)).toEqual({ Reshape: 1, Relu: 1 });
    await expectSameOutputs(bytes, result.bytes, { x: randomTensor('float32', [2, 3, 4], new Rng(15)) });
  });

  it('keeps the pair when the second copies input dims with 0', () => {
    const bytes = buildModel({
      nodes: [
        { op: 'Reshape', inputs: ['x', 's1'], outputs: ['r1'] },
        { op: 'Reshape', inputs: ['r1', 's2'], outputs: ['r2'] },
        { op: 'Relu', inputs: ['r2'], outputs: ['y'] },
      ],
      inputs: [{ name: 'x', type: 'float32', shape: [2, 3, 4] }],
      outputs: [{ name: 'y', type: 'float32' }],
      initializers: { s1: ints(6, 4), s2: ints(0, 2, 2) },
    });
    const result = optimize(bytes);
    expect(result.fired.has('MergeReshapes')).toBe(false);
    expect(opCounts(result.model.graph).Reshape).toBe(2);
  });
});

describe('FoldSqueezeUnsqueeze', () => {
  it('cancels Unsqueeze then Squeeze of the same axis and merges two Unsqueezes', async () => {
    const bytes = buildModel({
      nodes: [
        { op: 'Unsqueeze', inputs: ['x', 'a1'], outputs: ['u1'] },
        { op: 'Squeeze', inputs: ['u1', 'a1'], outputs: ['s1'] },
        { op: 'Unsqueeze', inputs: ['s1', 'a0'], outputs: ['u2'] },
        { op: 'Unsqueeze', inputs: ['u2', 'am1'], outputs: ['u3'] },
        { op: 'Relu', inputs: ['u3'], outputs: ['y'] },
      ],
      inputs: [{ name: 'x', type: 'float32', shape: [2, 3] }],
      outputs: [{ name: 'y', type: 'float32', shape: [1, 2, 3, 1] }],
      initializers: { a1: ints(1), a0: ints(0), am1: ints(-1) },
    });
    const result = optimize(bytes);
    expect(opCounts(result.model.graph)).toEqual({ Unsqueeze: 1, Relu: 1 });
    await expectSameOutputs(bytes, result.bytes, { x: randomTensor('float32', [2, 3], new Rng(16)) });
  });

  it('merges two Squeezes and keeps a Squeeze without axes before an Unsqueeze', async () => {
    const bytes = buildModel({
      nodes: [
        { op: 'Squeeze', inputs: ['x', 'a0'], outputs: ['s1'] },
        { op: 'Squeeze', inputs: ['s1', 'a1'], outputs: ['s2'] },
        { op: 'Squeeze', inputs: ['s2'], outputs: ['s3'] },
        { op: 'Unsqueeze', inputs: ['s3', 'a1'], outputs: ['y'] },
      ],
      inputs: [{ name: 'x', type: 'float32', shape: [1, 3, 1, 1, 2] }],
      outputs: [{ name: 'y', type: 'float32', shape: [3, 1, 2] }],
      initializers: { a0: ints(0), a1: ints(1) },
    });
    const result = optimize(bytes);
    expect(opCounts(result.model.graph)).toEqual({ Squeeze: 2, Unsqueeze: 1 });
    await expectSameOutputs(bytes, result.bytes, { x: randomTensor('float32', [1, 3, 1, 1, 2], new Rng(17)) });
  });
});
