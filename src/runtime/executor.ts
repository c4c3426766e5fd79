/**
 * Walks an ExecutionPlan: fills a frame of slots with constants, outer-scope values and feeds,
 * runs each step's kernel (chosen by the runtime input types among the plan's candidates),
 * stores outputs and drops every value after its last reader. Each call has its own frame, so
 * concurrent runs on one plan never share mutable state; the RunMemory a run brings (its
 * activation arena) is its own too.
 */
import { KernelInputError, NodeError, OnnxTsError } from '../errors/errors.js';
import type { KernelContext, KernelDefinition, KernelResult, SubgraphHandle } from '../kernels/kernel.js';
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

/** What the executor keeps per step of a plan between runs: facts of the plan, and the kernel last chosen. */
interface StepState {
  /** Whether an output may take over a dying input's storage (memory-plan.ts ELEMENTWISE). */
  readonly inPlace: boolean;
  /** Whether the step always runs its first candidate, whatever its input types. */
  readonly fixed: boolean;
  readonly opset: number;
  /**
   * The step's input, output and release slots (-1: omitted) as plain arrays: the plan's
   * Int32Arrays cost a length check each time they are read, and the executor reads them at
   * every step of every run.
   */
  readonly inputs: readonly number[];
  readonly outputs: readonly number[];
  readonly release: readonly number[];
  /** The input element types the kernel below was chosen for. */
  types: (DataType | undefined)[] | undefined;
  chosen: PlannedKernel;
}

const stepStates = new WeakMap<ExecutionPlan, StepState[]>();

function stepStatesOf(plan: ExecutionPlan): StepState[] {
  let states = stepStates.get(plan);
  if (!states) {
    states = plan.steps.map((step) => ({
      inPlace: step.node.domain === '' && ELEMENTWISE.has(step.node.opType),
      fixed: step.candidates.length === 1 && !step.candidates[0].kernel.typeConstraints,
      opset: step.node.opset,
      inputs: Array.from(step.inputs),
      outputs: Array.from(step.outputs),
      release: Array.from(step.release),
      types: undefined,
      chosen: step.candidates[0],
    }));
    stepStates.set(plan, states);
  }
  return states;
}

function sameTypes(types: readonly (DataType | undefined)[], inputs: readonly (Value | undefined)[]): boolean {
  if (types.length !== inputs.length) return false;
  for (let i = 0; i < types.length; i++) {
    const value = inputs[i];
    if (types[i] !== (value?.kind === 'tensor' ? value.type : undefined)) return false;
  }
  return true;
}

/** The candidate for these input types: the registry's choice, asked again only when the types change. */
function chooseKernel(step: PlannedStep, state: StepState, inputs: readonly (Value | undefined)[], registry: KernelRegistry): PlannedKernel {
  if (state.fixed || (state.types && sameTypes(state.types, inputs))) return state.chosen;
  const types = inputs.map((value) => (value?.kind === 'tensor' ? value.type : undefined));
  const kernel: KernelDefinition = registry.select(step.candidates.map((c) => c.kernel), types, step.node);
  const chosen = step.candidates.find((c) => c.kernel === kernel) as PlannedKernel;
  state.types = types;
  state.chosen = chosen;
  return chosen;
}

const constantsOfPlan = new WeakMap<ExecutionPlan, WeakSet<Value>>();

/** The plan's constants, as a set built once per plan. */
function constantsOf(plan: ExecutionPlan): WeakSet<Value> {
  let constants = constantsOfPlan.get(plan);
  if (!constants) constantsOfPlan.set(plan, (constants = new WeakSet(plan.constants.map((c) => c.value))));
  return constants;
}

const frameTemplates = new WeakMap<ExecutionPlan, Frame>();

/**
 * A frame with the plan's constants and input defaults in place, built once per plan: each run
 * copies it rather than walking the constants (hundreds in a small model, run after run), and
 * every slot holds a value or undefined from the start, so frames are never holey.
 */
