/**
 * The arithmetic the com.microsoft attention ops share: per batch entry and query head,
 * softmax(logits(scale * Q K^T)) V, where each op's `logits` adds its masks and biases to a row
 * of scores in place (-Infinity drops a key) and query head h reads key/value head
 * h / (heads / kvHeads). An optional sink logit per head joins every softmax denominator
 * without contributing a value. `inspect` sees each head's block of rows as logits and again as
 * probabilities, for the ops that return one or the other.
 *
 * Scores are float32, as onnxruntime keeps them, so both products run on the float32 GEMM
 * (WebAssembly SIMD where it loads) straight from and into the operands' own layouts: a head is
 * an offset and a row stride, so Q, K and V need not be gathered per head and the output rows
 * land in [batch, seq, heads * v.size] directly. Softmax (softmax-rows.ts) sums in doubles.
 * With intra-op threads, blocks of heads run on the GEMM pool's helpers as well
 * (backends/threads/parallel-attention.ts), with the same bits. On one thread, heads of a few
 * thousand multiply-adds skip the GEMM for plain loops (attend-direct.ts).
 */
import { parallelAttention } from '../../backends/threads/intra-op.js';
import { gemm } from '../linalg/gemm-core.js';
import { attendHeadsDirect, directAttentionFits } from './attend-direct.js';
import { softmaxRows } from './softmax-rows.js';

export { softmaxRows };

/**
 * [batch, heads, rows, size] data in any strided layout: row r of head h of entry b starts at
 * offset + b * batchStride + h * headStride + r * rowStride. A cache may hold more key rows than
 * are valid; `logits` hides the rest.
 */
export interface Heads {
  readonly data: Float32Array;
  readonly heads: number;
  readonly rows: number;
  readonly size: number;
  readonly offset: number;
  readonly batchStride: number;
  readonly headStride: number;
  readonly rowStride: number;
}

/** Heads stored [batch, heads, rows, size]. */
export function bnshHeads(data: Float32Array, heads: number, rows: number, size: number): Heads {
  return { data, heads, rows, size, offset: 0, batchStride: heads * rows * size, headStride: rows * size, rowStride: size };
}

/** Heads inside [batch, rows, rowLength] token rows, head h at `offset` + h * size of each row. */
export function tokenMajorHeads(data: Float32Array, heads: number, rows: number, size: number, rowLength: number, offset: number): Heads {
  return { data, heads, rows, size, offset, batchStride: rows * rowLength, headStride: size, rowStride: rowLength };
}

/** Works on keys [at, at + keys) of `scores`: score row i of head h of entry b. */
export type RowHook = (b: number, h: number, i: number, scores: Float32Array, at: number) => void;

export interface AttentionProblem {
  readonly batch: number;
  readonly q: Heads;
  readonly k: Heads;
  readonly v: Heads;
  readonly scale: number;
  readonly logits?: RowHook;
  /**
   * True where `logits` only adds float32 values (masks, bias tensors) to the scores: its rows
   * added to zeros are then exactly what it adds, and helper threads may take heads
   * (backends/threads/parallel-attention.ts). Other logits (a softcap) keep attend on one thread.
   */
  readonly additiveLogits?: boolean;
  /** Set where `logits` adds the same values to every head's rows (a mask alone): helper threads then share one block per batch entry. */
  readonly headInvariantLogits?: boolean;
  /**
   * Set where `logits` masks every key after key causalOffset + i of query row i to the float
   * type's lowest value or -Infinity (a causal mask), so a path may skip those keys: their
   * probabilities are exactly zero either way.
   */
  readonly causalOffset?: number;
  readonly sink?: (h: number) => number;
  /** Sees a head's [q.rows, k.rows] block of scores: logits, then probabilities. */
  readonly inspect?: (b: number, h: number, block: Float32Array, probabilities: boolean) => void;
}

/**
 * The attention output as [batch, q.rows, q.heads * v.size], written into `out`. Query heads
 * that share a key/value head, where Q holds them back to back (BNSH), multiply as one stack of
 * rows, so each key head is read once per group; with a single query row their outputs are
 * adjacent too, and the stack's P V is one product as well.
 */
export function attend(p: AttentionProblem, out: Float32Array): void {
  // Threads compute with the GEMM path, so this thread's block does too: the bits match one thread's.
  if (parallelAttention(p, out, (from, to) => attendHeads(p, out, from, to))) return;
  (directAttentionFits(p) ? attendHeadsDirect : attendHeads)(p, out, 0, p.batch * p.q.heads);
}

/**
 * Query heads [from, to) of attend's output, counting (entry, head) pairs entry-major; `from`
 * and `to` are multiples of the stack (any, where query heads have their own key heads).
 */
export function attendHeads(p: AttentionProblem, out: Float32Array, from: number, to: number): void {
  const { q, k, v } = p;
  const { rows } = q;
  const keys = k.rows;
  const group = q.heads / k.heads;
  const stack = group > 1 && q.headStride === rows * q.rowStride ? group : 1;
  const block = rows * keys;
  const scores = new Float32Array(stack * block);
  const outRow = q.heads * v.size;
  for (let unit = from; unit < to; unit += stack) {
    const b = Math.floor(unit / q.heads);
    const first = unit % q.heads;
    const kvHead = Math.floor(first / group);
    const vAt = v.offset + b * v.batchStride + kvHead * v.headStride;
    gemm({
      m: stack * rows, n: keys, k: q.size, a: q.data, aOffset: q.offset + b * q.batchStride + first * q.headStride, lda: q.rowStride, transA: false,
      b: k.data, bOffset: k.offset + b * k.batchStride + kvHead * k.headStride, ldb: k.rowStride, transB: true,
      c: scores, cOffset: 0, ldc: keys, alpha: p.scale, beta: 0,
    });
    for (let s = 0, h = first; s < stack; s++, h++) {
      if (p.logits) for (let i = 0; i < rows; i++) p.logits(b, h, i, scores, s * block + i * keys);
      const head = p.inspect && scores.subarray(s * block, (s + 1) * block);
      if (head) p.inspect!(b, h, head, false);
      softmaxRows(scores, rows, keys, p.sink ? p.sink(h) : -Infinity, s * block);
      if (head) p.inspect!(b, h, head, true);
    }
    const cAt = b * rows * outRow + first * v.size;
    if (rows === 1) {
      gemm({
        m: stack, n: v.size, k: keys, a: scores, aOffset: 0, lda: keys, transA: false,
        b: v.data, bOffset: vAt, ldb: v.rowStride, transB: false, c: out, cOffset: cAt, ldc: v.size, alpha: 1, beta: 0,
      });
      continue;
    }
    for (let s = 0; s < stack; s++) {
      gemm({
        m: rows, n: v.size, k: keys, a: scores, aOffset: s * block, lda: keys, transA: false,
        b: v.data, bOffset: vAt, ldb: v.rowStride, transB: false, c: out, cOffset: cAt + s * v.size, ldc: outRow, alpha: 1, beta: 0,
      });
    }
  }
}
