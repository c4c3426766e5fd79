/** Transpose: output axis i is input axis perm[i] (default: reversed), gathered by one strided copy. */
import { KernelInputError } from '../../errors/errors.js';
import type { DenseTensor } from '../../tensor/dense-tensor.js';
import { ALL_TENSOR_TYPES } from '../../tensor/element-type.js';
import { stridesOf } from '../../tensor/shape.js';
import { kernel, type KernelContext } from '../kernel.js';
import { tensorInput } from '../support/inputs.js';
import { gatherStrided } from './strided-copy.js';

/** The perm to apply: the attribute's, checked against the input's rank without allocating (this runs on every call), or the reversal. */
function checkedPerm(perm: readonly number[] | undefined, rank: number): readonly number[] {
  if (perm === undefined) {
    const reversed: number[] = [];
    for (let i = rank - 1; i >= 0; i--) reversed.push(i);
    return reversed;
  }
  if (!isPermutation(perm, rank)) {
    throw new KernelInputError(`perm [${perm.join(',')}] is not a permutation of the ${rank} axes of the input`);
  }
  return perm;
}

function isPermutation(perm: readonly number[], rank: number): boolean {
  if (perm.length !== rank) return false;
  for (let i = 0; i < rank; i++) {
    const p = perm[i];
    if (!Number.isInteger(p) || p < 0 || p >= rank || perm.indexOf(p) !== i) return false;
  }
  return true;
}

/** Moving only size-1 axes leaves the storage order unchanged, so a relabel suffices. */
function keepsOrder(data: DenseTensor, perm: readonly number[]): boolean {
  let last = -1;
  for (let i = 0; i < perm.length; i++) {
    const p = perm[i];
    if (data.dims[p] === 1) continue;
    if (p < last) return false;
    last = p;
  }
  return true;
}

// Index loops, no map() callbacks: Transpose runs often on small tensors, before V8 optimizes it.
function transpose(data: DenseTensor, perm: readonly number[], context: KernelContext): DenseTensor {
  const dims: number[] = [];
  for (let i = 0; i < perm.length; i++) dims.push(data.dims[perm[i]]);
  if (keepsOrder(data, perm)) return data.reshaped(dims);
  const inStrides = stridesOf(data.dims);
  const strides: number[] = [];
  for (let i = 0; i < perm.length; i++) strides.push(inStrides[perm[i]]);
  return gatherStrided(data, { dims, strides, offset: 0 }, context);
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
