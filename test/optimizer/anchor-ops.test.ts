/** Passes with anchor op types pass over graphs that hold none of them, subgraphs counted. */
import { describe, expect, it } from 'vitest';
import type { Graph, Model } from '../../src/ir/graph.js';
import { defaultRegistry } from '../../src/kernels/default-registry.js';
import { graphPass } from '../../src/optimizer/graph-pass.js';
import { DenseTensor, attr, buildModel, graph } from '../support/model-builder.js';
import { irOf, opCounts, optimize } from './support.js';

const context = { registry: defaultRegistry(), freeDimensionOverrides: new Map<string, number>(), fired: () => undefined };

/** A pass anchored on `ops` (none: unanchored) that records the graphs its rewrite is asked to visit and changes nothing. */
function recordingPass(ops?: readonly string[]): { visited: string[]; run: (model: Model) => Model | 'unchanged' } {
  const visited: string[] = [];
  const pass = graphPass({
    name: 'Recording', level: 'basic', anchorOps: ops,
    rewrite: (g: Graph) => {
      visited.push(g.name);
      return undefined;
    },
  });
  return { visited, run: (model) => pass.run(model, context) };
}

const nested = irOf(buildModel({
  nodes: [
    { op: 'Neg', inputs: ['x'], outputs: ['xn'] },
    {
      op: 'If', inputs: ['c'], outputs: ['y'], attributes: {
        then_branch: attr.graph(graph({
          name: 'then', inputs: [], outputs: [{ name: 't', type: 'float32', shape: [3] }],
          nodes: [{ op: 'Relu', inputs: ['xn'], outputs: ['t'] }],
        })),
        else_branch: attr.graph(graph({
          name: 'else', inputs: [], outputs: [{ name: 'e', type: 'float32', shape: [3] }],
          nodes: [{ op: 'Abs', inputs: ['xn'], outputs: ['e'] }],
        })),
      },
    },
  ],
  inputs: [{ name: 'x', type: 'float32', shape: [3] }, { name: 'c', type: 'bool', shape: [] }],
  outputs: [{ name: 'y', type: 'float32', shape: [3] }],
}));

describe('anchorOps', () => {
  it('visits only the graphs whose nodes or subgraphs hold an anchor op', () => {
    const relu = recordingPass(['Relu']);
    expect(relu.run(nested)).toBe('unchanged');
    expect(relu.visited.sort()).toEqual([nested.graph.name, 'then'].sort());
    const abs = recordingPass(['Sigmoid', 'Abs']);
    abs.run(nested);
    expect(abs.visited.sort()).toEqual([nested.graph.name, 'else'].sort());
    const neg = recordingPass(['Neg']);
    neg.run(nested);
    expect(neg.visited).toEqual([nested.graph.name]);
    const absent = recordingPass(['Conv']);
    absent.run(nested);
    expect(absent.visited).toEqual([]);
  });

  it('leaves a pass without anchors visiting every graph', () => {
    const all = recordingPass();
    all.run(nested);
    expect(all.visited.sort()).toEqual([nested.graph.name, 'else', 'then'].sort());
  });

  it('still fires anchored fusions found only inside a branch', () => {
    const bytes = buildModel({
      nodes: [{
        op: 'If', inputs: ['c'], outputs: ['y'], attributes: {
          then_branch: attr.graph(graph({
            name: 'then', inputs: [], outputs: [{ name: 't', type: 'float32', shape: [2, 3] }],
            nodes: [
              { op: 'Reshape', inputs: ['x', 's1'], outputs: ['r1'] },
              { op: 'Reshape', inputs: ['r1', 's2'], outputs: ['t'] },
            ],
            initializers: {
              s1: new DenseTensor('int64', [1], BigInt64Array.of(6n)),
              s2: new DenseTensor('int64', [2], BigInt64Array.of(2n, 3n)),
            },
          })),
          else_branch: attr.graph(graph({
            name: 'else', inputs: [], outputs: [{ name: 'e', type: 'float32', shape: [2, 3] }],
            nodes: [{ op: 'Identity', inputs: ['x'], outputs: ['e'] }],
          })),
        },
      }],
      inputs: [{ name: 'x', type: 'float32', shape: [2, 3] }, { name: 'c', type: 'bool', shape: [] }],
      outputs: [{ name: 'y', type: 'float32', shape: [2, 3] }],
    });
    const { model, fired } = optimize(bytes);
    const ifNode = model.graph.nodes.find((n) => n.opType === 'If');
    const then = ifNode?.attributes.get('then_branch');
    expect(then?.type === 'graph' && opCounts(then.value)).toEqual({ Reshape: 1 });
    expect(fired.get('MergeReshapes')).toBe(1);
  });
});
