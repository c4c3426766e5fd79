/**
 * Ops that transform each lane of a tensor along one axis (Softmax and family, LpNormalization)
 * view X as [outer, length, inner] and run a lane function on every (outer, inner) pair; a lane
 * is `length` values `inner` apart.
 */
import type { DenseTensor } from '../../tensor/dense-tensor.js';
import { computeBuffer, computeValues, tensorFromCompute, type NumberArray } from '../support/numeric.js';

/** Writes the op over x[base + i * step] for i < length into y at the same positions; y starts zeroed. */
export type LaneFn = (x: NumberArray, y: NumberArray, base: number, length: number, step: number, scratch: Float64Array) => void;

export function mapLanes(x: DenseTensor, outer: number, length: number, lane: LaneFn): DenseTensor {
  const inner = outer * length === 0 ? 0 : x.size / (outer * length);
  const xv = computeValues(x) as NumberArray;
  const y = computeBuffer(x.type, x.size) as NumberArray;
  const scratch = new Float64Array(length);
  for (let o = 0; o < outer; o++) {
    for (let q = 0; q < inner; q++) lane(xv, y, o * length * inner + q, length, inner, scratch);
  }
  return tensorFromCompute(x.type, x.dims, y);
}
