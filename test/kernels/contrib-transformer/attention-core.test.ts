import { describe, expect, it } from 'vitest';
import { attend, bnshHeads, softmaxRows, tokenMajorHeads, type Heads, type RowHook } from '../../../src/kernels/contrib-transformer/attention-core.js';
import { Rng } from '../../support/random.js';

interface CoreCase {
  batch: number;
  seq: number;
  keys: number;
  heads: number;
  kvHeads: number;
  size: number;
  vSize: number;
  sink?: number;
}

/** Element [b, h, r, d] of heads in any layout. */
function at(x: Heads, b: number, h: number, r: number, d: number): number {
  return x.data[x.offset + b * x.batchStride + h * x.headStride + r * x.rowStride + d];
}

/** softmax(logits(scale Q K^T)) V in doubles, element by element. */
function reference(c: CoreCase, q: Heads, k: Heads, v: Heads, scale: number, logits?: RowHook): Float64Array {
  const out = new Float64Array(c.batch * c.seq * c.heads * c.vSize);
  const group = c.heads / c.kvHeads;
  for (let b = 0; b < c.batch; b++) {
    for (let h = 0; h < c.heads; h++) {
      const kv = Math.floor(h / group);
      for (let i = 0; i < c.seq; i++) {
        const row = new Float32Array(c.keys);
        for (let j = 0; j < c.keys; j++) {
          let dot = 0;
          for (let d = 0; d < c.size; d++) dot += at(q, b, h, i, d) * at(k, b, kv, j, d);
          row[j] = scale * dot;
        }
        logits?.(b, h, i, row, 0);
        const sink = c.sink ?? -Infinity;
        const max = Math.max(sink, ...row);
        const exps = Array.from(row, (s) => (max === -Infinity ? 0 : Math.exp(s - max)));
        const sum = exps.reduce((a, e) => a + e, sink === -Infinity ? 0 : Math.exp(sink - max));
        for (let d = 0; d < c.vSize; d++) {
          let acc = 0;
          for (let j = 0; j < c.keys; j++) acc += (sum === 0 ? 0 : exps[j] / sum) * at(v, b, kv, j, d);
          out[((b * c.seq + i) * c.heads + h) * c.vSize + d] = acc;
        }
      }
    }
  }
  return out;
}

function expectClose(actual: Float32Array, expected: Float64Array, label: string): void {
  expect(actual.length, label).toBe(expected.length);
  for (let i = 0; i < actual.length; i++) {
    if (!(Math.abs(actual[i] - expected[i]) <= 1e-5 + 1e-4 * Math.abs(expected[i]))) {
      expect.fail(`${label}: element ${i} is ${actual[i]}, reference ${expected[i]}`);
    }
  }
}

const cases: [string, CoreCase][] = [
  ['small, odd sizes', { batch: 2, seq: 3, keys: 5, heads: 2, kvHeads: 2, size: 3, vSize: 7 }],
  ['sequence 1', { batch: 3, seq: 1, keys: 9, heads: 4, kvHeads: 2, size: 5, vSize: 5 }],
  ['large enough for the WebAssembly GEMM, grouped heads', { batch: 2, seq: 37, keys: 41, heads: 6, kvHeads: 2, size: 13, vSize: 11 }],
  ['large, multi-query, with a sink logit', { batch: 1, seq: 29, keys: 29, heads: 3, kvHeads: 1, size: 17, vSize: 9, sink: 0.5 }],
  ['one query row, grouped heads (stacked products)', { batch: 2, seq: 1, keys: 300, heads: 8, kvHeads: 2, size: 16, vSize: 12 }],
  ['no keys', { batch: 2, seq: 3, keys: 0, heads: 2, kvHeads: 1, size: 4, vSize: 3 }],
];

