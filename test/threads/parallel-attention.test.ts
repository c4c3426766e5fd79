/**
 * Attention heads across the GEMM pool against attend's one-thread loop: bit-identical output
 * on random shapes (odd sizes, one query row, several batch entries), both head layouts, with
 * and without masks and biases; and the cases that must stay on one thread.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wasmGemmHeap, wasmGemmVariant } from '../../src/backends/wasm/wasm-gemm.js';
import { createNodeWorkerStarter } from '../../src/platform/node-worker-host.js';
import { GemmPool } from '../../src/backends/threads/gemm-pool.js';
import { parallelAttend } from '../../src/backends/threads/parallel-attention.js';
import { attendHeads, bnshHeads, tokenMajorHeads, type AttentionProblem, type RowHook } from '../../src/kernels/contrib-transformer/attention-core.js';
import { expectGuardsIntact, placeInHeap } from '../support/heap-guards.js';
import { Rng } from '../support/random.js';
import { workerScripts } from './support/worker-scripts.js';

const variant = wasmGemmVariant();
let pool: GemmPool;

beforeAll(async () => {
  if (variant) pool = await GemmPool.start(2, createNodeWorkerStarter(await workerScripts()), variant);
});

afterAll(async () => {
  await pool?.close();
});

function randomFloats(rng: Rng, length: number): Float32Array {
  return Float32Array.from({ length }, () => rng.uniform(-1, 1));
}

/** A problem over one projected [batch, rows, 3 * heads * size] array, or separate BNSH arrays. */
function randomProblem(rng: Rng, batch: number, heads: number, rows: number, keys: number, size: number, logits?: RowHook): AttentionProblem {
  const scale = 1 / Math.sqrt(size);
  if (rows === keys && rng.next() < 0.5) {
    const width = 3 * heads * size;
    const projected = randomFloats(rng, batch * rows * width);
    return {
      batch, scale, logits, additiveLogits: true,
      q: tokenMajorHeads(projected, heads, rows, size, width, 0),
      k: tokenMajorHeads(projected, heads, rows, size, width, heads * size),
      v: tokenMajorHeads(projected, heads, rows, size, width, 2 * heads * size),
    };
  }
  return {
    batch, scale, logits, additiveLogits: true,
    q: bnshHeads(randomFloats(rng, batch * heads * rows * size), heads, rows, size),
    k: bnshHeads(randomFloats(rng, batch * heads * keys * size), heads, keys, size),
    v: bnshHeads(randomFloats(rng, batch * heads * keys * size), heads, keys, size),
  };
}

/** A key mask per entry (some keys -Infinity) and a bias per head and row: what the attention ops add. */
function maskAndBias(rng: Rng, batch: number, heads: number, keys: number): RowHook {
  const masked = Array.from({ length: batch }, () => Array.from({ length: keys }, (_, j) => j > 0 && rng.next() < 0.25));
  const bias = randomFloats(rng, heads * keys);
  return (b, h, i, scores, at) => {
    for (let j = 0; j < keys; j++) scores[at + j] += masked[b][j] ? -Infinity : Math.fround(bias[h * keys + j] * (1 + (i % 3)));
  };
}

/** A key and row mask per entry, the same for every head (some keys -Infinity, others a finite filter). */
function headFreeMask(rng: Rng, batch: number, rows: number, keys: number): RowHook {
  const masked = Float32Array.from({ length: batch * rows * keys }, (_, at) => (at % keys === 0 ? 0 : [0, 0, -Infinity, -10000][rng.int(0, 3)]));
  return (b, _h, i, scores, at) => {
    for (let j = 0; j < keys; j++) scores[at + j] += masked[(b * rows + i) * keys + j];
  };
}

function expectBitIdentical(actual: Float32Array, expected: Float32Array, what: string): void {
  const a = new Uint32Array(actual.buffer, actual.byteOffset, actual.length);
  const e = new Uint32Array(expected.buffer, expected.byteOffset, expected.length);
  let first = -1;
  for (let i = 0; i < e.length && first < 0; i++) if (a[i] !== e[i]) first = i;
  expect(first, `${what}: first differing element`).toBe(-1);
}

/** A random problem of the sizes the parallel split meets (odd ones among them), with what one thread computes for it. */
function randomTrial(rng: Rng): { p: AttentionProblem; expected: Float32Array; what: string } {
  const batch = rng.int(1, 2);
  const heads = rng.int(2, 12);
  const rows = [1, 33, 128, 131, 200][rng.int(0, 4)];
  const keys = rng.next() < 0.5 ? rows : rng.int(1, 260);
  const size = [17, 64, 64][rng.int(0, 2)];
  const logits = rng.next() < 0.7 ? maskAndBias(rng, batch, heads, keys) : undefined;
  const p = randomProblem(rng, batch, heads, rows, keys, size, logits);
  const expected = new Float32Array(batch * rows * heads * size).fill(Number.NaN);
  attendHeads(p, expected, 0, batch * heads);
  return { p, expected, what: `batch=${batch} heads=${heads} rows=${rows} keys=${keys} size=${size} logits=${logits !== undefined}` };
}

