/**
 * Lifts a rewrite of one graph to a pass over the model: the rewrite runs on the main graph
 * and on every subgraph (If branches, Loop and Scan bodies), each seeing the types of the
 * values its enclosing graphs let it read.
 */
import type { Graph, Model, Node } from '../ir/graph.js';
import type { ValueType } from '../ir/value-type.js';
import type { KernelRegistry } from '../kernels/registry.js';
import type { DenseTensor } from '../tensor/dense-tensor.js';
import { GraphIndex, tensorTypeOf } from './graph-index.js';
import { GraphRewrite } from './graph-rewrite.js';
import { nodesOfOps } from './nodes-by-op.js';
import type { OptimizerPass, PassContext, PassLevel } from './pass.js';
import { hasSubgraphs, mapSubgraphs, subgraphsOf } from '../ir/subgraphs.js';
import { UnchangedGraphs } from './unchanged-graphs.js';

export interface GraphScope {
  readonly registry: KernelRegistry;
  /** The model's opset imports (domain -> version). */
  readonly opsets: ReadonlyMap<string, number>;
  readonly freeDimensionOverrides: ReadonlyMap<string, number>;
  /** Every value of the enclosing graphs this graph can read, with its type where known. */
  readonly outerTypes: ReadonlyMap<string, ValueType | undefined>;
  /** The constant (an initializer no feed overrides) an enclosing graph holds under `name`, if any. */
  outerConstant(name: string): DenseTensor | undefined;
}

/** The rewritten graph and how many rewrites it took, or undefined when nothing applies. */
export type GraphRewriter = (graph: Graph, scope: GraphScope) => { graph: Graph; rewrites: number } | undefined;

export interface GraphPassSpec {
  readonly name: string;
  readonly level: PassLevel;
  readonly rewrite: GraphRewriter;
  /** A domain the pass may add nodes of (com.microsoft for fused ops): imported at version 1 when it does. */
  readonly addsDomain?: string;
  /**
   * Op types (of any domain) of which every rewrite of the pass needs a node (where it starts,
   * or the node it fuses into): a graph holding none of them, its subgraphs included, is passed
   * over unvisited. Most passes find nothing in most models, and every round over the pass
   * list visits every graph again.
   */
  readonly anchorOps?: readonly string[];
}

export function graphPass(spec: GraphPassSpec): OptimizerPass {
  const unchanged = new UnchangedGraphs();
  return {
    name: spec.name,
    level: spec.level,
    run(model: Model, context: PassContext): Model | 'unchanged' {
      let rewrites = 0;
      const visit = (graph: Graph, outerTypes: ReadonlyMap<string, ValueType | undefined>, enclosing: readonly Graph[]): Graph => {
        if (spec.anchorOps && !spec.anchorOps.some((op) => opTypesIn(graph).has(op))) return graph;
        const scope: GraphScope = {
          registry: context.registry,
          opsets: model.opsetImports,
          freeDimensionOverrides: context.freeDimensionOverrides,
          outerTypes,
          outerConstant: (name) => constantIn(enclosing, name),
        };
        if (unchanged.has(graph, scope)) return graph;
        const before = rewrites;
        const visited = rewriteWithSubgraphs(graph, scope, enclosing);
        if (visited === graph && rewrites === before) unchanged.add(graph, scope);
        return visited;
      };
      const rewriteWithSubgraphs = (graph: Graph, scope: GraphScope, enclosing: readonly Graph[]): Graph => {
        const result = spec.rewrite(graph, scope);
        const current = result?.graph ?? graph;
        rewrites += result?.rewrites ?? 0;
        if (!holdsSubgraphs(current)) return current;
        const inner = typesVisibleInside(current, scope.outerTypes);
        const innerEnclosing = [current, ...enclosing];
        let changed = false;
        const nodes = current.nodes.map((node) => {
          const next = mapSubgraphs(node, (g) => visit(g, inner, innerEnclosing));
          changed ||= next !== node;
          return next;
        });
        return changed ? { ...current, nodes } : current;
      };
      const graph = visit(model.graph, NO_OUTER_SCOPE, []);
      if (graph === model.graph) return 'unchanged';
      context.fired(rewrites);
      const domain = spec.addsDomain;
      if (domain === undefined || model.opsetImports.has(domain)) return { ...model, graph };
      return { ...model, graph, opsetImports: new Map([...model.opsetImports, [domain, 1]]) };
    },
  };
}

const NO_OUTER_SCOPE: ReadonlyMap<string, ValueType | undefined> = new Map();

