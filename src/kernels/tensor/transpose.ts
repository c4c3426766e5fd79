/** Transpose: output axis i is input axis perm[i] (default: reversed), gathered by one strided copy. */
import { KernelInputError } from '../../errors/errors.js';
import type { DenseTensor } from '../../tensor/dense-tensor.js';
import { ALL_TENSOR_TYPES } from '../../tensor/element-type.js';
import { stridesOf } from '../../tensor/shape.js';
import { kernel, type KernelContext } from '../kernel.js';
import { tensorInput } from '../support/inputs.js';
import { gatherStrided } from './strided-copy.js';

function checkedPerm(perm: readonly number[] | undefined, rank: number): number[] {
  if (perm === undefined) return Array.from({ length: rank }, (_, i) => rank - 1 - i);
  const sorted = [...perm].sort((a, b) => a - b);
  if (perm.length !== rank || sorted.some((p, i) => p !== i)) {
    throw new KernelInputError(`perm [${perm.join(',')}] is not a permutation of the ${rank} axes of the input`);
  }
  return [...perm];
}

/** Moving only size-1 axes leaves the storage order unchanged, so a relabel suffices. */
function keepsOrder(data: DenseTensor, perm: readonly number[]): boolean {
  const moved = perm.filter((p) => data.dims[p] !== 1);
  return moved.every((p, i) => i === 0 || moved[i - 1] < p);
}

function transpose(data: DenseTensor, perm: readonly number[], context: KernelContext): DenseTensor {
  const dims = perm.map((p) => data.dims[p]);
  if (keepsOrder(data, perm)) return data.reshaped(dims);
  const inStrides = stridesOf(data.dims);
  return gatherStrided(data, { dims, strides: perm.map((p) => inStrides[p]), offset: 0 }, context);
}

export const transposeKernel = kernel<readonly number[] | undefined>({
  domain: '',
  opType: 'Transpose',
  sinceVersion: 1,
  typeConstraints: [{ input: 0, types: ALL_TENSOR_TYPES }],
  parseAttributes: (attrs) => attrs.ints('perm'),
  run(inputs, perm, context) {
    const data = tensorInput(inputs, 0, 'data');
    return [transpose(data, checkedPerm(perm, data.rank), context)];
  },
});
