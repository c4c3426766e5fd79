/**
 * The target offsets shared by GatherElements and ScatterElements: for each position of the
 * index tensor, the flat offset into data of the element it names (its own coordinates, with the
 * axis coordinate taken from the index value).
 */
import { KernelInputError } from '../../errors/errors.js';
import type { DenseTensor } from '../../tensor/dense-tensor.js';
import { formatShape, stridesOf } from '../../tensor/shape.js';
import { resolvedIndices } from './index-values.js';
import { stridedOffsets } from './strided-offsets.js';

export function elementOffsets(data: DenseTensor, indices: DenseTensor, axis: number): Int32Array {
  if (indices.rank !== data.rank) {
    throw new KernelInputError(`indices must have the rank of data (${data.rank}), got shape ${formatShape(indices.dims)}`);
  }
  for (let d = 0; d < data.rank; d++) {
    if (d !== axis && indices.dims[d] > data.dims[d]) {
      throw new KernelInputError(`indices shape ${formatShape(indices.dims)} exceeds data shape ${formatShape(data.dims)} at dimension ${d}`);
    }
  }
  const strides = stridesOf(data.dims);
  const axisStride = strides[axis];
  const offsets = stridedOffsets(indices.dims, strides.map((s, d) => (d === axis ? 0 : s)));
  const picks = resolvedIndices(indices, data.dims[axis], 'indices');
  for (let i = 0; i < offsets.length; i++) offsets[i] += picks[i] * axisStride;
  return offsets;
}
