/**
 * Moving heads between the layouts the attention ops accept and the [batch, heads, seq, size]
 * (BNSH) layout their arithmetic runs on. A source is described by strides, so [B, S, N * H],
 * [B, N, S, H] and the packed [B, S, N, 2 or 3, H] inputs all gather the same way.
 */
import type { DenseTensor } from '../../tensor/dense-tensor.js';
import { computeValues, type NumberArray } from '../support/numeric.js';
import type { Heads } from './attention-core.js';

export interface StridedHeads {
  readonly data: NumberArray;
  /** Position of element [0, 0, 0, 0]. */
  readonly offset: number;
  readonly batchStride: number;
  readonly seqStride: number;
  readonly headStride: number;
}

export interface HeadShape {
  readonly batch: number;
  readonly seq: number;
  readonly heads: number;
  readonly size: number;
}

/** A [batch, seq, heads * size] tensor's heads, starting `offset` values into each row. */
export function rowMajorHeads(data: NumberArray, shape: HeadShape, rowLength = shape.heads * shape.size, offset = 0): StridedHeads {
  return { data, offset, batchStride: shape.seq * rowLength, seqStride: rowLength, headStride: shape.size };
}

/** A [batch, heads, seq, size] tensor's heads. */
export function bnshHeads(data: NumberArray, shape: HeadShape): StridedHeads {
  return { data, offset: 0, batchStride: shape.heads * shape.seq * shape.size, seqStride: shape.size, headStride: shape.seq * shape.size };
}

/** The heads in BNSH order, each plus its slice of `bias` (one value per element of a row of heads). */
export function gatherHeads(src: StridedHeads, shape: HeadShape, bias?: NumberArray, biasOffset = 0): Float32Array {
  const { batch, seq, heads, size } = shape;
  const out = new Float32Array(batch * heads * seq * size);
  let o = 0;
  for (let b = 0; b < batch; b++) {
    for (let n = 0; n < heads; n++) {
      for (let s = 0; s < seq; s++) {
        const at = src.offset + b * src.batchStride + s * src.seqStride + n * src.headStride;
        const biasAt = biasOffset + n * size;
        for (let h = 0; h < size; h++) out[o++] = src.data[at + h] + (bias ? bias[biasAt + h] : 0);
      }
    }
  }
  return out;
}

/**
 * Writes the present cache [batch, heads, past + rows, size] into `into`: each head's past rows
 * (from a [batch, heads, past, size] tensor), then its rows of `current`.
 */
export function extendCache(past: DenseTensor | undefined, current: Heads, batch: number, into: Float32Array): void {
  const { heads, rows, size } = current;
  const pastRows = past ? past.dims[2] : 0;
  const pastValues = past && (computeValues(past) as NumberArray);
  const total = pastRows + rows;
  for (let b = 0; b < batch; b++) {
    for (let h = 0; h < heads; h++) {
      const head = (b * heads + h) * total * size;
      if (pastValues) {
        const from = (b * heads + h) * pastRows * size;
        into.set(pastValues.subarray(from, from + pastRows * size), head);
      }
      const source = current.offset + b * current.batchStride + h * current.headStride;
      for (let r = 0; r < rows; r++) {
        const at = source + r * current.rowStride;
        into.set(current.data.subarray(at, at + size), head + (pastRows + r) * size);
      }
    }
  }
}