/**
 * What `name` holds in the innermost of `graphs` (innermost first) that defines it: its
 * initializer, or nothing where that graph computes it or takes it as an input (a feed may
 * override an initializer listed as one).
 */
function constantIn(graphs: readonly Graph[], name: string): DenseTensor | undefined {
  for (const graph of graphs) {
    const index = new GraphIndex(graph);
    if (index.producer(name) || index.isGraphInput(name)) return undefined;
    const tensor = graph.initializers.get(name);
    if (tensor) return tensor;
  }
  return undefined;
}

/**
 * By node list: lists are immutable, a pass list asks of the same graphs again and again, and
 * a pass that only records types (InferShapes) makes a new graph around the same list.
 */
const opTypesByNodes = new WeakMap<readonly Node[], ReadonlySet<string>>();

/** The op types of a graph's nodes and of its subgraphs' nodes. */
function opTypesIn(graph: Graph): ReadonlySet<string> {
  let ops = opTypesByNodes.get(graph.nodes);
  if (!ops) {
    const found = new Set<string>();
    for (const node of graph.nodes) {
      found.add(node.opType);
      if (hasSubgraphs(node)) for (const sub of subgraphsOf(node)) for (const op of opTypesIn(sub)) found.add(op);
    }
    opTypesByNodes.set(graph.nodes, (ops = found));
  }
  return ops;
}

const subgraphPresence = new WeakMap<readonly Node[], boolean>();

function holdsSubgraphs(graph: Graph): boolean {
  let holds = subgraphPresence.get(graph.nodes);
  if (holds === undefined) subgraphPresence.set(graph.nodes, (holds = graph.nodes.some(hasSubgraphs)));
  return holds;
}

interface VisibleTypes {
  readonly outer: ReadonlyMap<string, ValueType | undefined>;
  readonly inside: ReadonlyMap<string, ValueType | undefined>;
}

const cachedVisibleTypes = new WeakMap<Graph, VisibleTypes>();

/**
 * What a subgraph of `graph` can read: the outer scope plus this graph's own values. Built
 * again only when either changes: every pass visits every subgraph every round.
 */
function typesVisibleInside(graph: Graph, outer: ReadonlyMap<string, ValueType | undefined>): ReadonlyMap<string, ValueType | undefined> {
  const cached = cachedVisibleTypes.get(graph);
  if (cached && sameEntries(cached.outer, outer)) return cached.inside;
  const inside = collectVisibleTypes(graph, outer);
  cachedVisibleTypes.set(graph, { outer, inside });
  return inside;
}

/** Same keys mapped to the same (identical) values. */
function sameEntries<K, V>(a: ReadonlyMap<K, V>, b: ReadonlyMap<K, V>): boolean {
  if (a === b) return true;
  if (a.size !== b.size) return false;
  for (const [key, value] of a) if (b.get(key) !== value || (value === undefined && !b.has(key))) return false;
  return true;
}

function collectVisibleTypes(graph: Graph, outer: ReadonlyMap<string, ValueType | undefined>): Map<string, ValueType | undefined> {
  const types = new Map(outer);
  for (const [name, tensor] of graph.initializers) types.set(name, tensorTypeOf(tensor));
  for (const v of [...graph.inputs, ...graph.outputs]) if (v.type) types.set(v.name, v.type);
  for (const [name, type] of graph.valueInfo) types.set(name, type);
  for (const node of graph.nodes) for (const o of node.outputs) if (o && !types.has(o)) types.set(o, undefined);
  return types;
}

export type NodeVisitor = (node: Node, index: GraphIndex, rewrite: GraphRewrite, scope: GraphScope) => boolean;

/**
 * The usual rewriter: visit every node (in order) against an index of the graph as it was,
 * queueing edits; each visit that returns true counts as one rewrite. Visitors skip nodes an
 * earlier visit already removed. With `startOps`, only nodes of those op types (any domain)
 * are visited: for visitors that return false, changing nothing, on every other node.
 */
export function nodeRewriter(visit: NodeVisitor, startOps?: readonly string[]): GraphRewriter {
  return (graph, scope) => {
    const index = new GraphIndex(graph, scope.outerTypes);
    const rewrite = new GraphRewrite(graph, scope.outerTypes.keys());
    const nodes = startOps ? nodesOfOps(graph.nodes, startOps) : graph.nodes;
    for (const node of nodes) if (!rewrite.isRemoved(node) && visit(node, index, rewrite, scope)) rewrite.rewrites++;
    return rewrite.changed ? { graph: rewrite.apply(), rewrites: rewrite.rewrites } : undefined;
  };
}
