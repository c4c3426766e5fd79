/**
 * A graph pass passes over a graph it has already left unchanged in a scope that answers the
 * same for the names the graph reads from outside, and visits it again when any answer differs.
 */
import { describe, expect, it } from 'vitest';
import type { Graph, Model } from '../../src/ir/graph.js';
import { defaultRegistry } from '../../src/kernels/default-registry.js';
import { KernelRegistry } from '../../src/kernels/registry.js';
import { graphPass } from '../../src/optimizer/graph-pass.js';
import type { PassContext } from '../../src/optimizer/pass.js';
import { DenseTensor } from '../../src/tensor/dense-tensor.js';
import { attr, buildModel, graph } from '../support/model-builder.js';
import { optimizeModel } from '../../src/optimizer/optimize-model.js';
import { irOf, optimize, savedBytesOf } from './support.js';

const context: PassContext = { registry: defaultRegistry(), freeDimensionOverrides: new Map(), fired: () => undefined };

/** A pass that records the graphs its rewrite visits and changes nothing. */
function recordingPass(): { visited: string[]; run: (model: Model, with_?: PassContext) => Model | 'unchanged' } {
  const visited: string[] = [];
  const pass = graphPass({
    name: 'Recording', level: 'basic',
    rewrite: (g: Graph) => {
      visited.push(g.name);
      return undefined;
    },
  });
  return { visited, run: (model, with_ = context) => pass.run(model, with_) };
}

/** Main graph: xn = Neg(x); If(c) with then reading xn and k (an initializer), else reading nothing outside. */
const model = irOf(buildModel({
  nodes: [
    { op: 'Neg', inputs: ['x'], outputs: ['xn'] },
    {
      op: 'If', inputs: ['c'], outputs: ['y'], attributes: {
        then_branch: attr.graph(graph({
          name: 'then', inputs: [], outputs: [{ name: 't', type: 'float32', shape: [3] }],
          nodes: [{ op: 'Add', inputs: ['xn', 'k'], outputs: ['t'] }],
        })),
        else_branch: attr.graph(graph({
          name: 'else', inputs: [], outputs: [{ name: 'e', type: 'float32', shape: [3] }],
          nodes: [{ op: 'Constant', inputs: [], outputs: ['e'], attributes: { value: attr.tensor(new DenseTensor('float32', [3], new Float32Array(3))) } }],
        })),
      },
    },
  ],
  inputs: [{ name: 'x', type: 'float32', shape: [3] }, { name: 'c', type: 'bool', shape: [] }],
  outputs: [{ name: 'y', type: 'float32', shape: [3] }],
  initializers: { k: new DenseTensor('float32', [3], Float32Array.of(1, 2, 3)) },
}));

/** The model with a new main graph object (as any rewrite of it makes), changed by `change`. */
function withMain(change: (g: Graph) => Partial<Graph>): Model {
  return { ...model, graph: { ...model.graph, ...change(model.graph) } };
}

