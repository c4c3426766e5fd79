/**
 * Flat offsets of a strided view: for every position of `dims` in row-major order, the sum of
 * coordinate times stride. Transposes, diagonals, and element-wise gathers are all such views,
 * so they become one offset table followed by takeElements.
 */
import { sizeOf, type Shape } from '../../tensor/shape.js';

export function stridedOffsets(dims: Shape, strides: readonly number[], base = 0): Int32Array {
  const size = sizeOf(dims);
  const offsets = new Int32Array(size);
  const rank = dims.length;
  if (size === 0) return offsets;
  const counter = new Array<number>(rank).fill(0);
  let flat = base;
  for (let i = 0; i < size; i++) {
    offsets[i] = flat;
    for (let d = rank - 1; d >= 0; d--) {
      counter[d]++;
      flat += strides[d];
      if (counter[d] < dims[d]) break;
      flat -= strides[d] * counter[d];
      counter[d] = 0;
    }
  }
  return offsets;
}
