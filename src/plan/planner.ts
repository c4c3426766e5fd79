/**
 * Graph -> ExecutionPlan: orders the nodes, gives every value an integer slot, chooses the
 * kernels that can serve each node's opset, parses attributes once, compiles subgraphs with
 * their outer-scope bindings, and computes where each value is last read so the executor can
 * drop it there.
 */
import { KernelInputError, NodeError, OnnxTsError } from '../errors/errors.js';
import type { Graph, Node } from '../ir/graph.js';
import { freeNamesOf, outerScopeReads, validateAndOrder } from '../ir/validate.js';
import { AttributeReader } from '../kernels/attributes.js';
import type { PlanTimeContext, SubgraphHandle } from '../kernels/kernel.js';
import type { KernelRegistry } from '../kernels/registry.js';
import type { CompiledSubgraph, ExecutionPlan, PlannedInput, PlannedKernel, PlannedStep } from './execution-plan.js';

export interface PlanOptions {
  readonly registry: KernelRegistry;
  /** Domain -> opset version, from the model's opset_import. */
  readonly opsets: ReadonlyMap<string, number>;
}

class SlotTable {
  readonly names: string[] = [];
  private readonly byName = new Map<string, number>();

  slot(name: string): number {
    let s = this.byName.get(name);
    if (s === undefined) {
      s = this.names.length;
      this.names.push(name);
      this.byName.set(name, s);
    }
    return s;
  }

  find(name: string): number | undefined {
    return this.byName.get(name);
  }
}

function opsetFor(node: Node, opsets: ReadonlyMap<string, number>): number {
  const version = opsets.get(node.domain);
  if (version === undefined) {
    throw new NodeError(
      `the model imports no opset for domain '${node.domain || 'ai.onnx'}' (opset_import lists ${[...opsets.keys()].map((d) => d || 'ai.onnx').join(', ')})`,
      { name: node.name, opType: node.opType, domain: node.domain },
    );
  }
  return version;
}

export function planGraph(graph: Graph, options: PlanOptions, outerScope: ReadonlySet<string> = new Set()): ExecutionPlan {
  const order = validateAndOrder(graph, outerScope);
  return buildPlan(graph, order, options, new SlotTable(), outerScope);
}

function buildPlan(
  graph: Graph,
  order: readonly Node[],
  options: PlanOptions,
  slots: SlotTable,
  outerScope: ReadonlySet<string>,
): ExecutionPlan {
  const inputNames = new Set(graph.inputs.map((i) => i.name));
  const inputs: PlannedInput[] = graph.inputs.map((i) => ({
    name: i.name,
    slot: slots.slot(i.name),
    type: i.type,
    defaultValue: graph.initializers.get(i.name),
  }));
  const constants = [...graph.initializers]
    .filter(([name]) => !inputNames.has(name))
    .map(([name, value]) => ({ slot: slots.slot(name), value }));
  // Outer-scope names get slots too; the executor fills them from the enclosing frame.
  const free = outerScope.size > 0 ? freeNamesOf(graph) : new Set<string>();
  for (const name of outerScope) if (free.has(name)) slots.slot(name);

  const visible = new Set<string>([...outerScope, ...inputNames, ...graph.initializers.keys()]);
  for (const n of order) for (const o of n.outputs) if (o) visible.add(o);
  const steps = order.map((node) => planStep(node, options, slots, visible));
  const outputs = graph.outputs.map((o) => ({ name: o.name, slot: slots.slot(o.name), type: o.type }));

  const lastUse = new Map<number, number>();
  order.forEach((node, index) => {
    const reads = [...node.inputs.filter((i) => i !== ''), ...outerScopeReads(node)];
    for (const name of reads) {
      const s = slots.find(name);
      if (s !== undefined) lastUse.set(s, index);
    }
  });
  const kept = new Set(outputs.map((o) => o.slot));
  const releaseLists = order.map(() => [] as number[]);
  for (const [slot, index] of lastUse) if (!kept.has(slot)) releaseLists[index].push(slot);
  const finalSteps = steps.map((s, i) => ({ ...s, release: Int32Array.from(releaseLists[i]) }));

  return { slotCount: slots.names.length, slotNames: slots.names, inputs, outputs, constants, steps: finalSteps };

}

function planStep(node: Node, opts: PlanOptions, table: SlotTable, visible: ReadonlySet<string>): Omit<PlannedStep, 'release'> {
    const opset = opsetFor(node, opts.opsets);
    const context = { name: node.name, opType: node.opType, domain: node.domain, opset, output: node.outputs.find((o) => o !== '') };
    const planTime: PlanTimeContext = {
      node: context,
      opset,
      outputCount: node.outputs.length,
      subgraph: (sub: Graph): SubgraphHandle => compileSubgraph(sub, opts, visible, table),
    };
    const candidates: PlannedKernel[] = opts.registry.candidates(context, opset).map((kernel) => {
      try {
        const attributes = kernel.parseAttributes ? kernel.parseAttributes(new AttributeReader(node.attributes), planTime) : undefined;
        return { kernel, attributes };
      } catch (error) {
        if (error instanceof KernelInputError) throw new NodeError(error.message, context, { cause: error });
        if (error instanceof OnnxTsError) throw error;
        throw new NodeError(`invalid attributes: ${(error as Error).message}`, context, { cause: error });
      }
    });
    const slotOrNone = (name: string): number => (name === '' ? -1 : table.slot(name));
    return {
      node: context,
      candidates,
      inputs: Int32Array.from(node.inputs.map(slotOrNone)),
      outputs: Int32Array.from(node.outputs.map(slotOrNone)),
    };
}

function compileSubgraph(graph: Graph, options: PlanOptions, visible: ReadonlySet<string>, outer: SlotTable): CompiledSubgraph {
  const free = freeNamesOf(graph);
  const reads = new Set([...free].filter((n) => visible.has(n)));
  for (const name of free) {
    if (!reads.has(name)) {
      throw new OnnxTsError(`subgraph '${graph.name}' reads '${name}', which no enclosing graph defines`);
    }
  }
  const order = validateAndOrder(graph, reads);
  const table = new SlotTable();
  const plan = buildPlan(graph, order, options, table, reads);
  const outerBindings = [...reads].map((name) => ({ innerSlot: table.slot(name), outerSlot: outer.slot(name) }));
  return { graph, plan, outerBindings };
}
