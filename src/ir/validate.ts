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

/** Reads by node: nodes are never modified (rewrites make new ones), and the planner asks of each several times. */
const readsByNode = new WeakMap<Node, ReadonlySet<string>>();

/** Names a node reads from enclosing scopes through its subgraphs (ORT's implicit inputs). */
export function outerScopeReads(node: Node): ReadonlySet<string> {
  // Most nodes hold no subgraph, and every pass and the planner ask of every node.
  if (!hasSubgraphs(node)) return NO_READS;
  let reads = readsByNode.get(node);
  if (!reads) {
    const found = new Set<string>();
    for (const g of subgraphsOf(node)) for (const name of freeNamesOf(g)) found.add(name);
    readsByNode.set(node, (reads = found));
  }
  return reads;
}

/**
 * What is known of a graph from its structure alone (not its value types), kept by node list:
 * graphs are never modified (rewrites make new ones), passes ask again and again, and a pass
 * that only records types (InferShapes) makes a new graph around the same lists.
 */
class StructureCache<T> {
  private readonly entries = new WeakMap<readonly Node[], Pick<Graph, 'inputs' | 'outputs' | 'initializers'> & { readonly value: T }>();

  get(graph: Graph): T | undefined {
    const entry = this.entries.get(graph.nodes);
    const same = entry && entry.inputs === graph.inputs && entry.outputs === graph.outputs && entry.initializers === graph.initializers;
    return same ? entry.value : undefined;
  }

  set(graph: Graph, value: T): void {
    this.entries.set(graph.nodes, { inputs: graph.inputs, outputs: graph.outputs, initializers: graph.initializers, value });
  }
}

const freeNamesByGraph = new StructureCache<ReadonlySet<string>>();

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
 * Orders of graphs that passed every check that does not depend on the enclosing scope. What
 * remains to check against a scope is that it holds the graph's free names: the optimizer,
 * the planner and the planner's subgraph compiler each validate the same graphs.
 */
const checkedOrders = new StructureCache<readonly Node[]>();

/**
 * Validates `graph` and returns its nodes in an order where every producer precedes its
 * consumers (the given order when it already is one).
 */
export function validateAndOrder(graph: Graph, outerScope: ReadonlySet<string> = new Set()): readonly Node[] {
  const checked = checkedOrders.get(graph);
  if (checked && everyIn(freeNamesOf(graph), outerScope)) return checked;
  const ordered = checkAndOrder(graph, outerScope);
  checkedOrders.set(graph, ordered);
  return ordered;
}

function everyIn(names: ReadonlySet<string>, scope: ReadonlySet<string>): boolean {
  for (const name of names) if (!scope.has(name)) return false;
  return true;
}

function checkAndOrder(graph: Graph, outerScope: ReadonlySet<string>): readonly Node[] {
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
  const needed = new Map<Node, string[]>();
  const needs = (node: Node): string[] => {
    let names = needed.get(node);
    if (!names) {
      const inputs = node.inputs.filter((i) => i !== '');
      needed.set(node, (names = hasSubgraphs(node) ? [...inputs, ...outerScopeReads(node)] : inputs));
    }
    return names;
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
  const ordered = listedOrderIfTopological(graph.nodes, producer, needs) ?? topologicalOrder(graph.nodes, producer, needs);
  const visibleToSubgraphs = new Set<string>([...available, ...producer.keys()]);
  for (const node of ordered) for (const sub of subgraphsOf(node)) validateAndOrder(sub, visibleToSubgraphs);
  for (const output of graph.outputs) {
    if (!available.has(output.name) && !producer.has(output.name)) {
      throw new GraphValidationError(`graph output '${output.name}' is produced by no node and is no input or initializer`);
    }
  }
  return ordered;
}

/**
 * The nodes as listed when each comes after the producers of everything it needs (what
 * topologicalOrder gives for such a list), without its search: exporters and the optimizer
 * list nodes in order.
 */
function listedOrderIfTopological(nodes: readonly Node[], producer: ReadonlyMap<string, Node>, needs: (n: Node) => string[]): Node[] | undefined {
  const produced = new Set<string>();
  const seen = new Set<Node>();
  for (const node of nodes) {
    if (seen.has(node)) return undefined;
    seen.add(node);
    for (const name of needs(node)) if (producer.has(name) && !produced.has(name)) return undefined;
    for (const out of node.outputs) if (out) produced.add(out);
  }
  return [...nodes];
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
