/** Transposing storage: the element at input coordinates c moves to output coordinates c[perm]. */
import type { DataType, TensorStorage } from '../../tensor/element-type.js';
import { stridesOf, type Shape } from '../../tensor/shape.js';
import { takeElements } from './element-copy.js';
import { stridedOffsets } from './strided-offsets.js';

export interface Permuted {
  readonly dims: number[];
  readonly data: TensorStorage;
}

export function permute(type: DataType, data: TensorStorage, dims: Shape, perm: readonly number[]): Permuted {
  const inStrides = stridesOf(dims);
  const outDims = perm.map((p) => dims[p]);
  const offsets = stridedOffsets(outDims, perm.map((p) => inStrides[p]));
  return { dims: outDims, data: takeElements(type, data, offsets) };
}
