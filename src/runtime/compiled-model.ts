/** A model ready to run: its IR, its plan and the registry its kernels come from. */
import type { Model } from '../ir/graph.js';
import type { KernelRegistry } from '../kernels/registry.js';
import type { ExecutionPlan, PlannedInput } from '../plan/execution-plan.js';
import { optimizeModel, type OptimizationLevel } from '../optimizer/optimize-model.js';
import { inlineModelFunctions } from '../plan/inline-functions.js';
import { planGraph } from '../plan/planner.js';
import type { Value } from '../tensor/value.js';
import { releaseResidentPanels, wasmGemmHeap } from '../backends/wasm/wasm-gemm.js';
import { execute, type StepObserver } from './executor.js';
import { ActivationArenas, type ArenaStats } from './memory/activation-arenas.js';

export interface CompileOptions {
  /** As onnxruntime's graphOptimizationLevel; 'all' by default. */
  readonly graphOptimizationLevel?: OptimizationLevel;
  readonly disabledPasses?: readonly string[];
  readonly freeDimensionOverrides?: Readonly<Record<string, number>>;
  /**
   * Whether runs take kernel outputs from an activation arena laid out per input-shape
   * signature (true by default); off, every output gets an array of its own.
   */
  readonly activationArena?: boolean;
  /**
   * Whether initializers that are also graph inputs become constants, so they fold into the
   * kernels' weights (OptimizeOptions.freezeInitializerInputs). A model compiled this way
   * cannot take a feed for them.
   */
  readonly freezeInitializerInputs?: boolean;
}

/** Arenas of models nobody releases go back to the shared heap once the model is collected. */
const abandonedArenas = new FinalizationRegistry<ActivationArenas>((arenas) => arenas.dispose());

export class CompiledModel {
  private readonly arenas: ActivationArenas | undefined;
  private readonly inputSlots: readonly number[];
  readonly inputsByName: ReadonlyMap<string, PlannedInput>;

  private constructor(
    readonly model: Model,
    readonly plan: ExecutionPlan,
    private readonly registry: KernelRegistry,
    activationArena: boolean,
  ) {
    this.inputSlots = plan.inputs.map((i) => i.slot);
    this.inputsByName = new Map(plan.inputs.map((i) => [i.name, i]));
    this.arenas = activationArena ? new ActivationArenas(wasmGemmHeap) : undefined;
    if (this.arenas) abandonedArenas.register(this, this.arenas, this);
  }

  static compile(model: Model, registry: KernelRegistry, options: CompileOptions = {}): CompiledModel {
    const expanded = inlineModelFunctions(model, registry);
    const { model: optimized } = optimizeModel(expanded, {
      level: options.graphOptimizationLevel ?? 'all',
      registry,
      disabledPasses: options.disabledPasses,
      freeDimensionOverrides: options.freeDimensionOverrides,
      freezeInitializerInputs: options.freezeInitializerInputs,
    });
    const plan = planGraph(optimized.graph, { registry, opsets: optimized.opsetImports });
    return new CompiledModel(optimized, plan, registry, options.activationArena ?? true);
  }

  /** Runs with feeds by input slot; returns the graph outputs in order. */
  async run(
    feeds: ReadonlyMap<number, Value>,
    options: { observer?: StepObserver; shouldStop?: () => Error | undefined; intraOpThreads?: number } = {},
  ): Promise<(Value | undefined)[]> {
    const lease = this.arenas?.open(this.inputSlots, feeds);
    try {
      return await execute(this.plan, feeds, { registry: this.registry, ...options, memory: lease?.memory });
    } finally {
      lease?.close();
    }
  }

  /** What the activation arenas have served so far; undefined where they are off. */
  arenaStats(): Readonly<ArenaStats> | undefined {
    return this.arenas?.stats;
  }

  /** Gives this model's activation arenas and packed weights back; runs after this allocate on their own. */
  releaseMemory(): void {
    releaseResidentPanels(this.model.graph.initializers.values());
    if (!this.arenas) return;
    abandonedArenas.unregister(this);
    this.arenas.dispose();
  }
}
