/**
 * Replaces calls to model-local functions by the functions' bodies, so a function op runs on
 * the day it appears in a model: values inside a body get names unique to the call, attribute
 * references take the caller's attribute (or the function's default), and bodies that call
 * other functions are expanded in turn. An op with a kernel of its own keeps that kernel.
 */
import { GraphValidationError } from '../errors/errors.js';
import { functionKey, type Attribute, type FunctionDef, type Graph, type Model, type Node } from '../ir/graph.js';
import { mapSubgraphs } from '../ir/subgraphs.js';
import type { KernelRegistry } from '../kernels/registry.js';

const MAX_DEPTH = 32;

class Inliner {
  private calls = 0;

  constructor(private readonly functions: ReadonlyMap<string, FunctionDef>, private readonly registry: KernelRegistry) {}

  graph(graph: Graph): Graph {
    const nodes = graph.nodes.flatMap((n) => this.node(n, 0));
    return nodes.length === graph.nodes.length && nodes.every((n, i) => n === graph.nodes[i]) ? graph : { ...graph, nodes };
  }

  private node(node: Node, depth: number): Node[] {
    const fn = this.functions.get(functionKey(node.domain, node.opType));
    if (!fn || this.registry.has(node.domain, node.opType)) return [mapSubgraphs(node, (g) => this.graph(g))];
    if (depth >= MAX_DEPTH) {
      throw new GraphValidationError(`function '${fn.name}' calls itself (directly or through others) more than ${MAX_DEPTH} levels deep`, node);
    }
    const call = this.calls++;
    const rename = new Map<string, string>();
    fn.inputs.forEach((name, i) => rename.set(name, node.inputs[i] ?? ''));
    fn.outputs.forEach((name, i) => rename.set(name, node.outputs[i] ?? ''));
    const local = (name: string): string => {
      if (name === '') return '';
      let renamed = rename.get(name);
      if (renamed === undefined) {
        renamed = `${node.name || fn.name}/${fn.name}#${call}/${name}`;
        rename.set(name, renamed);
      }
      return renamed;
    };
    return fn.nodes.flatMap((bodyNode) =>
      this.node({
        ...bodyNode,
        name: `${node.name || fn.name}/${bodyNode.name || bodyNode.opType}#${call}`,
        inputs: bodyNode.inputs.map(local),
        outputs: bodyNode.outputs.map(local),
        attributes: resolveReferences(bodyNode.attributes, node.attributes, fn),
      }, depth + 1));
  }
}

function resolveReferences(
  body: ReadonlyMap<string, Attribute>,
  caller: ReadonlyMap<string, Attribute>,
  fn: FunctionDef,
): Map<string, Attribute> {
  const resolved = new Map<string, Attribute>();
  for (const [name, a] of body) {
    if (a.type !== 'reference') {
      resolved.set(name, a);
      continue;
    }
    const value = caller.get(a.value) ?? fn.attributeDefaults.get(a.value);
    if (value !== undefined) resolved.set(name, value);
  }
  return resolved;
}

/** The model with every call to a model-local function (that no kernel serves) expanded. */
export function inlineModelFunctions(model: Model, registry: KernelRegistry): Model {
  if (model.functions.size === 0) return model;
  const graph = new Inliner(model.functions, registry).graph(model.graph);
  const opsetImports = new Map(model.opsetImports);
  for (const fn of model.functions.values()) {
    for (const [domain, version] of fn.opsetImports) if (!opsetImports.has(domain)) opsetImports.set(domain, version);
  }
  return { ...model, graph, opsetImports };
}
