/**
 * A Model as a plain, JSON-ready object: where it came from, its interface, what ops it uses
 * (inside subgraphs and model-local functions too) and which of them the registry can run,
 * and how big its weights are.
 */
import { functionKey, type Graph, type Model, type Node } from '../ir/graph.js';
import { formatValueType, type ValueType } from '../ir/value-type.js';
import type { KernelRegistry } from '../kernels/registry.js';
import type { DenseTensor } from '../tensor/dense-tensor.js';
import { wireBitsOf } from '../tensor/element-type.js';
import { subgraphsOf } from '../ir/subgraphs.js';

export interface ModelValueInfo {
  readonly name: string;
  /** The whole type as text, e.g. float32[batch,3,?]. */
  readonly type: string;
  /** Tensor element type; null for other kinds or when undeclared. */
  readonly elementType: string | null;
  /** Dims as numbers, symbolic names, or null when unknown; null when the rank is unknown. */
  readonly shape: readonly (number | string | null)[] | null;
}

export interface OpUsage {
  /** `domain:opType`, with ai.onnx spelled out. */
  readonly op: string;
  readonly domain: string;
  readonly opType: string;
  /** Nodes in the main graph. */
  readonly count: number;
  /** Nodes in subgraphs (If/Loop/Scan bodies) at any depth, of the main graph or of functions. */
  readonly inSubgraphs: number;
  /** Nodes in the top level of model-local function bodies. */
  readonly inFunctions: number;
  /** Whether the kernel registry has a kernel for this op (at some opset). */
  readonly kernel: boolean;
  /** Whether the op is a call to one of the model's local functions. */
  readonly localFunction: boolean;
}

export interface ModelSummary {
  readonly producer: { readonly name: string; readonly version: string };
  readonly irVersion: number;
  readonly domain: string;
  readonly modelVersion: number;
  readonly graphName: string;
  readonly metadata: Readonly<Record<string, string>>;
  readonly opsets: readonly { readonly domain: string; readonly version: number }[];
  readonly functions: readonly { readonly domain: string; readonly name: string; readonly inputs: readonly string[]; readonly outputs: readonly string[]; readonly nodes: number }[];
  /** Graph inputs the caller must feed (those without an initializer). */
  readonly inputs: readonly ModelValueInfo[];
  readonly outputs: readonly ModelValueInfo[];
  readonly nodes: { readonly graph: number; readonly subgraphs: number; readonly functions: number };
  /** Most used first. */
  readonly ops: readonly OpUsage[];
  /** `domain:opType` of ops with neither a kernel nor a local function. */
  readonly unsupportedOps: readonly string[];
  /** Over the main graph and all subgraphs; `overridable` counts those also listed as graph inputs. */
  readonly initializers: { readonly count: number; readonly parameters: number; readonly bytes: number; readonly overridable: number };
}

type Place = 'count' | 'inSubgraphs' | 'inFunctions';

function displayDomain(domain: string): string {
  return domain === '' ? 'ai.onnx' : domain;
}

function valueInfo(name: string, type: ValueType | undefined): ModelValueInfo {
  const tensor = type?.kind === 'tensor' || type?.kind === 'sparse-tensor' ? type : undefined;
  return {
    name,
    type: formatValueType(type),
    elementType: tensor?.elementType ?? null,
    shape: tensor?.shape?.map((d) => d ?? null) ?? null,
  };
}


const utf8 = new TextEncoder();

function tensorBytes(t: DenseTensor): number {
  if (t.type === 'string') return (t.data as string[]).reduce((sum, s) => sum + utf8.encode(s).length, 0);
  return Math.ceil((t.size * wireBitsOf(t.type)) / 8);
}

export function summarizeModel(model: Model, registry: KernelRegistry): ModelSummary {
  const usage = new Map<string, { domain: string; opType: string; count: number; inSubgraphs: number; inFunctions: number }>();
  const initializers = { count: 0, parameters: 0, bytes: 0, overridable: 0 };

  const visitNodes = (nodes: readonly Node[], place: Place): void => {
    for (const node of nodes) {
      const key = functionKey(node.domain, node.opType);
      const entry = usage.get(key) ?? { domain: node.domain, opType: node.opType, count: 0, inSubgraphs: 0, inFunctions: 0 };
      entry[place]++;
      usage.set(key, entry);
      for (const sub of subgraphsOf(node)) visitGraph(sub, 'inSubgraphs');
    }
  };
  const visitGraph = (graph: Graph, place: Place): void => {
    for (const t of graph.initializers.values()) {
      initializers.count++;
      initializers.parameters += t.size;
      initializers.bytes += tensorBytes(t);
    }
    initializers.overridable += graph.inputs.filter((i) => graph.initializers.has(i.name)).length;
    visitNodes(graph.nodes, place);
  };
  visitGraph(model.graph, 'count');
  for (const f of model.functions.values()) visitNodes(f.nodes, 'inFunctions');

  const ops: OpUsage[] = [...usage.values()].map((u) => ({
    op: `${displayDomain(u.domain)}:${u.opType}`,
    ...u,
    domain: displayDomain(u.domain),
    kernel: registry.has(u.domain, u.opType),
    localFunction: model.functions.has(functionKey(u.domain, u.opType)),
  }));
  const total = (o: OpUsage): number => o.count + o.inSubgraphs + o.inFunctions;
  ops.sort((a, b) => total(b) - total(a) || a.op.localeCompare(b.op));
  const nodes = { graph: 0, subgraphs: 0, functions: 0 };
  for (const o of ops) {
    nodes.graph += o.count;
    nodes.subgraphs += o.inSubgraphs;
    nodes.functions += o.inFunctions;
  }

  return {
    producer: { name: model.producerName, version: model.producerVersion },
    irVersion: model.irVersion,
    domain: model.domain,
    modelVersion: model.modelVersion,
    graphName: model.graph.name,
    metadata: Object.fromEntries(model.metadata),
    opsets: [...model.opsetImports].map(([domain, version]) => ({ domain: displayDomain(domain), version })),
    functions: [...model.functions.values()].map((f) => ({
      domain: displayDomain(f.domain), name: f.name, inputs: f.inputs, outputs: f.outputs, nodes: f.nodes.length,
    })),
    inputs: model.graph.inputs.filter((i) => !model.graph.initializers.has(i.name)).map((i) => valueInfo(i.name, i.type)),
    outputs: model.graph.outputs.map((o) => valueInfo(o.name, o.type)),
    nodes,
    ops,
    unsupportedOps: ops.filter((o) => !o.kernel && !o.localFunction).map((o) => o.op),
    initializers,
  };
}
