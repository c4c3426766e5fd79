/**
 * The score transforms the ai.onnx.ml classifiers and regressors share, with onnxruntime's
 * rules for where they apply: a row of two or more scores is transformed as a whole, while a
 * single score per row is left alone except by PROBIT (a softmax of one score says nothing), and
 * a binary classifier with one score per row widens it to two columns.
 */
import { KernelInputError } from '../../errors/errors.js';

export type PostTransform = 'NONE' | 'SOFTMAX' | 'LOGISTIC' | 'SOFTMAX_ZERO' | 'PROBIT';

/** TreeEnsemble (ai.onnx.ml 5) encodes the transform as an index into this list. */
const BY_CODE: readonly PostTransform[] = ['NONE', 'SOFTMAX', 'LOGISTIC', 'SOFTMAX_ZERO', 'PROBIT'];

export function parsePostTransform(value: string | number): PostTransform {
  const found = typeof value === 'number' ? BY_CODE[value] : BY_CODE.find((t) => t === value);
  if (found === undefined) throw new KernelInputError(`attribute 'post_transform' must be one of ${BY_CODE.join(', ')}, got ${JSON.stringify(value)}`);
  return found;
}

export function logistic(x: number): number {
  const v = 1 / (1 + Math.exp(-Math.abs(x)));
  return x < 0 ? 1 - v : v;
}

/** The inverse-erf approximation (a = 0.147) that onnxruntime and the ONNX reference both use. */
function erfInv(x: number): number {
  const sign = x < 0 ? -1 : 1;
  const ln = Math.log((1 - x) * (1 + x));
  const v = 2 / (3.14159 * 0.147) + 0.5 * ln;
  return sign * Math.sqrt(-v + Math.sqrt(v * v - ln / 0.147));
}

export function probit(x: number): number {
  return Math.SQRT2 * erfInv(2 * x - 1);
}

function softmax(row: Float64Array, zeroStaysZero: boolean): void {
  let max = -Infinity;
  for (const v of row) max = Math.max(max, v);
  let sum = 0;
  for (let i = 0; i < row.length; i++) {
    // SOFTMAX_ZERO leaves (near-)zero scores out of the distribution: they scale to ~0.
    const v = row[i];
    row[i] = zeroStaysZero && Math.abs(v) <= 1e-7 ? v * Math.exp(-max) : Math.exp(v - max);
    sum += row[i];
  }
  for (let i = 0; i < row.length; i++) row[i] /= sum;
}

/** Transforms `scores` ([rows, cols], row-major) in place. */
export function transformScores(scores: Float64Array, cols: number, transform: PostTransform): void {
  if (transform === 'NONE' || cols === 0) return;
  if (cols === 1 && transform !== 'PROBIT') return;
  for (let start = 0; start < scores.length; start += cols) {
    const row = scores.subarray(start, start + cols);
    switch (transform) {
      case 'LOGISTIC': row.forEach((v, i) => (row[i] = logistic(v))); break;
      case 'PROBIT': row.forEach((v, i) => (row[i] = probit(v))); break;
      case 'SOFTMAX': softmax(row, false); break;
      case 'SOFTMAX_ZERO': softmax(row, true); break;
    }
  }
}

/** How onnxruntime widens a lone binary score to two columns: as a probability (1 - p, p) or a margin (-s, s). */
export type Widening = 'complement' | 'margin';

export function widenScore(score: number, widening: Widening, transform: PostTransform): [number, number] {
  // onnxruntime transforms the lone score and leaves the second column unwritten (zero).
  if (transform === 'PROBIT') return [probit(score), 0];
  if (widening === 'complement') return [1 - score, score];
  return transform === 'LOGISTIC' ? [logistic(-score), logistic(score)] : [-score, score];
}