describe.skipIf(!variant)('parallelAttend', () => {
  it('equals attend on one thread bit for bit', () => {
    const rng = new Rng(31);
    let parallel = 0;
    for (let trial = 0; trial < 24; trial++) {
      const { p, expected, what: shape } = randomTrial(rng);
      const actual = new Float32Array(expected.length).fill(Number.NaN);
      const threads = rng.int(2, 3);
      const ran = parallelAttend(pool, p, actual, threads, (from, to) => attendHeads(p, actual, from, to));
      const what = `${shape} threads=${threads}`;
      if (!ran) {
        expect(actual.every(Number.isNaN), `${what}: declined, nothing written`).toBe(true);
        continue;
      }
      parallel++;
      expectBitIdentical(actual, expected, what);
    }
    expect(parallel).toBeGreaterThan(6);
  });

  it('reads Q, K and V and writes the output where they lie in the shared heap, the caller\'s heads too, with the one-thread bits', () => {
    const rng = new Rng(33);
    let parallel = 0;
    for (let trial = 0; trial < 16; trial++) {
      const { p, expected, what: shape } = randomTrial(rng);
      const arrays = [...new Set([p.q.data, p.k.data, p.v.data])];
      const placed = placeInHeap(wasmGemmHeap()!, [...arrays, expected.map(() => Number.NaN)], () => rng.int(0, 3));
      const moved = (data: Float32Array): Float32Array => placed[arrays.indexOf(data)];
      const inHeap = { ...p, q: { ...p.q, data: moved(p.q.data) }, k: { ...p.k, data: moved(p.k.data) }, v: { ...p.v, data: moved(p.v.data) } };
      const out = placed[arrays.length];
      expect(pool.heapIndex(out)).toBeGreaterThanOrEqual(0);
      const threads = rng.int(2, 3);
      const what = `${shape} threads=${threads}`;
      // The caller computes its own heads, and any it takes back, from the heap as helpers do: never through attend's loop.
      const loop = (): void => {
        throw new Error(`${what}: attend's loop ran`);
      };
      if (!parallelAttend(pool, inHeap, out, threads, loop)) {
        expect(out.every(Number.isNaN), `${what}: declined, nothing written`).toBe(true);
        continue;
      }
      parallel++;
      expectBitIdentical(out, expected, what);
      placed.forEach((view, i) => expectGuardsIntact(view, `${what} operand ${i}`));
    }
    expect(parallel).toBeGreaterThan(5);
  });

  it('stages logits once per batch entry where they ignore the head, with the one-thread bits', () => {
    const rng = new Rng(34);
    let parallel = 0;
    for (let trial = 0; trial < 12; trial++) {
      const batch = rng.int(1, 3);
      const heads = rng.int(2, 12);
      const rows = [33, 128, 131][rng.int(0, 2)];
      const keys = rng.next() < 0.5 ? rows : rng.int(9, 260);
      const size = [17, 64][rng.int(0, 1)];
      const p = { ...randomProblem(rng, batch, heads, rows, keys, size, headFreeMask(rng, batch, rows, keys)), headInvariantLogits: true };
      const expected = new Float32Array(batch * rows * heads * size).fill(Number.NaN);
      attendHeads(p, expected, 0, batch * heads);
      const inHeap = rng.next() < 0.5;
      const out = inHeap ? placeInHeap(wasmGemmHeap()!, [expected.map(() => Number.NaN)], () => 1)[0] : new Float32Array(expected.length).fill(Number.NaN);
      const threads = rng.int(2, 3);
      const what = `batch=${batch} heads=${heads} rows=${rows} keys=${keys} size=${size} threads=${threads} out in heap=${inHeap}`;
      if (!parallelAttend(pool, p, out, threads, (from, to) => attendHeads(p, out, from, to))) continue;
      parallel++;
      expectBitIdentical(out, expected, what);
    }
    expect(parallel).toBeGreaterThan(4);
  });

  it('stays on one thread for shared key heads, logits that do more than add, a sink, inspected scores, or little work', () => {
    const rng = new Rng(32);
    const p = randomProblem(rng, 1, 8, 128, 128, 64);
    const out = new Float32Array(128 * 8 * 64);
    const never = (): void => {
      throw new Error('attendHeads must not run');
    };
    const grouped = { ...p, k: { ...p.k, heads: 4 }, v: { ...p.v, heads: 4 } };
    expect(parallelAttend(pool, grouped, out, 2, never)).toBe(false);
    expect(parallelAttend(pool, { ...p, sink: () => 0 }, out, 2, never)).toBe(false);
    expect(parallelAttend(pool, { ...p, inspect: () => undefined }, out, 2, never)).toBe(false);
    expect(parallelAttend(pool, { ...p, logits: () => undefined, additiveLogits: false }, out, 2, never)).toBe(false);
    expect(parallelAttend(pool, randomProblem(rng, 1, 2, 16, 16, 8), out, 2, never)).toBe(false);
    expect(parallelAttend(pool, p, out, 1, never)).toBe(false);
  });
});
