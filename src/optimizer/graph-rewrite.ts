/**
 * A batch of edits to one graph, applied at once so a pass costs one walk over the nodes:
 * remove or replace nodes (replacements take the replaced node's place in the order), rename
 * values everywhere (subgraphs that read them included), add and drop initializers.
 */
import { GraphValidationError } from '../errors/errors.js';
import type { Graph, Node } from '../ir/graph.js';
import type { ValueType } from '../ir/value-type.js';
import type { DenseTensor } from '../tensor/dense-tensor.js';
import type { GraphIndex } from './graph-index.js';
import { claimFreshName, mapSubgraphs, namesIn } from '../ir/subgraphs.js';
import { freeNamesOf } from '../ir/validate.js';

export class GraphRewrite {
  private readonly removed = new Set<Node>();
  private readonly replaced = new Map<Node, readonly Node[]>();
  private readonly renames = new Map<string, string>();
  private readonly added = new Map<string, DenseTensor>();
  private readonly dropped = new Set<string>();
  private taken: Set<string> | undefined;
  /** Rewrites counted for the report (one per folded node, fused pattern, ...). */
  rewrites = 0;

  constructor(readonly graph: Graph, private readonly outerNames: Iterable<string> = []) {}

  get changed(): boolean {
    return this.removed.size + this.replaced.size + this.renames.size + this.added.size + this.dropped.size > 0;
  }

  isRemoved(node: Node): boolean {
    return this.removed.has(node) || this.replaced.has(node);
  }

  remove(node: Node): void {
    this.removed.add(node);
  }

  /** `node` gives way to `by`, placed where it stood. */
  replace(node: Node, ...by: Node[]): void {
    this.replaced.set(node, by);
  }

  /** Every mention of the value `from` (as an output or an input, here or in subgraphs) becomes `to`. */
  rename(from: string, to: string): void {
    if (from !== to) this.renames.set(from, to);
  }

  /**
   * Removes `node`, whose `output` carries exactly the values of its `input`, by renaming: its
   * readers read the input instead, or, when the output is a graph output (whose name must
   * stay), the input's producer takes the output's name. False when neither is possible.
   */
  bypass(node: Node, input: string, output: string, index: GraphIndex): boolean {
    if (this.isRemoved(node) || this.renames.has(output)) return false;
    if (!index.isGraphOutput(output)) {
      this.remove(node);
      this.rename(output, input);
      return true;
    }
    const producer = index.producer(input);
    if (!producer || this.isRemoved(producer) || this.renames.has(input) || index.isGraphOutput(input)) return false;
    this.remove(node);
    this.rename(input, output);
    return true;
  }

  addInitializer(name: string, tensor: DenseTensor): void {
    this.added.set(name, tensor);
  }

  dropInitializer(name: string): void {
    this.dropped.add(name);
  }

  /** A value name used nowhere in this graph, its subgraphs or the scopes around it. */
  freshName(base: string): string {
    this.taken ??= namesIn(this.graph, new Set(this.outerNames));
    return claimFreshName(this.taken, base);
  }

  apply(): Graph {
    const target = this.resolver();
    // Indexed loops and forEach: this runs for every change of every graph, mostly before the
    // JIT optimizes it, where iterator results and entry pairs are allocated for real.
    const nodes: Node[] = [];
    const listed = this.graph.nodes;
    for (let i = 0; i < listed.length; i++) {
      const node = listed[i];
      if (this.removed.has(node)) continue;
      const replacements = this.replaced.get(node);
      if (!replacements) nodes.push(this.renamed(node, target));
      else for (let r = 0; r < replacements.length; r++) nodes.push(this.renamed(replacements[r], target));
    }
    const produced = new Set<string>();
    for (let i = 0; i < nodes.length; i++) {
      const outputs = nodes[i].outputs;
      for (let o = 0; o < outputs.length; o++) produced.add(outputs[o]);
    }
    const valueInfo = new Map<string, ValueType>();
    this.graph.valueInfo.forEach((type, name) => {
      const to = target(name);
      if (produced.has(to) && !valueInfo.has(to)) valueInfo.set(to, type);
    });
    return { ...this.graph, nodes, initializers: this.initializers(), valueInfo };
  }

  /** The graph's own map when no initializer comes or goes: maps are never modified, only replaced. */
  private initializers(): ReadonlyMap<string, DenseTensor> {
    if (this.added.size === 0 && this.dropped.size === 0) return this.graph.initializers;
    const initializers = new Map([...this.graph.initializers].filter(([name]) => !this.dropped.has(name)));
    for (const [name, tensor] of this.added) initializers.set(name, tensor);
    return initializers;
  }

  /** Follows rename chains (a -> b -> c) to their end. */
  private resolver(): (name: string) => string {
    return (name) => {
      let current = name;
      for (let steps = 0; this.renames.has(current); steps++) {
        if (steps > this.renames.size) throw new GraphValidationError(`optimizer: renaming '${name}' loops`);
        current = this.renames.get(current) as string;
      }
      return current;
    };
  }

  private renamed(node: Node, target: (name: string) => string): Node {
    if (this.renames.size === 0) return node;
    const inputs = node.inputs.map(target);
    const outputs = node.outputs.map(target);
    const withSubgraphs = mapSubgraphs(node, (g) => renameFreeNames(g, target, new Set(), this.renames));
    const same = inputs.every((n, i) => n === node.inputs[i]) && outputs.every((n, i) => n === node.outputs[i]);
    return same && withSubgraphs === node ? node : { ...withSubgraphs, inputs, outputs };
  }
}

/**
 * Renames the names `graph` reads from enclosing scopes; names it defines itself shadow them.
 * A graph that reads none of the renamed names is left as it is without a walk.
 */
function renameFreeNames(
  graph: Graph,
  target: (name: string) => string,
  shadowed: ReadonlySet<string>,
  renames: ReadonlyMap<string, string>,
): Graph {
  if (!readsAny(graph, renames)) return graph;
  const local = new Set(shadowed);
  for (const v of graph.inputs) local.add(v.name);
  for (const name of graph.initializers.keys()) local.add(name);
  for (const n of graph.nodes) for (const o of n.outputs) if (o) local.add(o);
  const rename = (name: string): string => (name === '' || local.has(name) ? name : target(name));
  let changed = false;
  const nodes = graph.nodes.map((n) => {
    const inputs = n.inputs.map(rename);
    const withSubgraphs = mapSubgraphs(n, (g) => renameFreeNames(g, target, local, renames));
    if (withSubgraphs === n && inputs.every((name, i) => name === n.inputs[i])) return n;
    changed = true;
    return { ...withSubgraphs, inputs };
  });
  const outputs = graph.outputs.map((o) => (rename(o.name) === o.name ? o : { ...o, name: rename(o.name) }));
  changed ||= outputs.some((o, i) => o !== graph.outputs[i]);
  return changed ? { ...graph, nodes, outputs } : graph;
}

function readsAny(graph: Graph, names: ReadonlyMap<string, string>): boolean {
  for (const name of freeNamesOf(graph)) if (names.has(name)) return true;
  return false;
}
