/**
 * A helper's part of an attention job (parallel-attention.ts): for each unit (batch entry,
 * query head) of its block, scores = scale * Q K^T on its GEMM instance, plus the staged
 * logits, softmax, then P V into the job's output region, all in scratch memory but the
 * scores. The same kernels as the caller's attend(), in the same order, give the same bits.
 */
import type { WasmGemm } from '../wasm/wasm-gemm.js';
import { softmaxRows } from '../../kernels/contrib-transformer/softmax-rows.js';
import type { GemmControl } from './gemm-control.js';
import { AttentionField as F } from './parallel-attention.js';

/** Most floats of scores and logits kept between blocks (16 MiB); larger units get fresh arrays. */
const MAX_KEPT_FLOATS = 1 << 22;
let kept = new Float32Array(0);

/**
 * A unit's scores and logits (empty without logits): the array kept from earlier blocks where
 * it is large enough (a job has up to two blocks per thread), rather than fresh ones per block.
 */
function blockArrays(length: number, withLogits: boolean): [Float32Array, Float32Array] {
  const needed = withLogits ? 2 * length : length;
  const room = needed > MAX_KEPT_FLOATS ? new Float32Array(needed) : kept.length >= needed ? kept : (kept = new Float32Array(needed));
  return [room.subarray(0, length), room.subarray(length, needed)];
}

/** Units [start, end) of the current attention job; false where the GEMM could not run (the caller then computes them). */
export function attentionBlock(control: GemmControl, scratch: Float32Array, start: number, end: number, gemm: WasmGemm): boolean {
  const { ints: f, scale } = control.readAttention();
  const [heads, rows, keys, size, vSize] = [f[F.Heads], f[F.Rows], f[F.Keys], f[F.Size], f[F.VSize]];
  // The unit's logits, copied out of scratch in one block (see stageLogits).
  const [scores, logits] = blockArrays(rows * keys, f[F.LogitsAt] >= 0);
  for (let unit = start; unit < end; unit++) {
    const b = Math.floor(unit / heads);
    const h = unit % heads;
    const local = unit - f[F.FirstHelperUnit];
    const qk = gemm.gemmF32({
      m: rows, n: keys, k: size, a: scratch, aOffset: f[F.QAt] + b * f[F.QBatch] + h * f[F.QHead], lda: f[F.QRow], transA: false,
      b: scratch, bOffset: f[F.KAt] + b * f[F.KBatch] + h * f[F.KHead], ldb: f[F.KRow], transB: true,
      c: scores, cOffset: 0, ldc: keys, alpha: scale, beta: 0,
    });
    if (!qk) return false;
    if (f[F.LogitsAt] >= 0) {
      const from = f[F.LogitsAt] + local * rows * keys;
      logits.set(scratch.subarray(from, from + logits.length));
      for (let j = 0; j < scores.length; j++) scores[j] += logits[j];
    }
    softmaxRows(scores, rows, keys, -Infinity);
    const pv = gemm.gemmF32({
      m: rows, n: vSize, k: keys, a: scores, aOffset: 0, lda: keys, transA: false,
      b: scratch, bOffset: f[F.VAt] + b * f[F.VBatch] + h * f[F.VHead], ldb: f[F.VRow], transB: false,
      c: scratch, cOffset: f[F.OutAt] + local * rows * vSize, ldc: vSize, alpha: 1, beta: 0,
    });
    if (!pv) return false;
  }
  return true;
}
