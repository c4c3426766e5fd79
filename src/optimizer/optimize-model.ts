/**
 * Runs the passes of the requested levels over a model until none changes it (or
 * MAX_ROUNDS rounds have run), and reports which passes fired how often.
 */
import { InvalidArgumentError } from '../errors/errors.js';
import type { Model } from '../ir/graph.js';
import { validateAndOrder } from '../ir/validate.js';
import type { KernelRegistry } from '../kernels/registry.js';
import { PASS_LEVELS, type OptimizerPass, type PassLevel } from './pass.js';
import { ALL_PASSES } from './passes.js';

export type OptimizationLevel = 'disabled' | PassLevel | 'all';

/** Every level, lowest first, as onnxruntime names them. */
export const OPTIMIZATION_LEVELS: readonly OptimizationLevel[] = ['disabled', 'basic', 'extended', 'layout', 'all'];

export interface OptimizeOptions {
  /** 'basic' runs basic passes, 'extended' basic + extended, 'layout' and 'all' every level. */
  readonly level: OptimizationLevel;
  readonly registry: KernelRegistry;
  /** Pass names to skip. */
  readonly disabledPasses?: readonly string[];
  readonly freeDimensionOverrides?: Readonly<Record<string, number>> | ReadonlyMap<string, number>;
  /**
   * Initializers listed as graph inputs become constants, so passes can fold them, and feeds
   * can no longer override them. Models before IR 4 get this regardless (it is what the listing
   * meant there).
   */
  readonly freezeInitializerInputs?: boolean;
}

export interface OptimizeResult {
  readonly model: Model;
  /** Rewrites per pass name, for the passes that fired. */
  readonly fired: ReadonlyMap<string, number>;
  /** Rounds over the pass list; the last one changed nothing unless MAX_ROUNDS cut it short. */
  readonly rounds: number;
}

/** Enough for chains of rewrites that enable each other; a bound so a pass pair that undoes each other cannot loop. */
const MAX_ROUNDS = 10;

export const PASS_NAMES: readonly string[] = ALL_PASSES.map((p) => p.name);

function levelsFor(level: OptimizationLevel): readonly PassLevel[] {
  if (level === 'disabled') return [];
  if (level === 'all') return PASS_LEVELS;
  return PASS_LEVELS.slice(0, PASS_LEVELS.indexOf(level) + 1);
}

export function optimizeModel(model: Model, options: OptimizeOptions): OptimizeResult {
  const disabled = new Set(options.disabledPasses ?? []);
  for (const name of disabled) {
    if (!PASS_NAMES.includes(name)) throw new InvalidArgumentError(`unknown optimizer pass '${name}' (known: ${PASS_NAMES.join(', ')})`);
  }
  const levels = levelsFor(options.level);
  const passes = ALL_PASSES.filter((p) => levels.includes(p.level) && !disabled.has(p.name));
  const fired = new Map<string, number>();
  if (passes.length === 0) return { model, fired, rounds: 0 };
  const overrides = options.freeDimensionOverrides instanceof Map
    ? options.freeDimensionOverrides
    : new Map(Object.entries(options.freeDimensionOverrides ?? {}));
  // Passes visit nodes in list order; start from a topological one.
  let current: Model = { ...model, graph: { ...model.graph, nodes: validateAndOrder(model.graph) } };
  let rounds = 0;
  // Passes are deterministic: one that left this very model unchanged would again.
  const leftUnchanged = new Map<OptimizerPass, Model>();
  for (let changed = true; changed && rounds < MAX_ROUNDS; rounds++) {
    changed = false;
    for (const pass of passes) {
      if (leftUnchanged.get(pass) === current) continue;
      const context = {
        registry: options.registry,
        freeDimensionOverrides: overrides,
        freezeInitializerInputs: options.freezeInitializerInputs,
        fired: (count: number) => fired.set(pass.name, (fired.get(pass.name) ?? 0) + count),
      };
      const result = pass.run(current, context);
      if (result === 'unchanged') {
        leftUnchanged.set(pass, current);
        continue;
      }
      current = result;
      changed = true;
    }
  }
  return { model: current, fired, rounds };
}
