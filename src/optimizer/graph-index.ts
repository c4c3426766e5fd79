/**
 * Who produces and who reads each value of one graph, and what is known of its type: what a
 * rewrite must check before it removes or fuses a node. Uses a rewrite cannot see (graph
 * outputs, reads from inside subgraphs) count as uses, so values with them are never dropped.
 */
import type { Graph, Node } from '../ir/graph.js';
import { hasSubgraphs } from '../ir/subgraphs.js';
import { outerScopeReads } from '../ir/validate.js';
import type { Dim, ValueType } from '../ir/value-type.js';
import type { DenseTensor } from '../tensor/dense-tensor.js';
import type { DataType } from '../tensor/element-type.js';

export type TensorType = Extract<ValueType, { kind: 'tensor' }>;

const tensorTypes = new WeakMap<DenseTensor, TensorType>();

/** One object per tensor, so scopes built again from unchanged graphs compare equal by identity. */
export function tensorTypeOf(tensor: DenseTensor): TensorType {
  let type = tensorTypes.get(tensor);
  if (!type) tensorTypes.set(tensor, (type = { kind: 'tensor', elementType: tensor.type, shape: tensor.dims }));
  return type;
}

/** What an index knows from a graph's node list alone. */
interface NodeFacts {
  readonly producers: ReadonlyMap<string, Node>;
  readonly readers: ReadonlyMap<string, readonly Node[]>;
  readonly implicitReads: ReadonlySet<string>;
}

/** What an index knows from its graph alone. */
interface GraphFacts extends NodeFacts {
  readonly outputNames: ReadonlySet<string>;
  readonly inputNames: ReadonlySet<string>;
  /** Types the graph's inputs and outputs declare. */
  readonly ioTypes: ReadonlyMap<string, ValueType>;
}

/** Graphs are immutable and passes index the same graph again and again (every pass, every round). */
const factsByGraph = new WeakMap<Graph, GraphFacts>();
/**
 * Node lists outlive their graphs: a pass that only records types (InferShapes) or rewrites
 * nothing in a graph's nodes makes a new graph around the same list.
 */
const factsByNodes = new WeakMap<readonly Node[], NodeFacts>();

function factsOf(graph: Graph): GraphFacts {
  let facts = factsByGraph.get(graph);
  if (!facts) factsByGraph.set(graph, (facts = collectFacts(graph)));
  return facts;
}

function nodeFactsOf(nodes: readonly Node[]): NodeFacts {
  let facts = factsByNodes.get(nodes);
  if (!facts) factsByNodes.set(nodes, (facts = collectNodeFacts(nodes)));
  return facts;
}

function collectNodeFacts(nodes: readonly Node[]): NodeFacts {
  const producers = new Map<string, Node>();
  const readers = new Map<string, Node[]>();
  const implicitReads = new Set<string>();
  // Indexed loops: this runs for every new node list, mostly before the JIT optimizes it,
  // where iterators and per-node closures are allocated for real.
  for (let n = 0; n < nodes.length; n++) {
    const node = nodes[n];
    const { inputs, outputs } = node;
    for (let o = 0; o < outputs.length; o++) if (outputs[o]) producers.set(outputs[o], node);
    for (let at = 0; at < inputs.length; at++) {
      const i = inputs[at];
      // Each reader once, however many of its inputs name the value.
      if (!i || inputs.indexOf(i) !== at) continue;
      const list = readers.get(i);
      if (list) list.push(node);
      else readers.set(i, [node]);
    }
    if (hasSubgraphs(node)) for (const name of outerScopeReads(node)) implicitReads.add(name);
  }
  return { producers, readers, implicitReads };
}

function collectFacts(graph: Graph): GraphFacts {
  const ioTypes = new Map<string, ValueType>();
  for (const v of graph.inputs) if (v.type) ioTypes.set(v.name, v.type);
  for (const v of graph.outputs) if (v.type) ioTypes.set(v.name, v.type);
  return {
    ...nodeFactsOf(graph.nodes),
    outputNames: new Set(graph.outputs.map((o) => o.name)),
    inputNames: new Set(graph.inputs.map((i) => i.name)),
    ioTypes,
  };
}

export class GraphIndex {
  private readonly producers: ReadonlyMap<string, Node>;
  private readonly readers: ReadonlyMap<string, readonly Node[]>;
  private readonly implicitReads: ReadonlySet<string>;
  private readonly outputNames: ReadonlySet<string>;
  private readonly inputNames: ReadonlySet<string>;
  private readonly ioTypes: ReadonlyMap<string, ValueType>;

  constructor(readonly graph: Graph, private readonly outerTypes: ReadonlyMap<string, ValueType | undefined> = new Map()) {
    const facts = factsOf(graph);
    this.producers = facts.producers;
    this.readers = facts.readers;
    this.implicitReads = facts.implicitReads;
    this.outputNames = facts.outputNames;
    this.inputNames = facts.inputNames;
    this.ioTypes = facts.ioTypes;
  }

  producer(name: string): Node | undefined {
    return this.producers.get(name);
  }

  /** Nodes that list `name` among their inputs, each once. */
  consumers(name: string): readonly Node[] {
    return this.readers.get(name) ?? [];
  }

  isGraphOutput(name: string): boolean {
    return this.outputNames.has(name);
  }

  isGraphInput(name: string): boolean {
    return this.inputNames.has(name);
  }

  /** Listed as a graph output or read by a subgraph: uses outside the node lists. */
  hasHiddenUses(name: string): boolean {
    return this.outputNames.has(name) || this.implicitReads.has(name);
  }

  isUsed(name: string): boolean {
    return this.hasHiddenUses(name) || this.readers.has(name);
  }

  /** `node` is the only reader of `name` (it may read it more than once). */
  onlyConsumerIs(name: string, node: Node): boolean {
    const readers = this.consumers(name);
    return !this.hasHiddenUses(name) && readers.length === 1 && readers[0] === node;
  }

  /** The single node reading `name`, when there is exactly one and nothing else uses it. */
  onlyConsumer(name: string): Node | undefined {
    const readers = this.consumers(name);
    return readers.length === 1 && !this.hasHiddenUses(name) ? readers[0] : undefined;
  }

  /** An initializer the caller cannot override (one also listed as a graph input can be fed). */
  constant(name: string): DenseTensor | undefined {
    return this.inputNames.has(name) ? undefined : this.graph.initializers.get(name);
  }

  /** The graph's own declarations first (value_info, then inputs and outputs, then initializers), the outer scope's after. */
  type(name: string): ValueType | undefined {
    const { graph } = this;
    const own = graph.valueInfo.get(name) ?? this.ioTypes.get(name);
    if (own) return own;
    const initializer = graph.initializers.get(name);
    return initializer ? tensorTypeOf(initializer) : this.outerTypes.get(name);
  }

  tensorType(name: string): TensorType | undefined {
    const type = this.type(name);
    return type?.kind === 'tensor' ? type : undefined;
  }

  elementType(name: string): DataType | undefined {
    return this.tensorType(name)?.elementType;
  }

  shape(name: string): readonly Dim[] | undefined {
    return this.tensorType(name)?.shape;
  }

  rank(name: string): number | undefined {
    return this.shape(name)?.length;
  }

  /** The shape when every dim is a number. */
  staticShape(name: string): readonly number[] | undefined {
    const shape = this.shape(name);
    return shape?.every((d): d is number => typeof d === 'number') ? shape : undefined;
  }
}
