/**
 * The activation memory a session would plan for a model: the model as a session compiles it
 * (functions inlined, optimized at `level`), symbolic dims at 1 unless `dims` says otherwise,
 * then the static memory plan over the execution order.
 */
import type { Model } from '../ir/graph.js';
import { validateAndOrder } from '../ir/validate.js';
import type { KernelRegistry } from '../kernels/registry.js';
import { optimizeModel, type OptimizationLevel } from '../optimizer/optimize-model.js';
import { inlineModelFunctions } from '../plan/inline-functions.js';
import { planActivationMemory, type MemoryPlan } from '../plan/memory-plan.js';

export function activationPlan(
  model: Model,
  registry: KernelRegistry,
  options: { level?: OptimizationLevel; dims?: ReadonlyMap<string, number> } = {},
): MemoryPlan {
  const overrides: Record<string, number> = {};
  for (const input of model.graph.inputs) {
    if (input.type?.kind !== 'tensor') continue;
    for (const d of input.type.shape ?? []) if (typeof d === 'string') overrides[d] = options.dims?.get(d) ?? 1;
  }
  const expanded = inlineModelFunctions(model, registry);
  const { model: optimized } = optimizeModel(expanded, { level: options.level ?? 'all', registry, freeDimensionOverrides: overrides });
  return planActivationMemory(optimized.graph, validateAndOrder(optimized.graph));
}
