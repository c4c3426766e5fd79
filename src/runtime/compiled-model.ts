/** A model ready to run: its IR, its plan and the registry its kernels come from. */
import type { Model } from '../ir/graph.js';
import type { KernelRegistry } from '../kernels/registry.js';
import type { ExecutionPlan } from '../plan/execution-plan.js';
import { inlineModelFunctions } from '../plan/inline-functions.js';
import { planGraph } from '../plan/planner.js';
import type { Value } from '../tensor/value.js';
import { execute, type StepObserver } from './executor.js';

export class CompiledModel {
  private constructor(
    readonly model: Model,
    readonly plan: ExecutionPlan,
    private readonly registry: KernelRegistry,
  ) {}

  static compile(model: Model, registry: KernelRegistry): CompiledModel {
    const expanded = inlineModelFunctions(model, registry);
    return new CompiledModel(expanded, planGraph(expanded.graph, { registry, opsets: expanded.opsetImports }), registry);
  }

  /** Runs with feeds by input slot; returns the graph outputs in order. */
  run(
    feeds: ReadonlyMap<number, Value>,
    options: { observer?: StepObserver; shouldStop?: () => Error | undefined } = {},
  ): Promise<(Value | undefined)[]> {
    return execute(this.plan, feeds, { registry: this.registry, ...options });
  }
}
