/**
 * What an optimizer pass is: a named Model -> Model rewrite at one level. A pass keeps every
 * graph output (same name, same values); it may rename, remove or fuse anything in between.
 */
import type { Model } from '../ir/graph.js';
import type { KernelRegistry } from '../kernels/registry.js';

/** The levels a pass can belong to, in the order they run (onnxruntime's Level1, Level2, Level3). */
export type PassLevel = 'basic' | 'extended' | 'layout';
export const PASS_LEVELS: readonly PassLevel[] = ['basic', 'extended', 'layout'];

export interface PassContext {
  /** Constant folding runs kernels from here; fusions fire only when it serves the fused op. */
  readonly registry: KernelRegistry;
  /** Symbolic dimension name -> size, bound before shapes are inferred. */
  readonly freeDimensionOverrides: ReadonlyMap<string, number>;
  /** Treat initializers listed as graph inputs as constants even where feeds may override them (IR 4+). */
  readonly freezeInitializerInputs?: boolean;
  /** Adds `count` rewrites (folded nodes, fused patterns...) to this pass's tally in the report. */
  fired(count: number): void;
}

export interface OptimizerPass {
  readonly name: string;
  readonly level: PassLevel;
  run(model: Model, context: PassContext): Model | 'unchanged';
}
