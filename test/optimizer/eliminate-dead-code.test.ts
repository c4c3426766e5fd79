/** EliminateDeadNodes and RemoveUnusedInitializers on random graphs, against reachability computed here. */
import { describe, expect, it } from 'vitest';
import type { Graph, Model, Node } from '../../src/ir/graph.js';
import { defaultRegistry } from '../../src/kernels/default-registry.js';
import type { PassContext } from '../../src/optimizer/pass.js';
import { eliminateDeadNodes, removeUnusedInitializers } from '../../src/optimizer/passes/eliminate-dead-code.js';
import { DenseTensor } from '../../src/tensor/dense-tensor.js';
import { Rng } from '../support/random.js';

const context: PassContext = { registry: defaultRegistry(), freeDimensionOverrides: new Map(), fired: () => undefined };

/** Nodes reading random earlier values (or the input, or initializers w0..), some outputs made graph outputs. */
function randomModel(rng: Rng, size: number, liveOnly: boolean): Model {
  const values = ['x'];
  const nodes: Node[] = [];
  const initializers = new Map<string, DenseTensor>();
  for (let w = 0; w < 3; w++) initializers.set(`w${w}`, new DenseTensor('float32', [1], Float32Array.of(w)));
  for (let i = 0; i < size; i++) {
    const a = values[rng.int(0, values.length - 1)];
    const b = rng.int(0, 3) === 0 ? `w${rng.int(0, 2)}` : values[rng.int(0, values.length - 1)];
    const out = `v${i}`;
    nodes.push({ name: out, opType: 'Add', domain: '', inputs: [a, b], outputs: [out], attributes: new Map() });
    values.push(out);
  }
  // All live: every value without a reader becomes a graph output. Otherwise: a few random outputs.
  const read = new Set(nodes.flatMap((n) => n.inputs));
  const outputs = liveOnly
    ? nodes.filter((n) => !read.has(n.outputs[0])).map((n) => n.outputs[0])
    : [nodes[rng.int(0, nodes.length - 1)].outputs[0]];
  const graph: Graph = {
    name: 'g', nodes, inputs: [{ name: 'x', type: undefined }], outputs: [...new Set(outputs)].map((name) => ({ name, type: undefined })),
    initializers, valueInfo: new Map(),
  };
  return { irVersion: 8, opsetImports: new Map([['', 17]]), graph, functions: [] } as unknown as Model;
}

/** Nodes the outputs depend on, and initializers those nodes read. */
function reachable(graph: Graph): { nodes: Set<Node>; initializers: Set<string> } {
  const producer = new Map(graph.nodes.map((n) => [n.outputs[0], n]));
  const nodes = new Set<Node>();
  const stack = graph.outputs.map((o) => o.name);
  for (let name = stack.pop(); name !== undefined; name = stack.pop()) {
    const node = producer.get(name);
    if (!node || nodes.has(node)) continue;
    nodes.add(node);
    stack.push(...node.inputs);
  }
  const initializers = new Set([...nodes].flatMap((n) => n.inputs).filter((name) => graph.initializers.has(name)));
  return { nodes, initializers };
}

describe('dead code elimination', () => {
  it('keeps exactly the nodes and initializers the outputs depend on', () => {
    const rng = new Rng(19);
    for (const size of [1, 2, 5, 9, 17, 31]) {
      for (const liveOnly of [true, false]) {
        const model = randomModel(rng, size, liveOnly);
        const expected = reachable(model.graph);
        const afterNodes = eliminateDeadNodes.run(model, context);
        const pruned = afterNodes === 'unchanged' ? model : afterNodes;
        const label = `${size} nodes, ${liveOnly ? 'all live' : 'one output'}`;
        expect(pruned.graph.nodes, label).toEqual(model.graph.nodes.filter((n) => expected.nodes.has(n)));
        if (expected.nodes.size === size) expect(afterNodes, label).toBe('unchanged');
        const afterInits = removeUnusedInitializers.run(pruned, context);
        const kept = afterInits === 'unchanged' ? pruned : afterInits;
        expect([...kept.graph.initializers.keys()].sort(), label).toEqual([...expected.initializers].sort());
      }
    }
  });
});
