/**
 * What the optimizer keeps between passes and rounds (graph facts, subgraph scopes, CSE keys,
 * passes known to leave a model unchanged) must never change an answer.
 */
import { describe, expect, it } from 'vitest';
import type { Attribute, Graph, Node } from '../../src/ir/graph.js';
import type { ValueType } from '../../src/ir/value-type.js';
import { defaultRegistry } from '../../src/kernels/default-registry.js';
import { GraphIndex } from '../../src/optimizer/graph-index.js';
import { GraphRewrite } from '../../src/optimizer/graph-rewrite.js';
import { optimizeModel } from '../../src/optimizer/optimize-model.js';
import { eliminateCommonSubexpressions } from '../../src/optimizer/passes/eliminate-common-subexpressions.js';
import { DenseTensor } from '../../src/tensor/dense-tensor.js';
import { attr, buildModel, graph } from '../support/model-builder.js';
import { Rng, randomDense } from '../support/random.js';
import { bytesOf, irOf } from './support.js';

const float = (...shape: number[]): ValueType => ({ kind: 'tensor', elementType: 'float32', shape });

function node(opType: string, inputs: string[], outputs: string[], attributes: [string, Attribute][] = []): Node {
  return { name: outputs[0], opType, domain: '', inputs, outputs, attributes: new Map(attributes) };
}

function plainGraph(nodes: Node[], outputs: string[], valueInfo: [string, ValueType][] = []): Graph {
  return { name: 'g', nodes, inputs: [], outputs: outputs.map((name) => ({ name, type: undefined })), initializers: new Map(), valueInfo: new Map(valueInfo) };
}

function subgraphOf(n: Node, name: string): Graph {
  const a = n.attributes.get(name);
  if (a?.type !== 'graph') throw new Error(`no ${name}`);
  return a.value;
}

describe('GraphIndex', () => {
  it('answers outer types from the scope it was given, though facts of the graph are shared', () => {
    const body = plainGraph([node('Relu', ['outer'], ['r'])], ['r'], [['r', float(2)]]);
    const first = new GraphIndex(body, new Map([['outer', float(3)]]));
    const second = new GraphIndex(body, new Map([['outer', float(5, 7)]]));
    expect(first.shape('outer')).toEqual([3]);
    expect(second.shape('outer')).toEqual([5, 7]);
    expect(second.shape('r')).toEqual([2]);
    expect(second.producer('r')).toBe(body.nodes[0]);
    expect(new GraphIndex(body).type('outer')).toBeUndefined();
  });

  it("lets the graph's own declarations win over the outer scope's", () => {
    const body = plainGraph([node('Relu', ['x'], ['r'])], ['r'], [['r', float(4)]]);
    expect(new GraphIndex(body, new Map([['r', float(9)]])).shape('r')).toEqual([4]);
  });
});

describe('GraphRewrite renames into subgraphs', () => {
  const reader = plainGraph([node('Relu', ['a'], ['ra'])], ['ra']);
  const bystander = plainGraph([node('Relu', ['b'], ['rb'])], ['rb']);
  // Defines its own 'a', so the outer rename must not reach its reader.
  const shadowing = plainGraph([node('Neg', ['b'], ['a']), node('Relu', ['a'], ['rs'])], ['rs']);
  const withBranches = node('If', ['c'], ['y'], [
    ['then_branch', { type: 'graph', value: reader }],
    ['else_branch', { type: 'graph', value: bystander }],
  ]);
  const withShadow = node('If', ['c'], ['z'], [
    ['then_branch', { type: 'graph', value: shadowing }],
    ['else_branch', { type: 'graph', value: bystander }],
  ]);
  const main = plainGraph([node('Identity', ['x'], ['a']), withBranches, withShadow], ['y', 'z']);

  it('renames in the graphs that read the value and leaves the others as they were', () => {
    const rewrite = new GraphRewrite(main);
    rewrite.remove(main.nodes[0]);
    rewrite.rename('a', 'x');
    const [ifNode, shadowIf] = rewrite.apply().nodes;
    expect(subgraphOf(ifNode, 'then_branch').nodes[0].inputs).toEqual(['x']);
    expect(subgraphOf(ifNode, 'else_branch')).toBe(bystander);
    expect(subgraphOf(shadowIf, 'then_branch')).toBe(shadowing);
    expect(shadowIf).toBe(withShadow);
  });
});

