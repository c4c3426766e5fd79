/**
 * attendHeads for heads so small (a few thousand multiply-adds each, as in tiny GPTs with head
 * sizes of 1 to 8) that the GEMM's and softmax's calls into WebAssembly, each copying its
 * operands into the module's memory, cost more than the arithmetic. Here each query row is one
 * pass of plain loops over Q, K and V where they lie: its scores in float32 as the GEMM stores
 * them, the op's logits, then softmax and P V fused, accumulating in doubles and dividing once
 * by the row's sum. Results match the GEMM path within float32 rounding (about 1e-6 relative),
 * not bit for bit. Ops that inspect the score blocks keep the GEMM path. Under a causal mask
 * (causalOffset) a row stops at its last visible key.
 */
import type { AttentionProblem } from './attention-core.js';
import { fastExp } from '../support/fast-math.js';
import { FLOAT32_EXP_UNDERFLOW } from './softmax-rows.js';

/**
 * Most multiply-adds per query head (Q K^T plus P V) that this path takes. Measured against the
 * GEMM path in one process (best of 20): 1.4x faster at 32 rows x 32 keys with heads of 1 and
 * 24 x 24 with heads of 2 (2048 and 2304), even at 2048 with heads of 16, slower from 4096 on.
 */
export const DIRECT_MAX_HEAD_WORK = 3072;

export function directAttentionFits(p: AttentionProblem): boolean {
  return !p.inspect && p.q.rows * p.k.rows * (p.q.size + p.v.size) <= DIRECT_MAX_HEAD_WORK;
}

/** Query heads [from, to) of attend's output, counting (entry, head) pairs entry-major. */
export function attendHeadsDirect(p: AttentionProblem, out: Float32Array, from: number, to: number): void {
  const { q, k, v, scale } = p;
  const { rows, size } = q;
  const keys = k.rows;
  const vSize = v.size;
  const group = q.heads / k.heads;
  const outRow = q.heads * vSize;
  // Locals, not property reads in the loops: V8 reloads a typed array's fields after each store.
  const [qData, kData, vData] = [q.data, k.data, v.data];
  const [qRowStride, kRowStride, vRowStride] = [q.rowStride, k.rowStride, v.rowStride];
  const scores = new Float32Array(keys);
  const sums = new Float64Array(vSize);
  for (let unit = from; unit < to; unit++) {
    const b = Math.floor(unit / q.heads);
    const h = unit % q.heads;
    const kvHead = Math.floor(h / group);
    const qAt = q.offset + b * q.batchStride + h * q.headStride;
    const kAt = k.offset + b * k.batchStride + kvHead * k.headStride;
    const vAt = v.offset + b * v.batchStride + kvHead * v.headStride;
    const sink = p.sink ? p.sink(h) : -Infinity;
    for (let i = 0; i < rows; i++) {
      const visible = p.causalOffset === undefined ? keys : Math.min(keys, p.causalOffset + i + 1);
      const qRow = qAt + i * qRowStride;
      for (let j = 0, kRow = kAt; j < visible; j++, kRow += kRowStride) {
        let dot = 0;
        for (let d = 0; d < size; d++) dot += qData[qRow + d] * kData[kRow + d];
        scores[j] = scale * dot;
      }
      if (p.logits) p.logits(b, h, i, scores, 0);
      weightValues(scores, visible, sink, vData, vAt, vRowStride, sums);
      const oRow = b * rows * outRow + i * outRow + h * vSize;
      for (let d = 0; d < vSize; d++) out[oRow + d] = sums[d];
    }
  }
}

/**
 * softmax(scores) V for the first `keys` scores of one row into `sums`, V's rows from `vAt` every
 * `vRowStride`; zeros where every score (sink included) is -Infinity.
 */
function weightValues(scores: Float32Array, keys: number, sink: number, v: Float32Array, vAt: number, vRowStride: number, sums: Float64Array): void {
  const vSize = sums.length;
  for (let d = 0; d < vSize; d++) sums[d] = 0;
  let max = sink;
  for (let j = 0; j < keys; j++) if (scores[j] > max) max = scores[j];
  if (max === -Infinity) return;
  let total = sink === -Infinity ? 0 : Math.exp(sink - max);
  for (let j = 0, vRow = vAt; j < keys; j++, vRow += vRowStride) {
    const x = scores[j] - max;
    if (x < FLOAT32_EXP_UNDERFLOW) continue;
    const e = fastExp(x);
    total += e;
    for (let d = 0; d < vSize; d++) sums[d] += e * v[vRow + d];
  }
  const inverse = 1 / total;
  for (let d = 0; d < vSize; d++) sums[d] *= inverse;
}
