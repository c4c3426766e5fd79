/**
 * The slices GatherND and ScatterND address: indices of shape [..., k] is a tensor of k-tuples,
 * each naming a slice of data (the trailing rank - batch_dims - k dimensions), within the batch
 * its leading batch_dims coordinates select.
 */
import { KernelInputError } from '../../errors/errors.js';
import type { DenseTensor } from '../../tensor/dense-tensor.js';
import { formatShape, sizeOf, stridesOf } from '../../tensor/shape.js';
import { indexNumbers, resolveIndex } from './index-values.js';

export interface NdSlices {
  /** Flat element offset into data where each tuple's slice starts, in tuple order. */
  readonly starts: Int32Array;
  /** Elements per slice. */
  readonly sliceSize: number;
  /** indices.dims without its last dimension. */
  readonly tupleDims: readonly number[];
  /** The dimensions of one slice: data.dims after the batch and indexed ones. */
  readonly sliceDims: readonly number[];
}

export function ndSlices(data: DenseTensor, indices: DenseTensor, batchDims: number): NdSlices {
  const r = data.rank;
  const q = indices.rank;
  if (r < 1 || q < 1) throw new KernelInputError(`data and indices must have rank >= 1, got ${formatShape(data.dims)} and ${formatShape(indices.dims)}`);
  if (!Number.isInteger(batchDims) || batchDims < 0 || batchDims >= Math.min(q, r)) {
    throw new KernelInputError(`batch_dims ${batchDims} must be in 0..${Math.min(q, r) - 1} for data rank ${r} and indices rank ${q}`);
  }
  for (let d = 0; d < batchDims; d++) {
    if (indices.dims[d] !== data.dims[d]) {
      throw new KernelInputError(`batch dimension ${d} differs: data ${formatShape(data.dims)} vs indices ${formatShape(indices.dims)}`);
    }
  }
  const k = indices.dims[q - 1];
  if (k > r - batchDims) {
    throw new KernelInputError(`indices last dimension ${k} exceeds data rank ${r} minus batch_dims ${batchDims}`);
  }
  const strides = stridesOf(data.dims);
  const tupleDims = indices.dims.slice(0, q - 1);
  const tuples = sizeOf(tupleDims);
  const tuplesPerBatch = sizeOf(tupleDims.slice(batchDims));
  const batchStride = batchDims === 0 ? 0 : strides[batchDims - 1];
  const values = indexNumbers(indices, 'indices');
  const starts = new Int32Array(tuples);
  if (batchDims > 0) for (let t = 0; t < tuples; t++) starts[t] = Math.floor(t / tuplesPerBatch) * batchStride;
  // Component by component, so each pass checks against one axis size and adds one stride.
  for (let j = 0; j < k; j++) {
    const size = data.dims[batchDims + j];
    const stride = strides[batchDims + j];
    for (let t = 0, v = j; t < tuples; t++, v += k) {
      const value = values[v];
      const index = value < 0 ? value + size : value;
      starts[t] += (index >= 0 && index < size ? index : resolveIndex(value, size, `indices (component ${j})`)) * stride;
    }
  }
  const sliceDims = data.dims.slice(batchDims + k);
  return { starts, sliceSize: sizeOf(sliceDims), tupleDims, sliceDims };
}
