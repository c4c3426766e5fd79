/** nodeRewriter with start ops visits only nodes of those op types, in list order, and rewrites as a full walk would. */
import { describe, expect, it } from 'vitest';
import type { Node } from '../../src/ir/graph.js';
import { defaultRegistry } from '../../src/kernels/default-registry.js';
import { graphPass, nodeRewriter, type NodeVisitor } from '../../src/optimizer/graph-pass.js';
import type { PassContext } from '../../src/optimizer/pass.js';
import { nodesOfOps } from '../../src/optimizer/nodes-by-op.js';
import { buildModel } from '../support/model-builder.js';
import { Rng } from '../support/random.js';
import { irOf } from './support.js';

const context: PassContext = { registry: defaultRegistry(), freeDimensionOverrides: new Map(), fired: () => undefined };
const OPS = ['Relu', 'Neg', 'Abs', 'Sigmoid'];

/** A chain of `length` unary nodes of random op types. */
function randomChain(length: number, rng: Rng) {
  const nodes = Array.from({ length }, (_, i) => ({ op: OPS[rng.int(0, OPS.length - 1)], inputs: [i === 0 ? 'x' : `v${i - 1}`], outputs: [`v${i}`] }));
  return irOf(buildModel({
    nodes, inputs: [{ name: 'x', type: 'float32', shape: [3] }], outputs: [{ name: `v${length - 1}`, type: 'float32', shape: [3] }],
  }));
}

describe('nodesOfOps', () => {
  it('gives the nodes of the op types asked for, in list order', () => {
    const rng = new Rng(11);
    for (const length of [1, 5, 17, 40]) {
      const { nodes } = randomChain(length, rng).graph;
      for (const ops of [['Relu'], ['Neg', 'Relu'], ['Sigmoid', 'Abs', 'Neg'], ['Conv']]) {
        expect(nodesOfOps(nodes, ops), `${length} nodes, ${ops.join('+')}`).toEqual(nodes.filter((n) => ops.includes(n.opType)));
      }
    }
  });
});

describe('nodeRewriter with start ops', () => {
  it('visits only the start ops and fires as the walk over every node does', () => {
    const rng = new Rng(5);
    for (const length of [3, 9, 23]) {
      const model = randomChain(length, rng);
      const seen: Node[] = [];
      // Removes every Neg, by renaming its output to its input.
      const dropNeg: NodeVisitor = (node, index, rewrite) => {
        seen.push(node);
        return node.opType === 'Neg' && rewrite.bypass(node, node.inputs[0], node.outputs[0], index);
      };
      const walkAll = graphPass({ name: 'All', level: 'basic', rewrite: nodeRewriter(dropNeg) });
      const startAtNeg = graphPass({ name: 'Start', level: 'basic', rewrite: nodeRewriter(dropNeg, ['Neg']) });
      const all = walkAll.run(model, context);
      expect(seen).toEqual(model.graph.nodes);
      seen.length = 0;
      const started = startAtNeg.run(model, context);
      expect(seen).toEqual(model.graph.nodes.filter((n) => n.opType === 'Neg'));
      expect(started).toEqual(all);
    }
  });
});
