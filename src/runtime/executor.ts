/**
 * Walks an ExecutionPlan: fills a frame of slots with constants, outer-scope values and feeds,
 * runs each step's kernel (chosen by the runtime input types among the plan's candidates),
 * stores outputs and drops every value after its last reader. Each call has its own frame, so
 * concurrent runs on one plan never share mutable state; the RunMemory a run brings (its
 * activation arena) is its own too.
 */
import { KernelInputError, NodeError, OnnxTsError } from '../errors/errors.js';
import type { KernelContext, KernelDefinition, SubgraphHandle } from '../kernels/kernel.js';
import { DenseTensor } from '../tensor/dense-tensor.js';
import type { KernelRegistry } from '../kernels/registry.js';
import type { CompiledSubgraph, ExecutionPlan, PlannedKernel, PlannedStep } from '../plan/execution-plan.js';
import type { DataType } from '../tensor/element-type.js';
import type { Shape } from '../tensor/shape.js';
import type { Value } from '../tensor/value.js';
import { withIntraOpThreads } from '../backends/threads/intra-op.js';
import type { RunMemory } from './memory/run-memory.js';
import { ELEMENTWISE } from '../plan/memory-plan.js';

export interface StepObserver {
  /** Called after every step that ran (subgraph steps included), with its start and end in performance.now() milliseconds. */
  onStep(step: PlannedStep, inputs: readonly (Value | undefined)[], outputs: readonly (Value | undefined)[], startMs: number, endMs: number): void;
}

export interface ExecuteOptions {
  readonly registry: KernelRegistry;
  readonly observer?: StepObserver;
  /** Checked between steps; a terminated run stops with this error. */
  readonly shouldStop?: () => Error | undefined;
  /** Threads each kernel's GEMMs may use (1 when absent). */
  readonly intraOpThreads?: number;
  /**
   * Where the top-level graph's kernels get output storage (KernelContext.allocate) and hears
   * which values are held; fresh arrays when absent. Subgraphs always allocate on their own:
   * a branch or iteration count can differ between runs with the same input shapes.
   */
  readonly memory?: RunMemory;
  /**
   * Constants of the enclosing graphs, for a subgraph: a Loop body that reads the outer graph's
   * weights sees them as constants, so the GEMM keeps them packed across iterations and runs.
   */
  readonly isOuterConstant?: (value: Value) => boolean;
}

type Frame = (Value | undefined)[];

function elementTypeOf(value: Value | undefined): DataType | undefined {
  return value?.kind === 'tensor' ? value.type : undefined;
}

const selectionCache = new WeakMap<PlannedStep, { key: string; chosen: PlannedKernel }>();

function chooseKernel(step: PlannedStep, inputs: readonly (Value | undefined)[], registry: KernelRegistry): PlannedKernel {
  if (step.candidates.length === 1 && !step.candidates[0].kernel.typeConstraints) return step.candidates[0];
  const types = inputs.map(elementTypeOf);
  const key = types.join(',');
  const cached = selectionCache.get(step);
  if (cached && cached.key === key) return cached.chosen;
  const kernel: KernelDefinition = registry.select(step.candidates.map((c) => c.kernel), types, step.node);
  const chosen = step.candidates.find((c) => c.kernel === kernel) as PlannedKernel;
  selectionCache.set(step, { key, chosen });
  return chosen;
}

const constantsOfPlan = new WeakMap<ExecutionPlan, WeakSet<Value>>();

/** The plan's constants, as a set built once per plan. */
function constantsOf(plan: ExecutionPlan): WeakSet<Value> {
  let constants = constantsOfPlan.get(plan);
  if (!constants) constantsOfPlan.set(plan, (constants = new WeakSet(plan.constants.map((c) => c.value))));
  return constants;
}

function isPromise<T>(value: unknown): value is Promise<T> {
  return typeof (value as Promise<T> | undefined)?.then === 'function';
}

