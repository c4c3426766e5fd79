/**
 * Runs one registered kernel directly on runtime values, as the planner and executor would:
 * pick it by opset and input types, parse its attributes, run it. For the element types and
 * value kinds (sequences, optionals, complex, sub-byte, float8) that onnxruntime-node cannot
 * feed, and for error cases where only our message matters.
 */
import { AttributeReader } from '../../../src/kernels/attributes.js';
import { defaultRegistry } from '../../../src/kernels/default-registry.js';
import type { PlanTimeContext } from '../../../src/kernels/kernel.js';
import type { Attribute } from '../../../src/ir/graph.js';
import { DenseTensor } from '../../../src/tensor/dense-tensor.js';
import type { DataType, TensorStorage } from '../../../src/tensor/element-type.js';
import type { Value } from '../../../src/tensor/value.js';
import { Tensor } from '../../../src/index.js';

export const at = {
  int: (value: number): Attribute => ({ type: 'int', value }),
  float: (value: number): Attribute => ({ type: 'float', value }),
  ints: (value: readonly number[]): Attribute => ({ type: 'ints', value }),
  tensor: (value: DenseTensor): Attribute => ({ type: 'tensor', value }),
};

export interface RunOptions {
  readonly opset?: number;
  readonly attributes?: Record<string, Attribute>;
  /** The node's output count, as the planner would tell the kernel (default 1). */
  readonly outputCount?: number;
}

export async function runKernel(opType: string, inputs: readonly (Value | undefined)[], options: RunOptions = {}): Promise<(Value | undefined)[]> {
  const opset = options.opset ?? 21;
  const node = { name: 'test', opType, domain: '', opset };
  const registry = defaultRegistry();
  const candidates = registry.candidates(node, opset);
  const chosen = registry.select(candidates, inputs.map((v) => (v?.kind === 'tensor' ? v.type : undefined)), node);
  const context = {
    node,
    opset,
    outputCount: options.outputCount ?? 1,
    subgraph: () => {
      throw new Error('no subgraphs in kernel tests');
    },
  };
  const planTime: PlanTimeContext = context;
  const attributes = chosen.parseAttributes?.(new AttributeReader(new Map(Object.entries(options.attributes ?? {}))), planTime);
  return chosen.run(inputs, attributes, { node, opset, runSubgraph: () => Promise.reject(new Error('no subgraphs')) });
}

/** The first output, which must be a tensor. */
export async function runTensor(opType: string, inputs: readonly (Value | undefined)[], options: RunOptions = {}): Promise<DenseTensor> {
  const out = (await runKernel(opType, inputs, options))[0];
  if (out?.kind !== 'tensor') throw new Error(`${opType} produced ${out?.kind ?? 'nothing'}, not a tensor`);
  return out;
}

export function tensor(type: DataType, dims: readonly number[], data: TensorStorage): DenseTensor {
  return new DenseTensor(type, dims, data);
}

export function int64s(values: readonly number[], dims: readonly number[] = [values.length]): DenseTensor {
  return new DenseTensor('int64', dims, BigInt64Array.from(values, (v) => BigInt(v)));
}

/** Element-by-element reference for strided gathers: out[index] = in[sourceOf(index)], by explicit index math. */
export function referenceGather(input: DenseTensor, dims: readonly number[], sourceOf: (index: number[]) => number[]): DenseTensor {
  const size = dims.reduce((a, b) => a * b, 1);
  const slots = input.type === 'complex64' || input.type === 'complex128' ? 2 : 1;
  const data = (Array.isArray(input.data) ? new Array<string>(size) : new (input.data.constructor as new (n: number) => TensorStorage)(size * slots)) as unknown as unknown[];
  const inStrides = input.dims.map((_, i) => input.dims.slice(i + 1).reduce((a, b) => a * b, 1));
  for (let flat = 0; flat < size; flat++) {
    const index: number[] = [];
    let rest = flat;
    for (let d = dims.length - 1; d >= 0; d--) {
      index.unshift(rest % dims[d]);
      rest = Math.floor(rest / dims[d]);
    }
    const src = sourceOf(index).reduce((acc, v, i) => acc + v * inStrides[i], 0);
    for (let s = 0; s < slots; s++) data[flat * slots + s] = (input.data as unknown as unknown[])[src * slots + s];
  }
  return new DenseTensor(input.type, dims, data as unknown as TensorStorage);
}

/** An int64 vector as a public Tensor, for feeding shapes, axes and repeats to both runtimes. */
export function int64Feed(values: readonly number[], dims: readonly number[] = [values.length]): Tensor {
  return new Tensor('int64', BigInt64Array.from(values, (v) => BigInt(v)), dims);
}
