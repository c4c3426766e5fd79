/**
 * Replaces calls to functions by the functions' bodies, so a function op runs on the day it
 * appears in a model: a model-local function, or an ai.onnx operator that ONNX defines as a
 * function (src/onnx-functions) when no kernel serves it at the model's opset. Values inside a
 * body (its subgraphs included) get names unique to the call, attribute references take the
 * caller's attribute (or the function's default), and bodies that call other functions are
 * expanded in turn. An op with a kernel of its own keeps that kernel.
 */
import { GraphValidationError } from '../errors/errors.js';
import { functionKey, type Attribute, type FunctionDef, type Graph, type Model, type Node } from '../ir/graph.js';
import { mapSubgraphs } from '../ir/subgraphs.js';
import type { ValueType } from '../ir/value-type.js';
import type { KernelRegistry } from '../kernels/registry.js';
import { standardFunctionBody, type DeclaredTypes } from '../onnx-functions/lookup.js';

const MAX_DEPTH = 32;

class Inliner {
  private calls = 0;

  constructor(
    private readonly functions: ReadonlyMap<string, FunctionDef>,
    private readonly registry: KernelRegistry,
    private readonly opsets: ReadonlyMap<string, number>,
  ) {}

  graph(graph: Graph, outer: DeclaredTypes = () => undefined): Graph {
    const declared = declaredTypes(graph, outer);
    const nodes = graph.nodes.flatMap((n) => this.node(n, 0, declared));
    return nodes.length === graph.nodes.length && nodes.every((n, i) => n === graph.nodes[i]) ? graph : { ...graph, nodes };
  }

  private bodyFor(node: Node, declared: DeclaredTypes): FunctionDef | undefined {
    const local = this.functions.get(functionKey(node.domain, node.opType));
    if (local) return this.registry.has(node.domain, node.opType) ? undefined : local;
    const opset = this.opsets.get(node.domain);
    if (opset === undefined || this.registry.serves(node.domain, node.opType, opset)) return undefined;
    return standardFunctionBody(node, opset, declared);
  }

  private node(node: Node, depth: number, declared: DeclaredTypes): Node[] {
    const fn = this.bodyFor(node, declared);
    if (!fn) return [mapSubgraphs(node, (g) => this.graph(g, declared))];
    if (depth >= MAX_DEPTH) {
      throw new GraphValidationError(`function '${fn.name}' calls itself (directly or through others) more than ${MAX_DEPTH} levels deep`, node);
    }
    const call = this.calls++;
    const prefix = `${node.name || fn.name}/`;
    const rename = new Map<string, string>();
    fn.inputs.forEach((name, i) => rename.set(name, node.inputs[i] ?? ''));
    fn.outputs.forEach((name, i) => rename.set(name, node.outputs[i] ?? ''));
    const local = (name: string): string => {
      if (name === '') return '';
      let renamed = rename.get(name);
      if (renamed === undefined) {
        renamed = `${prefix}${fn.name}#${call}/${name}`;
        rename.set(name, renamed);
      }
      return renamed;
    };
    const instantiate = (bodyNode: Node): Node => ({
      ...bodyNode,
      name: `${prefix}${bodyNode.name || bodyNode.opType}#${call}`,
      inputs: bodyNode.inputs.map(local),
      outputs: bodyNode.outputs.map(local),
      attributes: resolveAttributes(bodyNode.attributes, (name) => node.attributes.get(name) ?? fn.attributeDefaults.get(name), (g) => ({
        ...g,
        inputs: g.inputs.map((v) => ({ ...v, name: local(v.name) })),
        outputs: g.outputs.map((v) => ({ ...v, name: local(v.name) })),
        nodes: g.nodes.map(instantiate),
      })),
    });
    return fn.nodes.flatMap((bodyNode) => this.node(instantiate(bodyNode), depth + 1, declared));
  }
}

/** The types `graph` declares (inputs, outputs, value_info, initializers), then `outer`'s. */
function declaredTypes(graph: Graph, outer: DeclaredTypes): DeclaredTypes {
  const types = new Map<string, ValueType>();
  for (const v of [...graph.inputs, ...graph.outputs]) if (v.type) types.set(v.name, v.type);
  for (const [name, type] of graph.valueInfo) types.set(name, type);
  for (const [name, t] of graph.initializers) types.set(name, { kind: 'tensor', elementType: t.type, shape: t.dims });
  return (name) => types.get(name) ?? outer(name);
}

/** Attribute references resolved through `lookup` (dropped when it has none); subgraphs through `graph`. */
function resolveAttributes(
  body: ReadonlyMap<string, Attribute>,
  lookup: (name: string) => Attribute | undefined,
  graph: (g: Graph) => Graph,
): Map<string, Attribute> {
  const resolved = new Map<string, Attribute>();
  for (const [name, a] of body) {
    if (a.type === 'reference') {
      const value = lookup(a.value);
      if (value !== undefined) resolved.set(name, value);
    } else if (a.type === 'graph') {
      resolved.set(name, { type: 'graph', value: graph(a.value) });
    } else if (a.type === 'graphs') {
      resolved.set(name, { type: 'graphs', value: a.value.map(graph) });
    } else {
      resolved.set(name, a);
    }
  }
  return resolved;
}

/**
 * The model with every call to a function that no kernel serves expanded: model-local functions,
 * and ai.onnx operators with a standard function body at the model's opset.
 */
export function inlineModelFunctions(model: Model, registry: KernelRegistry): Model {
  const graph = new Inliner(model.functions, registry, model.opsetImports).graph(model.graph);
  if (graph === model.graph) return model;
  const opsetImports = new Map(model.opsetImports);
  for (const fn of model.functions.values()) {
    for (const [domain, version] of fn.opsetImports) if (!opsetImports.has(domain)) opsetImports.set(domain, version);
  }
  return { ...model, graph, opsetImports };
}
