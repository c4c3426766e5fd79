import { describe, expect, it } from 'vitest';
import { attendHeads, bnshHeads, tokenMajorHeads, type AttentionProblem, type Heads, type RowHook } from '../../../src/kernels/contrib-transformer/attention-core.js';
import { attendHeadsDirect, directAttentionFits, DIRECT_MAX_HEAD_WORK } from '../../../src/kernels/contrib-transformer/attend-direct.js';
import { softmaxRows } from '../../../src/kernels/contrib-transformer/softmax-rows.js';
import { Rng } from '../../support/random.js';

interface Shape {
  batch: number;
  seq: number;
  keys: number;
  heads: number;
  kvHeads: number;
  size: number;
  vSize: number;
}

function randomShape(rng: Rng): Shape {
  const kvHeads = rng.int(1, 3);
  return { batch: rng.int(1, 3), seq: rng.int(1, 19), keys: rng.int(1, 37), heads: kvHeads * rng.int(1, 3), kvHeads, size: rng.int(1, 9), vSize: rng.int(1, 9) };
}

/** Q, K and V token-major in one [batch, rows, width] array (as Attention projects them), or each BNSH. */
function randomHeads(rng: Rng, s: Shape, tokenMajor: boolean): { q: Heads; k: Heads; v: Heads } {
  if (!tokenMajor) {
    return {
      q: bnshHeads(rng.floats(s.batch * s.heads * s.seq * s.size), s.heads, s.seq, s.size),
      k: bnshHeads(rng.floats(s.batch * s.kvHeads * s.keys * s.size), s.kvHeads, s.keys, s.size),
      v: bnshHeads(rng.floats(s.batch * s.kvHeads * s.keys * s.vSize), s.kvHeads, s.keys, s.vSize),
    };
  }
  const width = s.heads * s.size + s.kvHeads * (s.size + s.vSize) + 1;
  const rows = Math.max(s.seq, s.keys);
  const data = rng.floats(s.batch * rows * width);
  const batchStride = rows * width;
  return {
    q: { ...tokenMajorHeads(data, s.heads, s.seq, s.size, width, 1), batchStride },
    k: { ...tokenMajorHeads(data, s.kvHeads, s.keys, s.size, width, 1 + s.heads * s.size), batchStride },
    v: { ...tokenMajorHeads(data, s.kvHeads, s.keys, s.vSize, width, 1 + s.heads * s.size + s.kvHeads * s.size), batchStride },
  };
}

/** A causal mask at float32's lowest (as Attention's unidirectional flag) plus a per-head bias. */
function causalWithBias(s: Shape, rng: Rng): RowHook {
  const bias = rng.floats(s.heads * s.seq * s.keys);
  return (_b, h, i, scores, at) => {
    for (let j = 0; j < s.keys; j++) scores[at + j] += bias[(h * s.seq + i) * s.keys + j];
    scores.fill(-3.4028234663852886e38, at + Math.max(0, Math.min(s.keys, s.keys - s.seq + i + 1)), at + s.keys);
  };
}

function expectNear(actual: Float32Array, expected: Float32Array, label: string): void {
  for (let i = 0; i < actual.length; i++) {
    if (!(Math.abs(actual[i] - expected[i]) <= 2e-6 + 2e-5 * Math.abs(expected[i]))) {
      expect.fail(`${label}: element ${i} is ${actual[i]}, the GEMM path gives ${expected[i]}`);
    }
  }
}

