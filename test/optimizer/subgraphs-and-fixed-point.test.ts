/** Passes inside If/Loop bodies, renames that reach into them, and the fixed point of the pass list. */
import { describe, expect, it } from 'vitest';
import { InferenceSession, Tensor } from '../../src/index.js';
import { FLOAT32_TOLERANCE, expectTensorsClose } from '../support/differential.js';
import type { Graph } from '../../src/ir/graph.js';
import { defaultRegistry } from '../../src/kernels/default-registry.js';
import { optimizeModel } from '../../src/optimizer/optimize-model.js';
import { ALL_PASSES, BASIC_PASSES, EXTENDED_PASSES, LAYOUT_PASSES } from '../../src/optimizer/passes.js';
import { DenseTensor, attr, buildModel, graph } from '../support/model-builder.js';
import { Rng, randomDense, randomTensor } from '../support/random.js';
import { expectSameOutputs, irOf, opCounts, optimize } from './support.js';

function branch(model: Graph, name: string): Graph {
  const ifNode = model.nodes.find((n) => n.opType === 'If');
  const a = ifNode?.attributes.get(name);
  if (a?.type !== 'graph') throw new Error(`no ${name}`);
  return a.value;
}

describe('subgraphs', () => {
  const bytes = buildModel({
    nodes: [
      { op: 'Identity', inputs: ['x'], outputs: ['xi'] },
      {
        op: 'If', inputs: ['c'], outputs: ['y'], attributes: {
          then_branch: attr.graph(graph({
            name: 'then', inputs: [], outputs: [{ name: 't', type: 'float32', shape: [4] }],
            nodes: [
              { op: 'Identity', inputs: ['xi'], outputs: ['t0'] },
              { op: 'Add', inputs: ['k1', 'k2'], outputs: ['k'] },
              { op: 'Mul', inputs: ['t0', 'k'], outputs: ['t'] },
              { op: 'Neg', inputs: ['xi'], outputs: ['unused'] },
            ],
            initializers: { k1: randomDense('float32', [4], new Rng(1)), k2: randomDense('float32', [4], new Rng(2)) },
          })),
          else_branch: attr.graph(graph({
            name: 'else', inputs: [], outputs: [{ name: 'e', type: 'float32', shape: [4] }],
            nodes: [{ op: 'Relu', inputs: ['xi'], outputs: ['e'] }],
          })),
        },
      },
    ],
    inputs: [{ name: 'x', type: 'float32', shape: [4] }, { name: 'c', type: 'bool', shape: [] }],
    outputs: [{ name: 'y', type: 'float32', shape: [4] }],
  });

  it('optimizes inside the branches and renames the outer values they read', async () => {
    const { model, bytes: optimized } = optimize(bytes);
    expect(opCounts(model.graph)).toEqual({ If: 1 });
    expect(opCounts(branch(model.graph, 'then_branch'))).toEqual({ Mul: 1 });
    expect(branch(model.graph, 'then_branch').nodes[0].inputs[0]).toBe('x');
    expect(branch(model.graph, 'else_branch').nodes[0].inputs).toEqual(['x']);
    for (const c of [0, 1]) {
      await expectSameOutputs(bytes, optimized, { x: randomTensor('float32', [4], new Rng(3)), c: new Tensor('bool', Uint8Array.of(c), []) });
    }
  });
});

