/**
 * Structural checks on a graph and its subgraphs, and the execution order: every input of every
 * node is produced by something visible (graph input, initializer, earlier node, outer scope),
 * no value has two producers, no cycles, every graph output is produced.
 */
import { GraphValidationError, type NodeContext } from '../errors/errors.js';
import type { Graph, Node } from './graph.js';
import { hasSubgraphs, subgraphsOf } from './subgraphs.js';

function contextOf(node: Node): NodeContext {
  return { name: node.name, opType: node.opType, domain: node.domain };
}


const NO_READS: ReadonlySet<string> = new Set();

/** Names a node reads from enclosing scopes through its subgraphs (ORT's implicit inputs). */
export function outerScopeReads(node: Node): ReadonlySet<string> {
  // Most nodes hold no subgraph, and every pass and the planner ask of every node.
  if (!hasSubgraphs(node)) return NO_READS;
  const reads = new Set<string>();
  for (const g of subgraphsOf(node)) for (const name of freeNamesOf(g)) reads.add(name);
  return reads;
}

/** Free names by graph: graphs are never modified (rewrites make new ones), and passes ask again and again. */
const freeNamesByGraph = new WeakMap<Graph, ReadonlySet<string>>();

/** Names a graph uses without defining them itself. */
export function freeNamesOf(graph: Graph): ReadonlySet<string> {
  let free = freeNamesByGraph.get(graph);
  if (!free) freeNamesByGraph.set(graph, (free = collectFreeNames(graph)));
  return free;
}

function collectFreeNames(graph: Graph): Set<string> {
  const defined = new Set<string>([...graph.inputs.map((i) => i.name), ...graph.initializers.keys()]);
  for (const n of graph.nodes) for (const o of n.outputs) if (o) defined.add(o);
  const free = new Set<string>();
  for (const n of graph.nodes) {
    for (const i of n.inputs) if (i && !defined.has(i)) free.add(i);
    for (const name of outerScopeReads(n)) if (!defined.has(name)) free.add(name);
  }
  for (const o of graph.outputs) if (!defined.has(o.name)) free.add(o.name);
  return free;
}

/**
 * Validates `graph` and returns its nodes in an order where every producer precedes its
 * consumers (the given order when it already is one).
 */
export function validateAndOrder(graph: Graph, outerScope: ReadonlySet<string> = new Set()): Node[] {
  const producer = new Map<string, Node>();
  const available = new Set<string>(outerScope);
  for (const input of graph.inputs) available.add(input.name);
  for (const name of graph.initializers.keys()) available.add(name);
  const graphDefined = new Set<string>([...graph.inputs.map((i) => i.name), ...graph.initializers.keys()]);
  for (const node of graph.nodes) {
    for (const out of node.outputs) {
      if (!out) continue;
      const previous = producer.get(out);
      if (previous) {
        throw new GraphValidationError(
          `output '${out}' is also produced by node '${previous.name}' (${previous.opType}); every value needs exactly one producer`,
          contextOf(node),
        );
      }
      if (graphDefined.has(out)) {
        throw new GraphValidationError(`output '${out}' is also a graph input or initializer`, contextOf(node));
      }
      producer.set(out, node);
    }
  }
  const needs = (node: Node): string[] => {
    const inputs = node.inputs.filter((i) => i !== '');
    return hasSubgraphs(node) ? [...inputs, ...outerScopeReads(node)] : inputs;
  };
  for (const node of graph.nodes) {
    for (const input of needs(node)) {
      if (!available.has(input) && !producer.has(input)) {
        throw new GraphValidationError(
          `input '${input}' is not a graph input, an initializer, or the output of any node`,
          contextOf(node),
        );
      }
    }
  }
  const ordered = topologicalOrder(graph.nodes, producer, needs);
  const visibleToSubgraphs = new Set<string>([...available, ...producer.keys()]);
  for (const node of ordered) for (const sub of subgraphsOf(node)) validateAndOrder(sub, visibleToSubgraphs);
  for (const output of graph.outputs) {
    if (!available.has(output.name) && !producer.has(output.name)) {
      throw new GraphValidationError(`graph output '${output.name}' is produced by no node and is no input or initializer`);
    }
  }
  return ordered;
}

function topologicalOrder(nodes: readonly Node[], producer: Map<string, Node>, needs: (n: Node) => string[]): Node[] {
  const state = new Map<Node, 'visiting' | 'done'>();
  const ordered: Node[] = [];
  const visit = (start: Node): void => {
    // Iterative depth-first search: deep chains (thousands of nodes) must not overflow the stack.
    const stack: { node: Node; deps: Node[]; next: number }[] = [];
    const push = (node: Node): void => {
      state.set(node, 'visiting');
      const deps = needs(node).map((i) => producer.get(i)).filter((p): p is Node => p !== undefined);
      stack.push({ node, deps, next: 0 });
    };
    push(start);
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      if (top.next < top.deps.length) {
        const dep = top.deps[top.next++];
        const s = state.get(dep);
        if (s === 'visiting') {
          throw new GraphValidationError(
            `the graph has a cycle: this node depends, through its inputs, on its own output (via node '${dep.name}')`,
            contextOf(top.node),
          );
        }
        if (s === undefined) push(dep);
      } else {
        stack.pop();
        state.set(top.node, 'done');
        ordered.push(top.node);
      }
    }
  };
  for (const node of nodes) if (!state.has(node)) visit(node);
  return ordered;
}
