/** A run of positions along one axis, as a new tensor: one block copy per outer index. */
import { DenseTensor } from '../../tensor/dense-tensor.js';
import { allocateStorage, slotsPerElement } from '../../tensor/element-type.js';
import { sizeOf } from '../../tensor/shape.js';
import { copyWords, wordsOf } from '../support/block-copy.js';

/** Elements [start, start + length) of `t` along `axis`; `keepAxis` false drops the axis (length 1). */
export function chunkAlong(t: DenseTensor, axis: number, start: number, length: number, keepAxis: boolean): DenseTensor {
  const outer = sizeOf(t.dims.slice(0, axis));
  const out = allocateStorage(t.type, outer * length * sizeOf(t.dims.slice(axis + 1)));
  const { data: source, width } = wordsOf(t.data);
  const target = wordsOf(out).data;
  const row = sizeOf(t.dims.slice(axis + 1)) * slotsPerElement(t.type) * width;
  for (let o = 0; o < outer; o++) copyWords(source, (o * t.dims[axis] + start) * row, target, o * length * row, length * row);
  const dims = keepAxis ? t.dims.map((d, i) => (i === axis ? length : d)) : t.dims.filter((_, i) => i !== axis);
  return new DenseTensor(t.type, dims, out);
}
