/** The graphs held in node attributes (If branches, Loop and Scan bodies), read and rewritten. */
import type { Attribute, Graph, Node } from './graph.js';

export function subgraphsOf(node: Node): Graph[] {
  const graphs: Graph[] = [];
  for (const a of node.attributes.values()) {
    if (a.type === 'graph') graphs.push(a.value);
    else if (a.type === 'graphs') graphs.push(...a.value);
  }
  return graphs;
}

export function hasSubgraphs(node: Node): boolean {
  for (const a of node.attributes.values()) if (a.type === 'graph' || a.type === 'graphs') return true;
  return false;
}

/** The node with `map` applied to each of its subgraphs; the same node when no subgraph changes. */
export function mapSubgraphs(node: Node, map: (graph: Graph) => Graph): Node {
  if (!hasSubgraphs(node)) return node;
  let changed = false;
  const attributes = new Map<string, Attribute>();
  for (const [name, a] of node.attributes) {
    let next = a;
    if (a.type === 'graph') {
      const g = map(a.value);
      if (g !== a.value) next = { type: 'graph', value: g };
    } else if (a.type === 'graphs') {
      const gs = a.value.map(map);
      if (gs.some((g, i) => g !== a.value[i])) next = { type: 'graphs', value: gs };
    }
    changed ||= next !== a;
    attributes.set(name, next);
  }
  return changed ? { ...node, attributes } : node;
}

/** Every value name a graph mentions, its subgraphs included (for making fresh names). */
export function namesIn(graph: Graph, into: Set<string> = new Set()): Set<string> {
  for (const v of graph.inputs) into.add(v.name);
  for (const v of graph.outputs) into.add(v.name);
  for (const name of graph.initializers.keys()) into.add(name);
  for (const node of graph.nodes) {
    for (const name of node.inputs) into.add(name);
    for (const name of node.outputs) into.add(name);
    for (const sub of subgraphsOf(node)) namesIn(sub, into);
  }
  return into;
}

/** `base`, or `base_N` for the first N that makes it new to `taken`; the name is added to `taken`. */
export function claimFreshName(taken: Set<string>, base: string): string {
  let name = base;
  for (let i = 1; taken.has(name); i++) name = `${base}_${i}`;
  taken.add(name);
  return name;
}
