/**
 * EliminateCommonSubexpressions merges exactly the nodes that match (op, domain, inputs after
 * earlier merges, output arity, attributes), whatever characters value names hold.
 */
import { describe, expect, it } from 'vitest';
import type { Attribute, Graph, Model, Node } from '../../src/ir/graph.js';
import { defaultRegistry } from '../../src/kernels/default-registry.js';
import type { PassContext } from '../../src/optimizer/pass.js';
import { eliminateCommonSubexpressions } from '../../src/optimizer/passes/eliminate-common-subexpressions.js';
import { Rng } from '../support/random.js';

const context: PassContext = { registry: defaultRegistry(), freeDimensionOverrides: new Map(), fired: () => undefined };
/** Names built to collide under careless joins: separators, quotes, digits and colons. */
const NAMES = ['a', 'a,b', 'b', 'b,a', '1:a', '"', 'a|', '|', ':', '2:ab', 'ab'];
const OPS = ['Add', 'Mul', 'Max'];

function randomGraph(rng: Rng, size: number): Graph {
  const values = [...NAMES];
  const nodes: Node[] = [];
  for (let i = 0; i < size; i++) {
    const arity = rng.int(1, 3);
    // Mostly the given names, so that lookalike input lists meet often.
    const inputs = Array.from({ length: arity }, () => (rng.int(0, 4) > 0 ? NAMES[rng.int(0, NAMES.length - 1)] : values[rng.int(0, values.length - 1)]));
    const attributes = new Map<string, Attribute>(rng.int(0, 1) ? [['k', { type: 'int', value: rng.int(0, 1) }]] : []);
    const out = `o${i}|${rng.int(0, 9)}`;
    nodes.push({ name: out, opType: OPS[rng.int(0, OPS.length - 1)], domain: '', inputs, outputs: [out], attributes });
    values.push(out);
  }
  const read = new Set(nodes.flatMap((n) => n.inputs));
  const outputs = nodes.filter((n) => !read.has(n.outputs[0])).map((n) => ({ name: n.outputs[0], type: undefined }));
  return { name: 'g', nodes, inputs: NAMES.map((name) => ({ name, type: undefined })), outputs, initializers: new Map(), valueInfo: new Map() };
}

/** The merges done here by direct comparison: removed node outputs -> the survivor's. */
function expectedMerges(graph: Graph): Map<string, string> {
  const alias = new Map<string, string>();
  const kept: Node[] = [];
  const outputs = new Set(graph.outputs.map((o) => o.name));
  const sameAttributes = (a: Node, b: Node): boolean =>
    a.attributes.size === b.attributes.size && [...a.attributes].every(([k, v]) => JSON.stringify(b.attributes.get(k)) === JSON.stringify(v));
  for (const node of graph.nodes) {
    const inputs = node.inputs.map((i) => alias.get(i) ?? i);
    const first = kept.find((k) => k.opType === node.opType && k.domain === node.domain && sameAttributes(k, node) &&
      k.inputs.length === inputs.length && k.inputs.every((i, at) => (alias.get(i) ?? i) === inputs[at]));
    if (first && !outputs.has(node.outputs[0])) alias.set(node.outputs[0], first.outputs[0]);
    else if (!first) kept.push(node);
  }
  return alias;
}

/** Sum nodes over each input list, then a true duplicate pair (d0, d1), all read by one last Sum. */
function lookalikes(lists: readonly (readonly string[])[]): Model {
  const sum = (output: string, inputs: readonly string[]): Node => ({ name: output, opType: 'Sum', domain: '', inputs: [...inputs], outputs: [output], attributes: new Map() });
  const nodes = [...lists.map((inputs, i) => sum(`y${i}`, inputs)), sum('d0', ['a', 'b']), sum('d1', ['a', 'b'])];
  const graph: Graph = {
    name: 'g', nodes: [...nodes, sum('r', nodes.map((n) => n.outputs[0]))], inputs: NAMES.map((name) => ({ name, type: undefined })),
    outputs: [{ name: 'r', type: undefined }], initializers: new Map(), valueInfo: new Map(),
  };
  return { irVersion: 8, opsetImports: new Map([['', 17]]), graph, functions: [] } as unknown as Model;
}

describe('EliminateCommonSubexpressions keys', () => {
  it('keeps apart input lists that read alike when joined, and merges a true duplicate', () => {
    // Joined with ',' the first two read 'a,b,a'; the next two '1:a' and 1 then 'a'; then '|' and '||'.
    const model = lookalikes([['a,b', 'a'], ['a', 'b,a'], ['1:a'], ['1:a', 'a'], ['|'], ['|', '|'], ['a|', '|'], ['a', '||']]);
    const result = eliminateCommonSubexpressions.run(model, context);
    expect(result).not.toBe('unchanged');
    if (result === 'unchanged') return;
    expect(result.graph.nodes.map((n) => n.outputs[0])).toEqual([...model.graph.nodes.map((n) => n.outputs[0])].filter((o) => o !== 'd1'));
  });

  it('merges the nodes that match and no others, on random graphs', () => {
    const rng = new Rng(23);
    let merges = 0;
    for (const size of [2, 7, 15, 40]) {
      for (let trial = 0; trial < 25; trial++) {
        const graph = randomGraph(rng, size);
        const model = { irVersion: 8, opsetImports: new Map([['', 17]]), graph, functions: [] } as unknown as Model;
        const result = eliminateCommonSubexpressions.run(model, context);
        const merged = expectedMerges(graph);
        merges += merged.size;
        const survivors = result === 'unchanged' ? graph.nodes : result.graph.nodes;
        expect(survivors.length, `${size} nodes, trial ${trial}`).toBe(graph.nodes.length - merged.size);
        const kept = new Set(survivors.map((n) => n.outputs[0]));
        for (const [removed, survivor] of merged) {
          expect(kept.has(removed), `${removed} merged`).toBe(false);
          expect(kept.has(survivor), `${survivor} kept`).toBe(true);
        }
      }
    }
    expect(merges).toBeGreaterThan(0);
  });
});