describe('attendHeadsDirect', () => {
  it('matches the GEMM path within 2e-6 + 2e-5 relative on random odd shapes, layouts, masks, causal offsets and sinks', () => {
    const rng = new Rng(17);
    for (let trial = 0; trial < 80; trial++) {
      const s = randomShape(rng);
      const tokenMajor = trial % 2 === 0;
      const { q, k, v } = randomHeads(rng, s, tokenMajor);
      const logits = trial % 3 === 0 ? undefined : causalWithBias(s, rng);
      const sinkValue = trial % 5 === 0 ? rng.next() : undefined;
      const sink = sinkValue === undefined ? undefined : (): number => sinkValue;
      const causalOffset = logits && s.keys >= s.seq && trial % 4 < 2 ? s.keys - s.seq : undefined;
      const problem: AttentionProblem = { batch: s.batch, q, k, v, scale: 1 / Math.sqrt(s.size), logits, sink, causalOffset };
      const label = `${JSON.stringify(s)} tokenMajor=${tokenMajor} logits=${!!logits} sink=${sinkValue} causalOffset=${causalOffset}`;
      const units = s.batch * s.heads;
      const general = new Float32Array(units * s.seq * s.vSize).fill(NaN);
      const direct = new Float32Array(general.length).fill(NaN);
      attendHeads(problem, general, 0, units);
      attendHeadsDirect(problem, direct, 0, units);
      expectNear(direct, general, label);
    }
  });

  it('gives the same bits with a causal offset as without, where the logits mask what it skips', () => {
    const rng = new Rng(23);
    for (let trial = 0; trial < 20; trial++) {
      const s = randomShape(rng);
      s.keys = s.seq + rng.int(0, 5);
      const { q, k, v } = randomHeads(rng, s, trial % 2 === 0);
      const logits = causalWithBias(s, rng);
      const base: AttentionProblem = { batch: s.batch, q, k, v, scale: 0.7, logits };
      const units = s.batch * s.heads;
      const full = new Float32Array(units * s.seq * s.vSize);
      const skipping = new Float32Array(full.length).fill(NaN);
      attendHeadsDirect(base, full, 0, units);
      attendHeadsDirect({ ...base, causalOffset: s.keys - s.seq }, skipping, 0, units);
      expect(Array.from(skipping), JSON.stringify(s)).toEqual(Array.from(full));
    }
  });

  it('gives zeros for rows whose every key is -Infinity, and NaN for rows holding NaN', () => {
    const s: Shape = { batch: 1, seq: 3, keys: 4, heads: 1, kvHeads: 1, size: 2, vSize: 3 };
    const { q, k, v } = randomHeads(new Rng(5), s, false);
    const logits: RowHook = (_b, _h, i, scores, at) => {
      if (i === 0) scores.fill(-Infinity, at, at + 4);
      if (i === 1) scores[at + 2] = NaN;
    };
    const out = new Float32Array(9);
    attendHeadsDirect({ batch: 1, q, k, v, scale: 1, logits }, out, 0, 1);
    expect(Array.from(out.subarray(0, 3))).toEqual([0, 0, 0]);
    expect(Array.from(out.subarray(3, 6)).every(Number.isNaN)).toBe(true);
    expect(Array.from(out.subarray(6)).every(Number.isFinite)).toBe(true);
  });

  it('computes only the units it is given and handles empty heads', () => {
    const s: Shape = { batch: 2, seq: 3, keys: 5, heads: 2, kvHeads: 1, size: 3, vSize: 2 };
    const rng = new Rng(3);
    const { q, k, v } = randomHeads(rng, s, false);
    const p: AttentionProblem = { batch: 2, q, k, v, scale: 0.5 };
    const general = new Float32Array(2 * 3 * 2 * 2);
    const direct = new Float32Array(general.length).fill(NaN);
    attendHeads(p, general, 0, 4);
    attendHeadsDirect(p, direct, 1, 3);
    direct.forEach((x, i) => {
      const head = Math.floor(i / 2) % 2;
      const entry = Math.floor(i / 12);
      const unit = entry * 2 + head;
      if (unit >= 1 && unit < 3) expect(Math.abs(x - general[i])).toBeLessThan(1e-6);
      else expect(Number.isNaN(x)).toBe(true);
    });

    const empty = { ...s, keys: 0 };
    const none = randomHeads(rng, empty, true);
    const out = new Float32Array(2 * 3 * 2 * 2).fill(NaN);
    attendHeadsDirect({ batch: 2, ...none, scale: 1 }, out, 0, 4);
    expect(Array.from(out).every((x) => x === 0)).toBe(true);
  });

  it('takes heads up to its work limit, and none whose scores are inspected', () => {
    const heads = (rows: number, size: number): Heads => bnshHeads(new Float32Array(rows * size), 1, rows, size);
    expect(directAttentionFits({ batch: 1, q: heads(32, 1), k: heads(32, 1), v: heads(32, 1), scale: 1 })).toBe(true);
    expect(directAttentionFits({ batch: 1, q: heads(32, 1), k: heads(32, 1), v: heads(32, 1), scale: 1, inspect: () => undefined })).toBe(false);
    const side = Math.ceil(Math.sqrt(DIRECT_MAX_HEAD_WORK / 2)) + 1;
    expect(directAttentionFits({ batch: 1, q: heads(side, 1), k: heads(side, 1), v: heads(side, 1), scale: 1 })).toBe(false);
  });
});

describe('softmaxRows in TypeScript', () => {
  it('matches a double-precision softmax within float32 rounding where keys lie far below the row maximum', () => {
    const rng = new Rng(9);
    for (const keys of [1, 7, 33]) {
      // Each row's first score is ordinary, so a finite sink far below it weighs nothing yet keeps these rows off the WebAssembly softmax.
      const sink = -1e30;
      const scores = Float32Array.from({ length: 5 * keys }, (_, j) => (j % keys === 0 ? 4 * rng.next() : j % 3 === 2 ? -3.4028234663852886e38 : j % 4 === 1 ? -103.9 + rng.next() : 4 * rng.next()));
      const input = scores.slice();
      softmaxRows(scores, 5, keys, sink);
      for (let i = 0; i < 5; i++) {
        const row = Array.from(input.subarray(i * keys, (i + 1) * keys));
        const max = Math.max(...row);
        const e = row.map((x) => Math.exp(x - max));
        const sum = e.reduce((a, b) => a + b, 0);
        row.forEach((_, j) => expect(Math.abs(scores[i * keys + j] - e[j] / sum), `${keys} keys [${i},${j}]`).toBeLessThanOrEqual(1.2e-7 * (e[j] / sum) + 1e-45));
      }
    }
  });
});
