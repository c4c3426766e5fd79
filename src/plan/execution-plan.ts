/** The compiled form of a graph the executor walks: values are integer slots, names are gone. */
import type { NodeContext } from '../errors/errors.js';
import type { Graph } from '../ir/graph.js';
import type { ValueType } from '../ir/value-type.js';
import type { KernelDefinition, SubgraphHandle } from '../kernels/kernel.js';
import type { DenseTensor } from '../tensor/dense-tensor.js';
import type { Value } from '../tensor/value.js';

export interface PlannedKernel {
  readonly kernel: KernelDefinition;
  readonly attributes: unknown;
}

export interface PlannedStep {
  readonly node: NodeContext & { readonly opset: number };
  /** Kernels able to run this node at its opset, best first, with attributes parsed for each. */
  readonly candidates: readonly PlannedKernel[];
  /** Input slots; -1 for an omitted optional input. */
  readonly inputs: Int32Array;
  /** Output slots; -1 for an omitted optional output. */
  readonly outputs: Int32Array;
  /** Slots whose last reader is this step: dropped once it has run. */
  readonly release: Int32Array;
}

export interface PlannedInput {
  readonly name: string;
  readonly slot: number;
  readonly type: ValueType | undefined;
  /** Set for an initializer also listed as a graph input: feeding the input overrides it. */
  readonly defaultValue?: DenseTensor;
}

export interface PlannedOutput {
  readonly name: string;
  readonly slot: number;
  readonly type: ValueType | undefined;
}

export interface ExecutionPlan {
  readonly slotCount: number;
  /** For error messages and profiling only. */
  readonly slotNames: readonly string[];
  readonly inputs: readonly PlannedInput[];
  readonly outputs: readonly PlannedOutput[];
  readonly constants: readonly { readonly slot: number; readonly value: Value }[];
  readonly steps: readonly PlannedStep[];
}

/** A subgraph compiled inside a node: its plan and where its outer-scope reads come from. */
export interface CompiledSubgraph extends SubgraphHandle {
  readonly plan: ExecutionPlan;
  /** For each outer-scope name the subgraph reads: its slot in the subgraph and in the enclosing plan. */
  readonly outerBindings: readonly { readonly innerSlot: number; readonly outerSlot: number }[];
  readonly graph: Graph;
}
