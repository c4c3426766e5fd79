/**
 * The attention softmax over rows of scores, apart from attention-core.ts so that GEMM helper
 * threads (backends/threads/attention-helper.ts) can run it without the GEMM front end.
 */
import { wasmSoftmaxRowsF32 } from '../../backends/wasm/elementwise-host.js';
import { fastExp } from '../support/fast-math.js';

/**
 * Below this, e^x rounds to zero in float32 and vanishes beside the row's largest term (1) in a
 * double sum, so skipping fastExp changes no bit; masked keys (causal rows) land here.
 */
export const FLOAT32_EXP_UNDERFLOW = -104;

/**
 * Softmax of `rows` rows of `keys` scores from `from`, in place; a row of only -Infinity (sink
 * included) becomes zeros. Without a sink, rows run on the WebAssembly softmax (within 1e-6
 * relative) unless one may be all -Infinity (its first score is), which that softmax makes NaN.
 */
export function softmaxRows(scores: Float32Array, rows: number, keys: number, sink: number, from = 0): void {
  if (sink === -Infinity && !mayBeFullyMasked(scores, rows, keys, from)) {
    const block = scores.subarray(from, from + rows * keys);
    if (wasmSoftmaxRowsF32(block, block, rows, keys, false)) return;
  }
  for (let i = 0, at = from; i < rows; i++, at += keys) {
    const end = at + keys;
    let max = sink;
    for (let j = at; j < end; j++) if (scores[j] > max) max = scores[j];
    if (max === -Infinity) {
      scores.fill(0, at, end);
      continue;
    }
    let sum = sink === -Infinity ? 0 : Math.exp(sink - max);
    for (let j = at; j < end; j++) {
      const x = scores[j] - max;
      const e = x < FLOAT32_EXP_UNDERFLOW ? 0 : fastExp(x);
      scores[j] = e;
      sum += e;
    }
    const inverse = 1 / sum;
    for (let j = at; j < end; j++) scores[j] *= inverse;
  }
}

function mayBeFullyMasked(scores: Float32Array, rows: number, keys: number, from: number): boolean {
  for (let at = from, end = from + rows * keys; at < end; at += keys) if (scores[at] === -Infinity) return true;
  return false;
}
