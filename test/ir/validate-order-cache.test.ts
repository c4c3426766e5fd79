/**
 * validateAndOrder keeps the order of graphs it has checked; what depends on the enclosing
 * scope (that it holds the graph's free names) is checked on every call.
 */
import { describe, expect, it } from 'vitest';
import { GraphValidationError } from '../../src/errors/errors.js';
import type { Graph, Node } from '../../src/ir/graph.js';
import { validateAndOrder } from '../../src/ir/validate.js';
import { Rng } from '../support/random.js';

function node(opType: string, inputs: string[], outputs: string[]): Node {
  return { name: outputs[0], opType, domain: '', inputs, outputs, attributes: new Map() };
}

function plainGraph(nodes: Node[], outputs: string[], inputs: string[] = []): Graph {
  return {
    name: 'g', nodes, inputs: inputs.map((name) => ({ name, type: undefined })),
    outputs: outputs.map((name) => ({ name, type: undefined })), initializers: new Map(), valueInfo: new Map(),
  };
}

/** A chain a -> n0 -> n1 -> ... in shuffled order, reading `outer` from the enclosing scope. */
function shuffledChain(length: number, rng: Rng): Graph {
  const nodes = Array.from({ length }, (_, i) => node('Add', [i === 0 ? 'outer' : `v${i - 1}`, 'outer'], [`v${i}`]));
  for (let i = nodes.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [nodes[i], nodes[j]] = [nodes[j], nodes[i]];
  }
  return plainGraph(nodes, [`v${length - 1}`]);
}

function isTopological(order: readonly Node[]): boolean {
  const seen = new Set<string>(['outer']);
  for (const n of order) {
    if (!n.inputs.every((i) => seen.has(i))) return false;
    for (const o of n.outputs) seen.add(o);
  }
  return true;
}

describe('validateAndOrder on graphs it has checked before', () => {
  it('orders shuffled chains of odd lengths, the same on every call', () => {
    const rng = new Rng(7);
    for (const length of [1, 2, 7, 13, 33]) {
      const g = shuffledChain(length, rng);
      const first = validateAndOrder(g, new Set(['outer']));
      expect(isTopological(first), `chain of ${length}`).toBe(true);
      expect(validateAndOrder(g, new Set(['outer', 'other']))).toEqual(first);
      // A new graph around the same lists (as a pass that records only types makes) orders the same.
      expect(validateAndOrder({ ...g, valueInfo: new Map() }, new Set(['outer']))).toEqual(first);
    }
  });

  it('keeps a list already in order, and reorders one that only looks so because the scope holds a name a node makes', () => {
    const rng = new Rng(9);
    for (const length of [1, 4, 11]) {
      const nodes = shuffledChain(length, rng).nodes.slice().sort((a, b) => Number(a.outputs[0].slice(1)) - Number(b.outputs[0].slice(1)));
      const g = plainGraph(nodes, [`v${length - 1}`]);
      expect(validateAndOrder(g, new Set(['outer']))).toEqual(nodes);
    }
    // 'v0' is in the scope too, yet the node making it must run first.
    const reader = node('Relu', ['v0'], ['r']);
    const maker = node('Neg', ['outer'], ['v0']);
    expect(validateAndOrder(plainGraph([reader, maker], ['r']), new Set(['outer', 'v0']))).toEqual([maker, reader]);
  });

  it('rejects a node reading its own output', () => {
    expect(() => validateAndOrder(plainGraph([node('Add', ['x', 'a'], ['a'])], ['a'], ['x']))).toThrow(/cycle/);
  });

  it('rejects a scope without a free name after accepting one with it', () => {
    const g = shuffledChain(5, new Rng(3));
    validateAndOrder(g, new Set(['outer']));
    expect(() => validateAndOrder(g, new Set())).toThrow(GraphValidationError);
    expect(() => validateAndOrder(g, new Set())).toThrow(/'outer'/);
  });

  it('checks again a graph around the same nodes whose outputs or inputs differ', () => {
    const nodes = [node('Relu', ['x'], ['r'])];
    const g = plainGraph(nodes, ['r'], ['x']);
    validateAndOrder(g);
    expect(() => validateAndOrder({ ...g, outputs: [...g.outputs, { name: 'missing', type: undefined }] })).toThrow(/'missing'/);
    expect(() => validateAndOrder({ ...g, inputs: [] })).toThrow(/'x'/);
  });

  it('keeps rejecting an invalid graph', () => {
    const cyclic = plainGraph([node('Relu', ['b'], ['a']), node('Relu', ['a'], ['b'])], ['b']);
    expect(() => validateAndOrder(cyclic)).toThrow(/cycle/);
    expect(() => validateAndOrder(cyclic)).toThrow(/cycle/);
  });
});