export async function execute(
  plan: ExecutionPlan,
  feeds: ReadonlyMap<number, Value>,
  options: ExecuteOptions,
  outer?: { frame: Frame; bindings: CompiledSubgraph['outerBindings'] },
): Promise<(Value | undefined)[]> {
  const frame: Frame = new Array(plan.slotCount);
  for (const c of plan.constants) frame[c.slot] = c.value;
  for (const input of plan.inputs) if (input.defaultValue) frame[input.slot] = input.defaultValue;
  if (outer) for (const b of outer.bindings) frame[b.innerSlot] = outer.frame[b.outerSlot];
  for (const [slot, value] of feeds) frame[slot] = value;
  const memory = outer ? undefined : options.memory;
  const constants = constantsOf(plan);
  const isOuterConstant = options.isOuterConstant;
  const isConstant = (value: Value): boolean => constants.has(value) || (isOuterConstant?.(value) ?? false);
  const subgraphOptions: ExecuteOptions = { ...options, memory: undefined, isOuterConstant: isConstant };

  for (let index = 0; index < plan.steps.length; index++) {
    const step = plan.steps[index];
    const stop = options.shouldStop?.();
    if (stop) throw stop;
    const inputs = Array.from(step.inputs, (s) => (s < 0 ? undefined : frame[s]));
    const chosen = chooseKernel(step, inputs, options.registry);
    let ordinal = 0;
    if (memory) {
      const dying = Array.from(step.release, (slot) => frame[slot]).filter((v): v is Value => v !== undefined);
      memory.beginStep(index, step.node.domain === '' && ELEMENTWISE.has(step.node.opType), dying);
    }
    const context: KernelContext = {
      node: step.node,
      opset: step.node.opset,
      runSubgraph: (handle: SubgraphHandle, subInputs) => runSubgraph(handle as CompiledSubgraph, subInputs, frame, subgraphOptions),
      allocate: memory
        ? (type: DataType, dims: Shape) => memory.allocate(index, ordinal++, type, dims)
        : (type: DataType, dims: Shape) => DenseTensor.zeros(type, dims),
      isConstant,
    };
    const startMs = options.observer ? performance.now() : 0;
    let outputs: (Value | undefined)[];
    try {
      const result = withIntraOpThreads(options.intraOpThreads ?? 1, () => chosen.kernel.run(inputs, chosen.attributes, context));
      outputs = isPromise<(Value | undefined)[]>(result) ? await result : result;
    } catch (error) {
      throw asNodeError(error, step);
    }
    options.observer?.onStep(step, inputs, outputs, startMs, performance.now());
    for (let i = 0; i < step.outputs.length; i++) {
      const slot = step.outputs[i];
      if (slot < 0) continue;
      if (outputs[i] === undefined) {
        throw new NodeError(`the kernel produced no value for output ${i} ('${plan.slotNames[slot]}')`, step.node);
      }
      frame[slot] = outputs[i];
      memory?.hold(outputs[i] as Value);
    }
    for (const slot of step.release) {
      const released = frame[slot];
      if (memory && released) memory.drop(released, index);
      frame[slot] = undefined;
    }
    memory?.endStep(index);
  }
  const outputs = plan.outputs.map((o) => frame[o.slot]);
  return memory ? memory.finish(outputs) : outputs;
}

function runSubgraph(
  handle: CompiledSubgraph,
  inputs: readonly (Value | undefined)[],
  frame: Frame,
  options: ExecuteOptions,
): Promise<Value[]> {
  const feeds = new Map<number, Value>();
  handle.plan.inputs.forEach((input, i) => {
    const v = inputs[i];
    if (v !== undefined) feeds.set(input.slot, v);
  });
  return execute(handle.plan, feeds, options, { frame, bindings: handle.outerBindings }).then((outputs) =>
    outputs.map((v, i) => {
      if (v === undefined) throw new OnnxTsError(`subgraph '${handle.graph.name}' produced no value for output '${handle.plan.outputs[i].name}'`);
      return v;
    }),
  );
}

function asNodeError(error: unknown, step: PlannedStep): Error {
  if (error instanceof NodeError) return error;
  if (error instanceof KernelInputError || error instanceof RangeError || error instanceof TypeError) {
    return new NodeError(error.message, step.node, { cause: error });
  }
  if (error instanceof OnnxTsError) return error;
  return new NodeError(`kernel failed: ${(error as Error)?.message ?? String(error)}`, step.node, { cause: error });
}