function frameTemplateOf(plan: ExecutionPlan): Frame {
  let template = frameTemplates.get(plan);
  if (!template) {
    // Pushed, not new Array(n).fill(): V8 keeps a filled new Array's elements kind holey.
    template = [];
    for (let slot = 0; slot < plan.slotCount; slot++) template.push(undefined);
    for (const c of plan.constants) template[c.slot] = c.value;
    for (const input of plan.inputs) if (input.defaultValue) template[input.slot] = input.defaultValue;
    frameTemplates.set(plan, template);
  }
  return template;
}

function placeFeed(this: Frame, value: Value, slot: number): void {
  this[slot] = value;
}

const NO_VALUES: readonly Value[] = [];

/**
 * The context of whichever step of one execute() call is running: one object per call, not per
 * step, since steps run one after another and a kernel may not keep its context past its return.
 */
class StepContext implements KernelContext {
  node: PlannedStep['node'];
  opset: number;
  step = 0;
  private ordinal = 0;

  constructor(
    first: PlannedStep['node'],
    private readonly memory: RunMemory | undefined,
    private readonly frame: Frame,
    private readonly subgraphOptions: ExecuteOptions,
    readonly isConstant: (value: Value) => boolean,
  ) {
    this.node = first;
    this.opset = first.opset;
  }

  enter(step: number, node: PlannedStep['node'], opset: number): void {
    this.step = step;
    this.node = node;
    this.opset = opset;
    this.ordinal = 0;
  }

  allocate(type: DataType, dims: Shape): DenseTensor {
    return this.memory ? this.memory.allocate(this.step, this.ordinal++, type, dims) : DenseTensor.zeros(type, dims);
  }

  allocateJoined(type: DataType, dims: Shape, parts: readonly DenseTensor[]): DenseTensor {
    return this.memory ? this.memory.allocateJoined(this.step, this.ordinal++, type, dims, parts) : DenseTensor.zeros(type, dims);
  }

  runSubgraph(handle: SubgraphHandle, inputs: readonly (Value | undefined)[]): Value[] | Promise<Value[]> {
    return runSubgraph(handle as CompiledSubgraph, inputs, this.frame, this.subgraphOptions);
  }
}

/** Runs a plan with these feeds (by input slot); the graph outputs in order. */
export async function execute(
  plan: ExecutionPlan,
  feeds: ReadonlyMap<number, Value>,
  options: ExecuteOptions,
): Promise<(Value | undefined)[]> {
  return walkPlan(plan, feeds, options);
}

/**
 * Runs a plan: its outputs, or a promise of them where a kernel went async. A walk whose kernels
 * all return at once (most If branches) returns its outputs at once too, so the If step that
 * ran it continues in the same call rather than after a promise and an await.
 */
function walkPlan(
  plan: ExecutionPlan,
  feeds: ReadonlyMap<number, Value>,
  options: ExecuteOptions,
  outer?: { frame: Frame; bindings: CompiledSubgraph['outerBindings'] },
): (Value | undefined)[] | Promise<(Value | undefined)[]> {
  const frame = frameTemplateOf(plan).slice();
  if (outer) {
    const bindings = outer.bindings;
    for (let i = 0; i < bindings.length; i++) frame[bindings[i].innerSlot] = outer.frame[bindings[i].outerSlot];
  }
  feeds.forEach(placeFeed, frame);
  const memory = outer ? undefined : options.memory;
  if (plan.steps.length === 0) return finishRun(plan, frame, memory);
  const walk = new PlanWalk(plan, frame, memory, options);
  // The walk runs steps synchronously until a kernel returns a promise; only then does the rest
  // wait for it.
  const stopped = walk.runFrom(0);
  if (stopped === plan.steps.length) return finishRun(plan, frame, memory);
  return walkOn(walk, plan, frame, memory, stopped);
}

