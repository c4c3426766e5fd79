/**
 * The arithmetic the com.microsoft attention ops share: per batch entry and query head,
 * softmax(logits(scale * Q K^T)) V, where each op's `logits` adds its masks and biases to a row
 * of scores in place (-Infinity drops a key) and query head h reads key/value head
 * h / (heads / kvHeads). An optional sink logit per head joins every softmax denominator
 * without contributing a value. Scores and probabilities stay in doubles; `inspect` sees each
 * row as logits and again as probabilities, for the ops that return one or the other.
 */
import { gemm, type FloatArray } from '../linalg/gemm-core.js';

/** [batch, heads, rows, size] data. A cache may hold more key rows than are valid; `logits` hides the rest. */
export interface Heads {
  readonly data: FloatArray;
  readonly heads: number;
  readonly rows: number;
  readonly size: number;
}

export interface AttentionProblem {
  readonly batch: number;
  readonly q: Heads;
  readonly k: Heads;
  readonly v: Heads;
  readonly scale: number;
  readonly logits: (b: number, h: number, i: number, scores: Float64Array) => void;
  readonly sink?: (h: number) => number;
  readonly inspect?: (b: number, h: number, i: number, row: Float64Array, probabilities: boolean) => void;
}

function softmaxRow(row: Float64Array, sink: number): void {
  let max = sink;
  for (let j = 0; j < row.length; j++) if (row[j] > max) max = row[j];
  if (max === -Infinity) {
    row.fill(0);
    return;
  }
  let sum = Math.exp(sink - max);
  for (let j = 0; j < row.length; j++) {
    row[j] = Math.exp(row[j] - max);
    sum += row[j];
  }
  for (let j = 0; j < row.length; j++) row[j] /= sum;
}

/** The attention output as [batch, seq, heads * v.size], written into `out`. */
export function attend(p: AttentionProblem, out: FloatArray): void {
  const { q, k, v } = p;
  const keys = k.rows;
  const group = q.heads / k.heads;
  const scores = new Float64Array(q.rows * keys);
  const outRow = q.heads * v.size;
  for (let b = 0; b < p.batch; b++) {
    for (let h = 0; h < q.heads; h++) {
      const kvHead = b * k.heads + Math.floor(h / group);
      gemm({
        m: q.rows, n: keys, k: q.size, a: q.data, aOffset: (b * q.heads + h) * q.rows * q.size, lda: q.size, transA: false,
        b: k.data, bOffset: kvHead * k.rows * k.size, ldb: k.size, transB: true, c: scores, cOffset: 0, ldc: keys, alpha: p.scale, beta: 0,
      });
      const sink = p.sink ? p.sink(h) : -Infinity;
      for (let i = 0; i < q.rows; i++) {
        const row = scores.subarray(i * keys, (i + 1) * keys);
        p.logits(b, h, i, row);
        p.inspect?.(b, h, i, row, false);
        softmaxRow(row, sink);
        p.inspect?.(b, h, i, row, true);
      }
      gemm({
        m: q.rows, n: v.size, k: keys, a: scores, aOffset: 0, lda: keys, transA: false,
        b: v.data, bOffset: kvHead * v.rows * v.size, ldb: v.size, transB: false,
        c: out, cOffset: b * q.rows * outRow + h * v.size, ldc: outRow, alpha: 1, beta: 0,
      });
    }
  }
}
