/**
 * The shortcuts that keep session creation cheap (node facts shared by graphs with one node
 * list, types looked up where they are declared, initializer maps kept through rewrites, shape
 * inference per node, CSE keys per node, Conv weights scaled per channel run) must give the
 * answers the work they skip gives.
 */
import { describe, expect, it } from 'vitest';
import type { Attribute, Graph, Model, Node } from '../../src/ir/graph.js';
import type { ValueType } from '../../src/ir/value-type.js';
import { defaultRegistry } from '../../src/kernels/default-registry.js';
import { GraphIndex } from '../../src/optimizer/graph-index.js';
import { GraphRewrite } from '../../src/optimizer/graph-rewrite.js';
import type { PassContext } from '../../src/optimizer/pass.js';
import { convParameters, scaledWeight } from '../../src/optimizer/passes/conv-parameters.js';
import { eliminateCommonSubexpressions } from '../../src/optimizer/passes/eliminate-common-subexpressions.js';
import { inferShapes } from '../../src/optimizer/shapes/infer-shapes.js';
import { DenseTensor } from '../../src/tensor/dense-tensor.js';
import { Rng, randomDense } from '../support/random.js';

const float = (...shape: number[]): ValueType => ({ kind: 'tensor', elementType: 'float32', shape });

function node(opType: string, inputs: string[], outputs: string[], attributes: [string, Attribute][] = []): Node {
  return { name: outputs[0], opType, domain: '', inputs, outputs, attributes: new Map(attributes) };
}

function graphOf(name: string, nodes: Node[], outputs: string[], parts: Partial<Graph> = {}): Graph {
  return {
    name, nodes, inputs: [], outputs: outputs.map((o) => ({ name: o, type: undefined })), initializers: new Map(), valueInfo: new Map(), ...parts,
  };
}

function modelOf(graph: Graph): Model {
  return { irVersion: 8, opsetImports: new Map([['', 17]]), graph, functions: new Map(), metadata: new Map() } as unknown as Model;
}

function newContext(): PassContext {
  return { registry: defaultRegistry(), freeDimensionOverrides: new Map(), fired: () => undefined };
}

describe('GraphIndex', () => {
  it('looks types up as value_info, outputs, inputs, initializers, then the outer scope', () => {
    const k = new DenseTensor('float32', [2, 2], new Float32Array(4));
    const g = graphOf('g', [node('Add', ['x', 'x'], ['y'])], ['y'], {
      inputs: [{ name: 'x', type: float(1) }, { name: 'k', type: float(7) }],
      outputs: [{ name: 'y', type: float(2) }, { name: 'x', type: float(3) }],
      initializers: new Map([['k', k], ['w', k]]),
      valueInfo: new Map([['y', float(4)]]),
    });
    const index = new GraphIndex(g, new Map([['w', float(9)], ['o', float(8)]]));
    expect(index.shape('y')).toEqual([4]);
    expect(index.shape('x')).toEqual([3]);
    expect(index.shape('k')).toEqual([7]);
    expect(index.shape('w')).toEqual([2, 2]);
    expect(index.shape('o')).toEqual([8]);
    expect(index.consumers('x')).toEqual([g.nodes[0]]);
  });

  it('answers each graph from its own declarations where graphs share a node list', () => {
    const nodes = [node('Relu', ['x'], ['r']), node('Neg', ['r'], ['n'])];
    const first = new GraphIndex(graphOf('a', nodes, ['n'], { valueInfo: new Map([['r', float(2)]]) }));
    const second = new GraphIndex(graphOf('b', nodes, ['r', 'n'], { valueInfo: new Map([['r', float(6)]]) }));
    expect(first.shape('r')).toEqual([2]);
    expect(second.shape('r')).toEqual([6]);
    expect(second.producer('n')).toBe(nodes[1]);
    expect(first.onlyConsumer('r')).toBe(nodes[1]);
    expect(second.onlyConsumer('r')).toBeUndefined();
  });
});

describe('GraphRewrite', () => {
  it('keeps the initializer map when none comes or goes, and builds a new one otherwise', () => {
    const k = new DenseTensor('float32', [1], Float32Array.of(1));
    const g = graphOf('g', [node('Relu', ['x'], ['r']), node('Neg', ['r'], ['n'])], ['n'], { initializers: new Map([['k', k], ['u', k]]) });
    const removal = new GraphRewrite(g);
    removal.remove(g.nodes[1]);
    expect(removal.apply().initializers).toBe(g.initializers);
    const dropping = new GraphRewrite(g);
    dropping.dropInitializer('u');
    dropping.addInitializer('v', k);
    const dropped = dropping.apply().initializers;
    expect([...dropped.keys()]).toEqual(['k', 'v']);
    expect([...g.initializers.keys()]).toEqual(['k', 'u']);
  });
});

