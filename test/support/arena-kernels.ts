/**
 * Running one registered kernel as the executor does, with a chosen context allocator: how
 * tests check that kernels taking their outputs from the run's arena write every element.
 */
import type { Attribute } from '../../src/ir/graph.js';
import { AttributeReader } from '../../src/kernels/attributes.js';
import { defaultRegistry } from '../../src/kernels/default-registry.js';
import type { KernelContext, KernelInputs, PlanTimeContext } from '../../src/kernels/kernel.js';
import { DenseTensor } from '../../src/tensor/dense-tensor.js';
import type { DataType } from '../../src/tensor/element-type.js';
import type { Shape } from '../../src/tensor/shape.js';

const node = { name: 'n', opType: 'x', domain: '' };

/** Storage prefilled with garbage bytes, as arena storage holds whatever its last user left. */
export function dirtyTensor(type: DataType, dims: Shape): DenseTensor {
  const t = DenseTensor.zeros(type, dims);
  if (!Array.isArray(t.data)) new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength).fill(0xab);
  return t;
}

export interface KernelRun {
  readonly attributes?: Record<string, Attribute>;
  readonly allocate?: KernelContext['allocate'];
  readonly domain?: string;
}

/** The outputs of the registry's first kernel for `op` at `opset`, given `allocate` as its context's allocator. */
export async function runRegisteredKernel(op: string, opset: number, inputs: KernelInputs, run: KernelRun = {}): Promise<DenseTensor[]> {
  const { attributes = {}, allocate, domain = '' } = run;
  const definition = defaultRegistry().candidates({ ...node, opType: op, domain }, opset)[0];
  const planContext = { node, opset, outputCount: 2, subgraph: () => { throw new Error('no subgraphs'); } } as unknown as PlanTimeContext;
  const parsed = definition.parseAttributes?.(new AttributeReader(new Map(Object.entries(attributes))), planContext);
  const context: KernelContext = { node, opset, runSubgraph: () => Promise.reject(new Error('no subgraphs')), allocate };
  return (await definition.run(inputs, parsed, context)) as DenseTensor[];
}
