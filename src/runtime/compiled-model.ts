/** A model ready to run: its IR, its plan and the registry its kernels come from. */
import type { Model } from '../ir/graph.js';
import type { KernelRegistry } from '../kernels/registry.js';
import type { ExecutionPlan } from '../plan/execution-plan.js';
import { optimizeModel, type OptimizationLevel } from '../optimizer/optimize-model.js';
import { inlineModelFunctions } from '../plan/inline-functions.js';
import { planGraph } from '../plan/planner.js';
import type { Value } from '../tensor/value.js';
import { execute, type StepObserver } from './executor.js';

export interface CompileOptions {
  /** As onnxruntime's graphOptimizationLevel; 'all' by default. */
  readonly graphOptimizationLevel?: OptimizationLevel;
  readonly disabledPasses?: readonly string[];
  readonly freeDimensionOverrides?: Readonly<Record<string, number>>;
}

export class CompiledModel {
  private constructor(
    readonly model: Model,
    readonly plan: ExecutionPlan,
    private readonly registry: KernelRegistry,
  ) {}

  static compile(model: Model, registry: KernelRegistry, options: CompileOptions = {}): CompiledModel {
    const expanded = inlineModelFunctions(model, registry);
    const { model: optimized } = optimizeModel(expanded, {
      level: options.graphOptimizationLevel ?? 'all',
      registry,
      disabledPasses: options.disabledPasses,
      freeDimensionOverrides: options.freeDimensionOverrides,
    });
    return new CompiledModel(optimized, planGraph(optimized.graph, { registry, opsets: optimized.opsetImports }), registry);
  }

  /** Runs with feeds by input slot; returns the graph outputs in order. */
  run(
    feeds: ReadonlyMap<number, Value>,
    options: { observer?: StepObserver; shouldStop?: () => Error | undefined; intraOpThreads?: number } = {},
  ): Promise<(Value | undefined)[]> {
    return execute(this.plan, feeds, { registry: this.registry, ...options });
  }
}