/** The rest of a walk that stopped at step `first`, whose kernel returned a promise. */
async function walkOn(walk: PlanWalk, plan: ExecutionPlan, frame: Frame, memory: RunMemory | undefined, first: number): Promise<(Value | undefined)[]> {
  for (let index = first; index < plan.steps.length; index = walk.runFrom(index + 1)) {
    let outputs: (Value | undefined)[];
    try {
      // runFrom set it: it stopped short of the end.
      outputs = await (walk.pending as Promise<(Value | undefined)[]>);
    } catch (error) {
      throw asNodeError(error, plan.steps[index]);
    }
    walk.finish(index, outputs);
  }
  return finishRun(plan, frame, memory);
}

/**
 * One walk over a plan's steps. The per-step work lives in these synchronous methods rather
 * than in an async function: with the step loop inside one, execute()
 * ran unoptimized through a session's first runs (gtcrn_stream, 372 steps: marked for
 * optimization at its fifth run, optimized code from its tenth, after 250 ms of compiling on a
 * busy 2-core machine), which made those runs several times slower than later ones.
 */
class PlanWalk {
  private readonly states: StepState[];
  private readonly context: StepContext;
  private readonly threads: number;
  /** The kernel result of the step runFrom stopped at, and what finish() needs of it. */
  pending: Promise<(Value | undefined)[]> | undefined;
  private pendingInputs: readonly (Value | undefined)[] = NO_VALUES;
  private pendingStart = 0;

  constructor(
    private readonly plan: ExecutionPlan,
    private readonly frame: Frame,
    private readonly memory: RunMemory | undefined,
    private readonly options: ExecuteOptions,
  ) {
    const constants = constantsOf(plan);
    const isOuterConstant = options.isOuterConstant;
    const isConstant = (value: Value): boolean => constants.has(value) || (isOuterConstant?.(value) ?? false);
    const subgraphOptions: ExecuteOptions = { ...options, memory: undefined, isOuterConstant: isConstant };
    this.states = stepStatesOf(plan);
    this.context = new StepContext(plan.steps[0].node, memory, frame, subgraphOptions, isConstant);
    this.threads = options.intraOpThreads ?? 1;
  }

  /**
   * Runs steps from `first` on; returns the index of the step whose kernel went async (its result
   * in `pending`), or the step count. The thread count is set once around the synchronous steps
   * rather than per kernel: nothing else runs on this thread until they return.
   */
  runFrom(first: number): number {
    return withIntraOpThreads(this.threads, () => this.runSteps(first));
  }

  private runSteps(first: number): number {
    const { plan, frame, memory, context, states } = this;
    const { steps } = plan;
    const { observer, shouldStop, registry } = this.options;
    for (let index = first; index < steps.length; index++) {
      const step = steps[index];
      const state = states[index];
      const stop = shouldStop?.();
      if (stop) throw stop;
      const inputs = valuesAt(frame, state.inputs);
      const chosen = chooseKernel(step, state, inputs, registry);
      if (memory) memory.beginStep(index, state.inPlace, state.inPlace ? dyingValues(frame, state.release) : NO_VALUES);
      context.enter(index, step.node, state.opset);
      const startMs = observer ? performance.now() : 0;
      let result: KernelResult;
      try {
        result = chosen.kernel.run(inputs, chosen.attributes, context);
      } catch (error) {
        throw asNodeError(error, step);
      }
      if (!Array.isArray(result)) {
        this.pending = result;
        this.pendingInputs = inputs;
        this.pendingStart = startMs;
        return index;
      }
      this.store(index, inputs, result, startMs);
    }
    return steps.length;
  }

  /** Finishes the step runFrom stopped at, with the outputs its promise gave. */
  finish(index: number, outputs: (Value | undefined)[]): void {
    const inputs = this.pendingInputs;
    this.pending = undefined;
    this.pendingInputs = NO_VALUES;
    this.store(index, inputs, outputs, this.pendingStart);
  }

