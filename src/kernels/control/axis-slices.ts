/** Cutting a tensor into slices along an axis and stacking slices back, for Loop and Scan. */
import { KernelInputError } from '../../errors/errors.js';
import { DenseTensor } from '../../tensor/dense-tensor.js';
import { allocateStorage, type TensorStorage } from '../../tensor/element-type.js';
import { sizeOf } from '../../tensor/shape.js';

type Indexable = { [i: number]: unknown; length: number };

/** Slice `index` of `t` along `axis`, with that axis removed. */
export function sliceAlong(t: DenseTensor, axis: number, index: number): DenseTensor {
  const outer = sizeOf(t.dims.slice(0, axis));
  const inner = sizeOf(t.dims.slice(axis + 1));
  const count = t.dims[axis];
  const dims = [...t.dims.slice(0, axis), ...t.dims.slice(axis + 1)];
  const out = allocateStorage(t.type, outer * inner) as unknown as Indexable;
  const src = t.data as unknown as Indexable;
  for (let o = 0; o < outer; o++) {
    const from = (o * count + index) * inner;
    for (let i = 0; i < inner; i++) out[o * inner + i] = src[from + i];
  }
  return new DenseTensor(t.type, dims, out as unknown as TensorStorage);
}

/** Stacks equally shaped slices along a new axis `axis` (slices[k] lands at index k). */
export function stackAlong(slices: readonly DenseTensor[], axis: number, what: string): DenseTensor {
  const first = slices[0];
  for (const s of slices) {
    if (s.type !== first.type || s.dims.length !== first.dims.length || s.dims.some((d, i) => d !== first.dims[i])) {
      throw new KernelInputError(`${what}: iterations produced ${first.describe()} and ${s.describe()}; every iteration must give one shape and type`);
    }
  }
  const outer = sizeOf(first.dims.slice(0, axis));
  const inner = sizeOf(first.dims.slice(axis));
  const count = slices.length;
  const dims = [...first.dims.slice(0, axis), count, ...first.dims.slice(axis)];
  const out = allocateStorage(first.type, outer * count * inner) as unknown as Indexable;
  slices.forEach((s, k) => {
    const src = s.data as unknown as Indexable;
    for (let o = 0; o < outer; o++) {
      const to = (o * count + k) * inner;
      for (let i = 0; i < inner; i++) out[to + i] = src[o * inner + i];
    }
  });
  return new DenseTensor(first.type, dims, out as unknown as TensorStorage);
}
