/**
 * The graphs a pass has left unchanged, and in what scope. A rewrite reads nothing but its
 * graph and its scope, so the same graph in a scope that answers the same for every name the
 * graph reads from outside is left unchanged again: later rounds over the pass list pass over
 * the subgraphs no pass has changed since, however often the graphs around them change.
 * Names a graph defines itself are its own: ONNX forbids shadowing an outer name (IR.md).
 */
import type { Graph } from '../ir/graph.js';
import { freeNamesOf } from '../ir/validate.js';
import type { ValueType } from '../ir/value-type.js';
import type { DenseTensor } from '../tensor/dense-tensor.js';
import type { GraphScope } from './graph-pass.js';
import { sameType } from './value-types.js';

/**
 * What a scope answered for one graph: only that, not the scope, which holds the enclosing
 * graphs as they were (and their initializers) for as long as the graph lives.
 */
interface ScopeSeen {
  readonly registry: GraphScope['registry'];
  readonly opsets: GraphScope['opsets'];
  readonly freeDimensionOverrides: GraphScope['freeDimensionOverrides'];
  /** By free name, in freeNamesOf order. */
  readonly types: readonly (ValueType | undefined)[];
  readonly constants: readonly (DenseTensor | undefined)[];
}

export class UnchangedGraphs {
  private readonly seen = new WeakMap<Graph, ScopeSeen>();

  has(graph: Graph, scope: GraphScope): boolean {
    const seen = this.seen.get(graph);
    if (!seen || seen.registry !== scope.registry || seen.opsets !== scope.opsets || seen.freeDimensionOverrides !== scope.freeDimensionOverrides) {
      return false;
    }
    let i = 0;
    for (const name of freeNamesOf(graph)) {
      if (!sameType(scope.outerTypes.get(name), seen.types[i]) || scope.outerConstant(name) !== seen.constants[i]) return false;
      i++;
    }
    return true;
  }

  add(graph: Graph, scope: GraphScope): void {
    const free = [...freeNamesOf(graph)];
    this.seen.set(graph, {
      registry: scope.registry,
      opsets: scope.opsets,
      freeDimensionOverrides: scope.freeDimensionOverrides,
      types: free.map((name) => scope.outerTypes.get(name)),
      constants: free.map((name) => scope.outerConstant(name)),
    });
  }
}