describe('EliminateCommonSubexpressions on tensor attributes', () => {
  const context = { registry: defaultRegistry(), freeDimensionOverrides: new Map<string, number>(), fired: () => undefined };
  const constant = (out: string, t: DenseTensor) => node('Constant', [], [out], [['value', { type: 'tensor', value: t }]]);
  const model = (nodes: Node[], outputs: string[]) => ({ ...irOf(buildModel({ nodes: [], inputs: [], outputs: [] })), graph: plainGraph(nodes, outputs) });

  it('merges constants whose values agree (NaNs of any bits) and keeps 0 apart from -0', () => {
    const nanBits = new Float32Array(new Uint32Array([0x7fc00000, 0x7fc00123]).buffer);
    const nodes = [
      constant('c1', new DenseTensor('float32', [3], Float32Array.of(1, nanBits[0], 0))),
      constant('c2', new DenseTensor('float32', [3], Float32Array.of(1, nanBits[1], 0))),
      constant('c3', new DenseTensor('float32', [3], Float32Array.of(1, NaN, -0))),
      node('Add', ['c1', 'c2'], ['s']),
      node('Add', ['s', 'c3'], ['y']),
    ];
    const result = eliminateCommonSubexpressions.run(model(nodes, ['y']), context);
    if (result === 'unchanged') throw new Error('expected a merge');
    expect(result.graph.nodes.filter((n) => n.opType === 'Constant').map((n) => n.outputs[0])).toEqual(['c1', 'c3']);
    expect(result.graph.nodes.find((n) => n.outputs[0] === 's')?.inputs).toEqual(['c1', 'c1']);
    // A second round on the result finds nothing more, through the cached keys.
    expect(eliminateCommonSubexpressions.run(result, context)).toBe('unchanged');
  });
});

describe('optimizeModel', () => {
  it('gives the same model when run again on the same input (caches carry no stale answers)', () => {
    const rng = new Rng(5);
    const bytes = buildModel({
      nodes: [
        { op: 'Constant', inputs: [], outputs: ['k'], attributes: { value: attr.tensor(randomDense('float32', [7], rng)) } },
        { op: 'Add', inputs: ['x', 'k'], outputs: ['a'] },
        { op: 'Add', inputs: ['x', 'k'], outputs: ['b'] },
        { op: 'Mul', inputs: ['a', 'b'], outputs: ['m'] },
        {
          op: 'If', inputs: ['c'], outputs: ['y'], attributes: {
            then_branch: attr.graph(graph({
              name: 'then', inputs: [], outputs: [{ name: 't', type: 'float32', shape: [7] }],
              nodes: [{ op: 'Identity', inputs: ['m'], outputs: ['t0'] }, { op: 'Relu', inputs: ['t0'], outputs: ['t'] }],
            })),
            else_branch: attr.graph(graph({
              name: 'else', inputs: [], outputs: [{ name: 'e', type: 'float32', shape: [7] }],
              nodes: [{ op: 'Neg', inputs: ['a'], outputs: ['e'] }],
            })),
          },
        },
      ],
      inputs: [{ name: 'x', type: 'float32', shape: [7] }, { name: 'c', type: 'bool', shape: [] }],
      outputs: [{ name: 'y', type: 'float32', shape: [7] }],
    });
    const input = irOf(bytes);
    const options = { level: 'all' as const, registry: defaultRegistry() };
    const first = optimizeModel(input, options);
    const again = optimizeModel(input, options);
    const fresh = optimizeModel(irOf(bytes), options);
    expect(first.fired.get('EliminateCommonSubexpressions')).toBe(1);
    for (const other of [again, fresh]) {
      expect(bytesOf(other.model)).toEqual(bytesOf(first.model));
      expect([...other.fired]).toEqual([...first.fired]);
      expect(other.rounds).toBe(first.rounds);
    }
  });
});