describe('attend', () => {
  it.each(cases)('%s: BNSH and token-major layouts match the reference', (_, c) => {
    const rng = new Rng(c.seq * 31 + c.keys);
    const bnsh = {
      q: bnshHeads(rng.floats(c.batch * c.heads * c.seq * c.size), c.heads, c.seq, c.size),
      k: bnshHeads(rng.floats(c.batch * c.kvHeads * c.keys * c.size), c.kvHeads, c.keys, c.size),
      v: bnshHeads(rng.floats(c.batch * c.kvHeads * c.keys * c.vSize), c.kvHeads, c.keys, c.vSize),
    };
    // Q, K and V side by side in [batch, rows, width] token rows, with a gap of 3 floats before each.
    const width = 3 + c.heads * c.size + c.kvHeads * (c.size + c.vSize);
    const rows = Math.max(c.seq, c.keys);
    const packed = rng.floats(c.batch * rows * width);
    const tokens = {
      q: { ...tokenMajorHeads(packed, c.heads, c.seq, c.size, width, 3), batchStride: rows * width },
      k: { ...tokenMajorHeads(packed, c.kvHeads, c.keys, c.size, width, 3 + c.heads * c.size), batchStride: rows * width },
      v: { ...tokenMajorHeads(packed, c.kvHeads, c.keys, c.vSize, width, 3 + (c.heads + c.kvHeads) * c.size), batchStride: rows * width },
    };
    const scale = 1 / Math.sqrt(c.size);
    // A causal-style mask: key j hidden from row i beyond i + 2.
    const logits: RowHook = (_b, _h, i, scores, from) => scores.fill(-Infinity, from + Math.min(i + 3, c.keys), from + c.keys);
    for (const [layout, { q, k, v }] of [['BNSH', bnsh], ['token-major', tokens]] as const) {
      const out = new Float32Array(c.batch * c.seq * c.heads * c.vSize).fill(NaN);
      const sink = c.sink;
      attend({ batch: c.batch, q, k, v, scale, logits, sink: sink === undefined ? undefined : () => sink }, out);
      expectClose(out, reference(c, q, k, v, scale, logits), `${layout} ${JSON.stringify(c)}`);
    }
  });
});

describe('softmaxRows', () => {
  it('normalizes each row, leaves a row of -Infinity as zeros, and counts the sink in the denominator', () => {
    const scores = Float32Array.from([1, 2, 3, -Infinity, -Infinity, -Infinity, 0, -Infinity, 0]);
    softmaxRows(scores, 3, 3, -Infinity);
    const e = [Math.exp(-2), Math.exp(-1), 1];
    const total = e[0] + e[1] + e[2];
    e.forEach((x, j) => expect(scores[j]).toBeCloseTo(x / total, 6));
    expect(Array.from(scores.subarray(3, 6))).toEqual([0, 0, 0]);
    expect(Array.from(scores.subarray(6))).toEqual([0.5, 0, 0.5]);

    const withSink = Float32Array.from([7, 0, 0, 7]);
    softmaxRows(withSink, 1, 2, 0, 1);
    expect(Array.from(withSink)).toEqual([7, ...[1 / 3, 1 / 3].map(Math.fround), 7]);
  });

  it('matches a double-precision softmax within 1e-6 on blocks large enough for WebAssembly, masked keys included', () => {
    let seed = 5;
    const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    for (const [rows, keys] of [[9, 8], [13, 9], [7, 17], [5, 100], [3, 129], [128, 128]]) {
      for (const fullyMasked of [false, true]) {
        const scores = Float32Array.from({ length: rows * keys }, (_, at) => (at % keys !== 0 && random() < 0.2 ? -Infinity : 8 * random() - 4));
        if (fullyMasked) scores.fill(-Infinity, keys, 2 * keys);
        const input = scores.slice();
        softmaxRows(scores, rows, keys, -Infinity);
        for (let i = 0; i < rows; i++) {
          const row = Array.from(input.subarray(i * keys, (i + 1) * keys));
          const max = Math.max(...row);
          const e = row.map((x) => (max === -Infinity ? 0 : Math.exp(x - max)));
          const sum = e.reduce((a, b) => a + b, 0);
          for (let j = 0; j < keys; j++) {
            const want = sum === 0 ? 0 : e[j] / sum;
            const got = scores[i * keys + j];
            if (!(Math.abs(got - want) <= 1e-6 * want + 1e-12)) expect.fail(`${rows}x${keys} fullyMasked=${fullyMasked}: [${i},${j}] is ${got}, expected ${want}`);
          }
        }
      }
    }
  });

  it('turns a row holding NaN into NaN only', () => {
    const scores = Float32Array.from([0, NaN, 1, 1]);
    softmaxRows(scores, 2, 2, -Infinity);
    expect(Number.isNaN(scores[0]) && Number.isNaN(scores[1])).toBe(true);
    expect(Array.from(scores.subarray(2))).toEqual([0.5, 0.5]);
  });
});
