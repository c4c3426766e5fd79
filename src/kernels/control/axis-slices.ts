/** Cutting a tensor into slices along an axis and stacking slices back, for Loop and Scan. */
import { KernelInputError } from '../../errors/errors.js';
import type { DenseTensor } from '../../tensor/dense-tensor.js';
import { chunkAlong } from '../tensor/axis-chunk.js';
import { concatTensors } from '../tensor/concat.js';

/** Slice `index` of `t` along `axis`, with that axis removed. */
export function sliceAlong(t: DenseTensor, axis: number, index: number): DenseTensor {
  return chunkAlong(t, axis, index, 1, false);
}

/** Stacks equally shaped slices along a new axis `axis` (slices[k] lands at index k). */
export function stackAlong(slices: readonly DenseTensor[], axis: number, what: string): DenseTensor {
  const first = slices[0];
  for (const s of slices) {
    if (s.type !== first.type || s.dims.length !== first.dims.length || s.dims.some((d, i) => d !== first.dims[i])) {
      throw new KernelInputError(`${what}: iterations produced ${first.describe()} and ${s.describe()}; every iteration must give one shape and type`);
    }
  }
  return concatTensors(slices.map((s) => s.reshaped([...s.dims.slice(0, axis), 1, ...s.dims.slice(axis)])), axis);
}
