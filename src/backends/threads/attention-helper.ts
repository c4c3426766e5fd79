/**
 * A block of an attention job's units (parallel-attention.ts), on a helper or on the caller:
 * for each unit (batch entry, query head), scores = scale * Q K^T, plus the staged logits,
 * softmax, then P V into the job's output, reading Q, K and V and writing the output where the
 * job names them (the shared heap, or scratch memory). The scores stay in this thread's own
 * GEMM heap, where the GEMM writes them, the logits are added and the softmax runs in place.
 * The same kernels as attend()'s one-thread loop, in the same order, give the same bits.
 */
import { wasmBinaryF32 } from '../wasm/elementwise-host.js';
import { wasmGemmF32, wasmGemmHeap } from '../wasm/wasm-gemm.js';
import type { HeapRegion, WasmHeap } from '../wasm/wasm-heap.js';
import { softmaxRows } from '../../kernels/contrib-transformer/softmax-rows.js';
import { broadcastRuns } from '../../kernels/support/broadcast.js';
import type { GemmControl } from './gemm-control.js';
import { AttentionField as F } from './attention-fields.js';
import type { SharedHeapView } from './shared-heap.js';

/** Where this thread keeps a unit's scores between blocks: grown to the largest unit seen. */
let scoresRegion: HeapRegion | undefined;

/** Room for `length` floats of scores in `heap`, or undefined where it has none. */
function scoresRoom(heap: WasmHeap, length: number): HeapRegion | undefined {
  if (scoresRegion && scoresRegion.byteLength >= length * 4) return scoresRegion;
  if (scoresRegion) heap.releaseRegion(scoresRegion);
  scoresRegion = heap.reserveRegion(length * 4);
  return scoresRegion;
}

/** scores += logits, element by element (a float32 add, as the caller's logits hooks round theirs). */
function addLogits(scores: Float32Array, logits: Float32Array): void {
  const runs = broadcastRuns([scores.length], [scores.length]);
  if (wasmBinaryF32('add', runs, scores, logits, scores)) return;
  for (let j = 0; j < scores.length; j++) scores[j] += logits[j];
}

/** Units [start, end) of the current attention job; false where the GEMM could not run (the caller then computes them). */
export function attentionBlock(control: GemmControl, scratch: Float32Array, heap: SharedHeapView | undefined, start: number, end: number): boolean {
  const { ints, scale } = control.readAttention();
  const inHeap = ints[F.HeapFloats] > 0;
  if (inHeap && !heap) return false;
  return attendStagedUnits(ints, scale, inHeap ? heap!.covering(ints[F.HeapFloats]) : scratch, scratch, start, end);
}

/**
 * Units [start, end) of the attention job `f` (AttentionField) describes, with Q, K, V (and,
 * in the shared heap, the output) in `operands` and the staged logits (and a staged output) in
 * `scratch`; false where the GEMM could not run, with some units perhaps written.
 */
export function attendStagedUnits(
  f: ArrayLike<number>, scale: number, operands: Float32Array, scratch: Float32Array, start: number, end: number,
): boolean {
  const [heads, rows, keys, size, vSize] = [f[F.Heads], f[F.Rows], f[F.Keys], f[F.Size], f[F.VSize]];
  const inHeap = f[F.HeapFloats] > 0;
  const own = wasmGemmHeap();
  const room = own && scoresRoom(own, rows * keys);
  if (!own || !room) return false;
  // A view made after each GEMM: where this thread's heap is not shared, growth detaches older ones.
  const scores = (): Float32Array => new Float32Array(own.buffer, room.byteOffset, rows * keys);
  for (let unit = start; unit < end; unit++) {
    const b = Math.floor(unit / heads);
    const h = unit % heads;
    const local = unit - f[F.FirstStagedUnit];
    const qk = wasmGemmF32({
      m: rows, n: keys, k: size, a: operands, aOffset: f[F.QAt] + b * f[F.QBatch] + h * f[F.QHead], lda: f[F.QRow], transA: false,
      b: operands, bOffset: f[F.KAt] + b * f[F.KBatch] + h * f[F.KHead], ldb: f[F.KRow], transB: true,
      c: scores(), cOffset: 0, ldc: keys, alpha: scale, beta: 0,
    });
    if (!qk) return false;
    if (f[F.LogitsAt] >= 0) {
      const block = f[F.LogitsFirstBatch] < 0 ? local : b - f[F.LogitsFirstBatch];
      const from = f[F.LogitsAt] + block * rows * keys;
      addLogits(scores(), scratch.subarray(from, from + rows * keys));
    }
    softmaxRows(scores(), rows, keys, -Infinity);
    const [outAt, ldo] = inHeap ? [f[F.OutAt] + b * rows * heads * vSize + h * vSize, heads * vSize] : [f[F.OutAt] + local * rows * vSize, vSize];
    const pv = wasmGemmF32({
      m: rows, n: vSize, k: keys, a: scores(), aOffset: 0, lda: keys, transA: false,
      b: operands, bOffset: f[F.VAt] + b * f[F.VBatch] + h * f[F.VHead], ldb: f[F.VRow], transB: false,
      c: operands, cOffset: outAt, ldc: ldo, alpha: 1, beta: 0,
    });
    if (!pv) return false;
  }
  return true;
}
