/**
 * What a kernel is: a registration (domain, op, opset range, accepted element types) plus
 * attribute parsing done once at plan time and a run function over input values. Kernels know
 * IR types and values, never the session.
 */
import type { NodeContext } from '../errors/errors.js';
import type { Graph } from '../ir/graph.js';
import { DenseTensor } from '../tensor/dense-tensor.js';
import type { DataType } from '../tensor/element-type.js';
import type { Shape } from '../tensor/shape.js';
import type { Value } from '../tensor/value.js';
import type { AttributeReader } from './attributes.js';

/** A subgraph attribute compiled by the planner; kernels run it through the context. */
export interface SubgraphHandle {
  readonly graph: Graph;
}

export interface PlanTimeContext {
  readonly node: NodeContext;
  readonly opset: number;
  /** How many outputs the node lists, counting omitted optional ones ('') before the last given. */
  readonly outputCount: number;
  /** The planner compiles the subgraph (so it can read outer-scope values) and returns a handle. */
  subgraph(graph: Graph): SubgraphHandle;
}

export interface KernelContext {
  readonly node: NodeContext;
  readonly opset: number;
  /**
   * Runs a compiled subgraph with these values bound to its inputs, in order: its outputs at once
   * where every kernel in it returned at once, else a promise of them.
   */
  runSubgraph(handle: SubgraphHandle, inputs: readonly (Value | undefined)[]): Value[] | Promise<Value[]>;
  /**
   * A tensor for a result, with storage from the run's activation arena where there is one
   * (in WebAssembly memory, where the wasm kernels address it without copies). Its contents are
   * unspecified, not zeros: the kernel writes every element. The storage belongs to this run:
   * never keep it past the kernel's return except in the values returned. At an elementwise
   * node (memory-plan.ts ELEMENTWISE) it may be the storage of an input that dies there, so
   * compute element i from the inputs' element i before writing it. Absent where a caller runs
   * a kernel outside a session (constant folding, tests); use allocateOutput().
   */
  allocate?(type: DataType, dims: Shape): DenseTensor;
  /**
   * allocate() for a result that is `parts` laid end to end, each whole and contiguous
   * (support/joined-parts.ts): the run's memory may have placed a part's storage where its bytes
   * go in the result (its producer wrote it there), so the kernel copies only the parts that do
   * not sit there already (sitsAt) and leaves the others' bytes alone.
   */
  allocateJoined?(type: DataType, dims: Shape, parts: readonly DenseTensor[]): DenseTensor;
  /**
   * Whether `value` is one of the model's constants (an initializer no feed overrides): its
   * storage never changes while the model lives, so a kernel may keep derived forms of it
   * (packed weights) keyed by it.
   */
  isConstant?(value: Value): boolean;
}

/** context.allocate where the context has it, else fresh (zeroed) storage. */
export function allocateOutput(context: KernelContext | undefined, type: DataType, dims: Shape): DenseTensor {
  return context?.allocate ? context.allocate(type, dims) : DenseTensor.zeros(type, dims);
}

/** Input `input` must have one of `types`. */
export interface TypeConstraint {
  readonly input: number;
  readonly types: readonly DataType[];
}

export type KernelInputs = readonly (Value | undefined)[];
export type KernelResult = (Value | undefined)[] | Promise<(Value | undefined)[]>;

export interface KernelDefinition<A = unknown> {
  readonly domain: string;
  readonly opType: string;
  readonly sinceVersion: number;
  /** Last opset version this kernel serves, inclusive; open-ended when absent. */
  readonly untilVersion?: number;
  /** Element types accepted per input; inputs not listed accept anything. */
  readonly typeConstraints?: readonly TypeConstraint[];
  parseAttributes?(attributes: AttributeReader, context: PlanTimeContext): A;
  run(inputs: KernelInputs, attributes: A, context: KernelContext): KernelResult;
}

/** Erases the attribute type for storage in the registry. */
export function kernel<A>(definition: KernelDefinition<A>): KernelDefinition<unknown> {
  return definition as KernelDefinition<unknown>;
}
