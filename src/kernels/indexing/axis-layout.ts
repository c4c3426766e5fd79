/**
 * A tensor seen around one axis as [outer, axis, inner]: the shape most single-axis kernels
 * (Gather, TopK, CumSum, ArgMax, Compress...) loop over, with inner elements contiguous.
 */
import { sizeOf, type Shape } from '../../tensor/shape.js';

export interface AxisLayout {
  /** Product of the dimensions before the axis. */
  readonly outer: number;
  /** The axis dimension. */
  readonly size: number;
  /** Product of the dimensions after the axis: the distance between consecutive axis entries. */
  readonly inner: number;
}

export function axisLayout(dims: Shape, axis: number): AxisLayout {
  return {
    outer: sizeOf(dims.slice(0, axis)),
    size: dims.length === 0 ? 1 : dims[axis],
    inner: sizeOf(dims.slice(axis + 1)),
  };
}

/** `dims` with the axis dimension replaced by `size`. */
export function withAxisSize(dims: Shape, axis: number, size: number): number[] {
  const out = [...dims];
  out[axis] = size;
  return out;
}