describe('InferShapes across rounds', () => {
  const nodes = [node('Relu', ['x'], ['r']), node('Transpose', ['r'], ['t'])];
  const withInput = (shape: number[]): Graph => graphOf('g', nodes, ['t'], { inputs: [{ name: 'x', type: float(...shape) }] });

  it('leaves its own result unchanged and keeps the type objects of unchanged values', () => {
    const context = newContext();
    const once = inferShapes.run(modelOf(withInput([2, 3])), context);
    if (once === 'unchanged') throw new Error('expected types');
    expect(once.graph.valueInfo.get('t')).toEqual(float(3, 2));
    expect(inferShapes.run(once, context)).toBe('unchanged');
    // A new node after them: the old values keep their very objects.
    const grown = { ...once.graph, nodes: [...nodes, node('Neg', ['t'], ['n'])], outputs: [{ name: 'n', type: undefined }] };
    const again = inferShapes.run(modelOf(grown), context);
    if (again === 'unchanged') throw new Error('expected a type for n');
    expect(again.graph.valueInfo.get('r')).toBe(once.graph.valueInfo.get('r'));
    expect(again.graph.valueInfo.get('t')).toBe(once.graph.valueInfo.get('t'));
    expect(again.graph.valueInfo.get('n')).toEqual(float(3, 2));
  });

  it('infers again, through the same nodes, when an input changes', () => {
    const context = newContext();
    const first = inferShapes.run(modelOf(withInput([2, 3])), context);
    if (first === 'unchanged') throw new Error('expected types');
    const second = inferShapes.run(modelOf({ ...first.graph, inputs: [{ name: 'x', type: float(4, 5) }] }), context);
    if (second === 'unchanged') throw new Error('expected new types');
    expect(second.graph.valueInfo.get('r')).toEqual(float(4, 5));
    expect(second.graph.valueInfo.get('t')).toEqual(float(5, 4));
  });

  it('follows the values of shape computations that a round before did not know', () => {
    const shapeNodes = [node('Shape', ['x'], ['s']), node('Reshape', ['y', 's'], ['z'])];
    const g = (shape: number[]): Graph => graphOf('g', shapeNodes, ['z'], { inputs: [{ name: 'x', type: float(...shape) }, { name: 'y', type: float(12) }] });
    const context = newContext();
    const first = inferShapes.run(modelOf(g([3, 4])), context);
    const second = inferShapes.run(modelOf(g([2, 6])), context);
    if (first === 'unchanged' || second === 'unchanged') throw new Error('expected types');
    expect(first.graph.valueInfo.get('z')).toEqual(float(3, 4));
    expect(second.graph.valueInfo.get('z')).toEqual(float(2, 6));
  });
});

describe('EliminateCommonSubexpressions with cached keys', () => {
  it('merges through aliases in one run and finds nothing more in the next', () => {
    const g = graphOf('g', [
      node('Relu', ['x'], ['a']), node('Relu', ['x'], ['b']),
      node('Neg', ['a'], ['na']), node('Neg', ['b'], ['nb']),
      node('Add', ['na', 'nb'], ['y']),
    ], ['y']);
    const context = newContext();
    for (let run = 0; run < 2; run++) {
      const result = eliminateCommonSubexpressions.run(modelOf(g), context);
      if (result === 'unchanged') throw new Error('expected merges');
      expect(result.graph.nodes.map((n) => `${n.opType}(${n.inputs.join(',')})`)).toEqual(['Relu(x)', 'Neg(a)', 'Add(na,na)']);
      expect(eliminateCommonSubexpressions.run(result, context)).toBe('unchanged');
    }
  });
});

describe('scaledWeight', () => {
  /** Output channel of each weight element, worked out element by element. */
  function naiveChannel(op: string, dims: readonly number[], group: number, i: number): number {
    const inner = dims.slice(2).reduce((a, b) => a * b, 1);
    if (op === 'Conv') return Math.floor(i / (dims[1] * inner));
    const perGroup = dims[1];
    const input = Math.floor(i / (perGroup * inner));
    return Math.floor(input / (dims[0] / group)) * perGroup + (Math.floor(i / inner) % perGroup);
  }

  const rng = new Rng(11);
  const cases: [string, number[], number][] = [
    ['Conv', [5, 3, 1, 1], 1], ['Conv', [7, 3, 3, 3], 1], ['Conv', [6, 1, 3, 5], 6], ['Conv', [9, 3, 1, 1], 3],
    ['Conv', [3, 2, 7], 1], ['ConvTranspose', [4, 3, 3, 3], 1], ['ConvTranspose', [6, 5, 1, 1], 2], ['ConvTranspose', [9, 1, 2, 3], 3],
  ];
  for (const [op, dims, group] of cases) {
    it(`scales ${op} weight [${dims.join(',')}] group ${group} by output channel`, () => {
      const weight = randomDense('float32', dims, rng);
      const conv = node(op, ['x', 'w'], ['y'], [['group', { type: 'int', value: group }]]);
      const g = graphOf('g', [conv], ['y'], { initializers: new Map([['w', weight]]) });
      const params = convParameters(conv, new GraphIndex(g));
      if (!params) throw new Error('expected parameters');
      const scale = Float64Array.from({ length: params.channels }, () => rng.uniform(-2, 2));
      const scaled = scaledWeight(params, scale).data as Float32Array;
      const values = weight.data as Float32Array;
      const expected = Float32Array.from(values, (v, i) => v * scale[naiveChannel(op, dims, group, i)]);
      expect(scaled).toEqual(expected);
    });
  }
});