describe('graph passes over graphs they left unchanged', () => {
  it('visits every graph once, then none while nothing changes', () => {
    const pass = recordingPass();
    expect(pass.run(model)).toBe('unchanged');
    expect([...pass.visited].sort()).toEqual([model.graph.name, 'else', 'then'].sort());
    pass.visited.length = 0;
    expect(pass.run(model)).toBe('unchanged');
    expect(pass.visited).toEqual([]);
  });

  it('visits again only the main graph when it changes in what no subgraph reads', () => {
    const pass = recordingPass();
    pass.run(model);
    pass.visited.length = 0;
    pass.run(withMain((g) => ({ valueInfo: new Map([...g.valueInfo, ['y', { kind: 'tensor', elementType: 'float32', shape: [3] }]]) })));
    expect(pass.visited).toEqual([model.graph.name]);
  });

  it("visits a subgraph again when the type of a value it reads from outside changes", () => {
    const pass = recordingPass();
    pass.run(model);
    pass.visited.length = 0;
    pass.run(withMain((g) => ({ valueInfo: new Map([...g.valueInfo, ['xn', { kind: 'tensor', elementType: 'float32', shape: [3] }]]) })));
    expect([...pass.visited].sort()).toEqual([model.graph.name, 'then'].sort());
  });

  it('visits a subgraph again when a constant it reads from outside is another tensor', () => {
    const pass = recordingPass();
    pass.run(model);
    pass.visited.length = 0;
    const k = new DenseTensor('float32', [3], Float32Array.of(4, 5, 6));
    pass.run(withMain((g) => ({ initializers: new Map([...g.initializers, ['k', k]]) })));
    expect([...pass.visited].sort()).toEqual([model.graph.name, 'then'].sort());
  });

  it('visits everything again under another registry or other dimension overrides', () => {
    const pass = recordingPass();
    pass.run(model);
    pass.visited.length = 0;
    pass.run(model, { ...context, registry: new KernelRegistry() });
    expect(pass.visited.length).toBe(3);
    pass.visited.length = 0;
    pass.run(model, { ...context, registry: context.registry, freeDimensionOverrides: new Map([['batch', 1]]) });
    expect(pass.visited.length).toBe(3);
  });

  it('visits again a graph whose rewrite changed it', () => {
    let calls = 0;
    const renaming = graphPass({
      name: 'RenameOnce', level: 'basic',
      rewrite: (g: Graph) => {
        calls++;
        return g.name === 'else' && calls < 10 ? { graph: { ...g, name: 'else' }, rewrites: 1 } : undefined;
      },
    });
    const once = renaming.run(model, context);
    expect(once).not.toBe('unchanged');
    const before = calls;
    renaming.run(model, context);
    // Only the then-branch is known unchanged: the else-branch changed, and with it the main graph.
    expect(calls - before).toBe(2);
  });

  it('optimizes a model it has seen before to the same result', () => {
    const bytes = buildModel({
      nodes: [
        { op: 'Identity', inputs: ['x'], outputs: ['xi'] },
        {
          op: 'If', inputs: ['c'], outputs: ['y'], attributes: {
            then_branch: attr.graph(graph({
              name: 'then', inputs: [], outputs: [{ name: 't', type: 'float32', shape: [2, 3] }],
              nodes: [
                { op: 'Reshape', inputs: ['xi', 's1'], outputs: ['r1'] },
                { op: 'Reshape', inputs: ['r1', 's2'], outputs: ['r2'] },
                { op: 'Relu', inputs: ['r2'], outputs: ['t'] },
              ],
              initializers: {
                s1: new DenseTensor('int64', [1], BigInt64Array.of(6n)),
                s2: new DenseTensor('int64', [2], BigInt64Array.of(2n, 3n)),
              },
            })),
            else_branch: attr.graph(graph({
              name: 'else', inputs: [], outputs: [{ name: 'e', type: 'float32', shape: [2, 3] }],
              nodes: [{ op: 'Neg', inputs: ['xi'], outputs: ['e'] }],
            })),
          },
        },
      ],
      inputs: [{ name: 'x', type: 'float32', shape: [2, 3] }, { name: 'c', type: 'bool', shape: [] }],
      outputs: [{ name: 'y', type: 'float32', shape: [2, 3] }],
    });
    // The same model, registry and overrides: the second run meets graphs the passes already know.
    const ir = irOf(bytes);
    const options = { level: 'all' as const, registry: defaultRegistry(), freeDimensionOverrides: new Map<string, number>() };
    const first = optimizeModel(ir, options);
    const second = optimizeModel(ir, options);
    expect(savedBytesOf(second.model)).toEqual(savedBytesOf(first.model));
    expect([...second.fired]).toEqual([...first.fired]);
    expect(first.fired.get('MergeReshapes')).toBe(1);
    expect(first.fired.get('EliminateIdentity')).toBe(1);
    expect(savedBytesOf(first.model)).toEqual(optimize(bytes).bytes);
  });
});