describe('constants of enclosing graphs', () => {
  // w is the main graph's weight, read by a branch two levels down; o is an initializer also
  // listed as an input, which a feed may override, so nothing built from it may fold.
  const inner = graph({
    name: 'inner', inputs: [], outputs: [{ name: 'z', type: 'float32', shape: [3, 5] }],
    nodes: [
      { op: 'Slice', inputs: ['w', 'starts', 'ends'], outputs: ['ws'] },
      { op: 'Neg', inputs: ['o'], outputs: ['on'] },
      { op: 'Add', inputs: ['ws', 'on'], outputs: ['wo'] },
      { op: 'Mul', inputs: ['x', 'wo'], outputs: ['z'] },
    ],
    initializers: { starts: new DenseTensor('int64', [1], BigInt64Array.of(1n)), ends: new DenseTensor('int64', [1], BigInt64Array.of(4n)) },
  });
  const otherwise = (name: string) => graph({
    name, inputs: [], outputs: [{ name: `${name}_y`, type: 'float32', shape: [3, 5] }],
    nodes: [{ op: 'Identity', inputs: ['x'], outputs: [`${name}_y`] }],
  });
  const bytes = buildModel({
    nodes: [{
      op: 'If', inputs: ['c'], outputs: ['y'], attributes: {
        then_branch: attr.graph(graph({
          name: 'outer', inputs: [], outputs: [{ name: 'u', type: 'float32', shape: [3, 5] }],
          nodes: [{ op: 'If', inputs: ['c'], outputs: ['u'], attributes: { then_branch: attr.graph(inner), else_branch: attr.graph(otherwise('e1')) } }],
        })),
        else_branch: attr.graph(otherwise('e2')),
      },
    }],
    inputs: [{ name: 'x', type: 'float32', shape: [3, 5] }, { name: 'c', type: 'bool', shape: [] }, { name: 'o', type: 'float32', shape: [3, 5] }],
    outputs: [{ name: 'y', type: 'float32', shape: [3, 5] }],
    initializers: { w: randomDense('float32', [5, 5], new Rng(4)), o: randomDense('float32', [3, 5], new Rng(5)) },
  });

  it('fold inside nested branches, except where a feed may override them', async () => {
    const { model, bytes: optimized } = optimize(bytes);
    const innermost = branch(branch(model.graph, 'then_branch'), 'then_branch');
    expect(opCounts(innermost)).toEqual({ Neg: 1, Add: 1, Mul: 1 });
    expect(innermost.initializers.get('ws')?.dims).toEqual([3, 5]);
    for (const c of [0, 1]) {
      const feeds = { x: randomTensor('float32', [3, 5], new Rng(6)), c: new Tensor('bool', Uint8Array.of(c), []) };
      await expectSameOutputs(bytes, optimized, feeds);
      // onnxruntime's subgraphs keep reading the initializer when a feed overrides it, so the
      // override is checked against onnxts on the model as written.
      const overriding = { ...feeds, o: randomTensor('float32', [3, 5], new Rng(7)) };
      const [asWritten, folded] = await Promise.all([bytes, optimized].map(async (model) =>
        (await (await InferenceSession.create(model, { graphOptimizationLevel: 'disabled' })).run(overriding)).y));
      expectTensorsClose(folded as Tensor, asWritten as Tensor, FLOAT32_TOLERANCE, `If with c=${c}, o fed`);
    }
  });
});

describe('the pass list', () => {
  it('lists every pass once, by level, basic before extended before layout', () => {
    const names = ALL_PASSES.map((p) => p.name);
    expect(new Set(names).size).toBe(names.length);
    expect(ALL_PASSES).toEqual([...BASIC_PASSES, ...EXTENDED_PASSES, ...LAYOUT_PASSES]);
    for (const [list, level] of [[BASIC_PASSES, 'basic'], [EXTENDED_PASSES, 'extended'], [LAYOUT_PASSES, 'layout']] as const) {
      for (const pass of list) expect(pass.level, pass.name).toBe(level);
    }
  });

  it('reaches a fixed point: chained rewrites finish, and optimizing again changes nothing', async () => {
    // Each rewrite enables the next: folding makes the Reshape's shape constant, the no-op
    // Reshape then goes, which makes two Transposes adjacent, which cancel.
    const bytes = buildModel({
      nodes: [
        { op: 'Transpose', inputs: ['x'], outputs: ['t1'], attributes: { perm: attr.ints([1, 0]) } },
        { op: 'Add', inputs: ['s1', 's2'], outputs: ['shape'] },
        { op: 'Reshape', inputs: ['t1', 'shape'], outputs: ['r'] },
        { op: 'Transpose', inputs: ['r'], outputs: ['t2'], attributes: { perm: attr.ints([1, 0]) } },
        { op: 'Relu', inputs: ['t2'], outputs: ['y'] },
      ],
      inputs: [{ name: 'x', type: 'float32', shape: [2, 3] }],
      outputs: [{ name: 'y', type: 'float32', shape: [2, 3] }],
      initializers: { s1: new DenseTensor('int64', [2], BigInt64Array.of(1n, 1n)), s2: new DenseTensor('int64', [2], BigInt64Array.of(2n, 1n)) },
    });
    const first = optimize(bytes, { level: 'basic' });
    expect(opCounts(first.model.graph)).toEqual({ Relu: 1 });
    expect(first.rounds).toBeGreaterThan(1);
    expect(first.rounds).toBeLessThan(10);
    const second = optimizeModel(first.model, { level: 'all', registry: defaultRegistry() });
    expect(second.fired.size).toBe(0);
    expect(second.rounds).toBe(1);
    expect(second.model.graph.nodes).toEqual(first.model.graph.nodes);
    await expectSameOutputs(bytes, first.bytes, { x: randomTensor('float32', [2, 3], new Rng(4)) });
  });

  it("level 'disabled' returns the model untouched", () => {
    const model = irOf(buildModel({
      nodes: [{ op: 'Identity', inputs: ['x'], outputs: ['i'] }, { op: 'Relu', inputs: ['i'], outputs: ['y'] }],
      inputs: [{ name: 'x', type: 'float32', shape: [2] }], outputs: [{ name: 'y', type: 'float32' }],
    }));
    const result = optimizeModel(model, { level: 'disabled', registry: defaultRegistry() });
    expect(result.model).toBe(model);
    expect(result.rounds).toBe(0);
  });
});