  /** A step's outputs into the frame, and the values it was the last reader of out of it. */
  private store(index: number, inputs: readonly (Value | undefined)[], outputs: (Value | undefined)[], startMs: number): void {
    const { plan, frame, memory } = this;
    const step = plan.steps[index];
    this.options.observer?.onStep(step, inputs, outputs, startMs, performance.now());
    const state = this.states[index];
    const slots = state.outputs;
    for (let i = 0; i < slots.length; i++) {
      const slot = slots[i];
      if (slot < 0) continue;
      const output = outputs[i];
      if (output === undefined) {
        throw new NodeError(`the kernel produced no value for output ${i} ('${plan.slotNames[slot]}')`, step.node);
      }
      frame[slot] = output;
      memory?.hold(output);
    }
    const release = state.release;
    for (let i = 0; i < release.length; i++) {
      const slot = release[i];
      const released = frame[slot];
      if (memory && released) memory.drop(released, index);
      frame[slot] = undefined;
    }
    memory?.endStep(index);
  }
}

function finishRun(plan: ExecutionPlan, frame: Frame, memory: RunMemory | undefined): (Value | undefined)[] {
  const outputs = plan.outputs.map((o) => frame[o.slot]);
  return memory ? memory.finish(outputs) : outputs;
}

/**
 * The frame's values at `slots` (-1: an omitted input). Array literals for the usual few inputs:
 * V8 allocates them inline, where new Array(n) calls into the runtime, and every kernel sees
 * the same packed kind of array.
 */
function valuesAt(frame: Frame, slots: readonly number[]): (Value | undefined)[] {
  switch (slots.length) {
    case 1:
      return [valueAt(frame, slots[0])];
    case 2:
      return [valueAt(frame, slots[0]), valueAt(frame, slots[1])];
    case 3:
      return [valueAt(frame, slots[0]), valueAt(frame, slots[1]), valueAt(frame, slots[2])];
    default: {
      const values: (Value | undefined)[] = [];
      for (let i = 0; i < slots.length; i++) values.push(valueAt(frame, slots[i]));
      return values;
    }
  }
}

function valueAt(frame: Frame, slot: number): Value | undefined {
  return slot < 0 ? undefined : frame[slot];
}

function dyingValues(frame: Frame, slots: readonly number[]): Value[] {
  const values: Value[] = [];
  for (let i = 0; i < slots.length; i++) {
    const value = frame[slots[i]];
    if (value !== undefined) values.push(value);
  }
  return values;
}

function runSubgraph(
  handle: CompiledSubgraph,
  inputs: readonly (Value | undefined)[],
  frame: Frame,
  options: ExecuteOptions,
): Value[] | Promise<Value[]> {
  const plan = handle.plan;
  const feeds = new Map<number, Value>();
  for (let i = 0; i < plan.inputs.length; i++) {
    const v = inputs[i];
    if (v !== undefined) feeds.set(plan.inputs[i].slot, v);
  }
  const outputs = walkPlan(plan, feeds, options, { frame, bindings: handle.outerBindings });
  return Array.isArray(outputs) ? subgraphOutputs(handle, outputs) : outputs.then((values) => subgraphOutputs(handle, values));
}

function subgraphOutputs(handle: CompiledSubgraph, outputs: (Value | undefined)[]): Value[] {
  return outputs.map((v, i) => {
    if (v === undefined) throw new OnnxTsError(`subgraph '${handle.graph.name}' produced no value for output '${handle.plan.outputs[i].name}'`);
    return v;
  });
}

function asNodeError(error: unknown, step: PlannedStep): Error {
  if (error instanceof NodeError) return error;
  if (error instanceof KernelInputError || error instanceof RangeError || error instanceof TypeError) {
    return new NodeError(error.message, step.node, { cause: error });
  }
  if (error instanceof OnnxTsError) return error;
  return new NodeError(`kernel failed: ${(error as Error)?.message ?? String(error)}`, step.node, { cause: error });
}
