/**
 * The parallel GEMM against the one-thread WebAssembly GEMM: bit-identical C on random shapes,
 * layouts and scalars (the blocks are tile-aligned, so each element is summed in the same
 * order), C untouched outside its view and wherever the pool declines, and helpers that never
 * wake or die mid-block costing time, never a hang or a wrong result.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wasmGemmF32, wasmGemmHeap, wasmGemmVariant } from '../../src/backends/wasm/wasm-gemm.js';
import type { GemmOperands } from '../../src/kernels/linalg/gemm-core.js';
import { createNodeWorkerStarter } from '../../src/platform/node-worker-host.js';
import type { WorkerHandle, WorkerStarter } from '../../src/platform/worker-handle.js';
import { FAILED, RELEASE_RING, statusOf, type GemmControl } from '../../src/backends/threads/gemm-control.js';
import { GemmPool } from '../../src/backends/threads/gemm-pool.js';
import { splitGemm } from '../../src/backends/threads/gemm-split.js';
import {
  closeIntraOpThreads, parallelGemmF32, provideIntraOpThreads, resolveIntraOpThreads, withIntraOpThreads,
} from '../../src/backends/threads/intra-op.js';
import { expectGuardsIntact, placeInHeap } from '../support/heap-guards.js';
import { Rng } from '../support/random.js';
import { watchedStallingStarter } from './support/stalling-starter.js';
import { workerScripts } from './support/worker-scripts.js';

const variant = wasmGemmVariant();
let scripts: URL;
let start: WorkerStarter;
let pool: GemmPool;

beforeAll(async () => {
  scripts = await workerScripts();
  start = createNodeWorkerStarter(scripts);
  if (variant) pool = await GemmPool.start(2, start, variant);
});

afterAll(async () => {
  await pool?.close();
  await closeIntraOpThreads();
});

const GUARD = -12345.5;

interface Case {
  readonly op: GemmOperands;
  /** C as given, to check what must not change. */
  readonly before: Float32Array;
}

function randomFloats(rng: Rng, length: number): Float32Array {
  return Float32Array.from({ length }, () => rng.uniform(-1, 1));
}

/** A random product with padded strides, offsets, transposes and scalars; C's padding holds GUARD. */
function randomCase(rng: Rng, m: number, n: number, k: number): Case {
  const transA = rng.next() < 0.5;
  const transB = rng.next() < 0.5;
  const pad = () => (rng.next() < 0.5 ? 0 : rng.int(1, 9));
  const lda = (transA ? m : k) + pad();
  const ldb = (transB ? k : n) + pad();
  const ldc = n + pad();
  const [aOffset, bOffset, cOffset] = [rng.int(0, 7), rng.int(0, 7), rng.int(0, 7)];
  const a = randomFloats(rng, aOffset + (transA ? k : m) * lda);
  const b = randomFloats(rng, bOffset + (transB ? n : k) * ldb);
  const c = new Float32Array(cOffset + m * ldc + 5).fill(GUARD);
  for (let i = 0; i < m; i++) c.set(randomFloats(rng, n), cOffset + i * ldc);
  const beta = [0, 1, 0.5][rng.int(0, 2)];
  const alpha = [1, 0.75, -2][rng.int(0, 2)];
  return { op: { m, n, k, a, aOffset, lda, transA, b, bOffset, ldb, transB, c, cOffset, ldc, alpha, beta }, before: c.slice() };
}

/** op with a fresh copy of its C. */
function withFreshC(op: GemmOperands, before: Float32Array): GemmOperands {
  return { ...op, c: before.slice() };
}

function expectBitIdentical(actual: Float32Array, expected: Float32Array, what: string): void {
  const a = new Uint32Array(actual.buffer, actual.byteOffset, actual.length);
  const e = new Uint32Array(expected.buffer, expected.byteOffset, expected.length);
  let first = -1;
  for (let i = 0; i < e.length && first < 0; i++) if (a[i] !== e[i]) first = i;
  expect(first, `${what}: first differing element`).toBe(-1);
}

function recording(base: WorkerStarter): { starter: WorkerStarter; handles: WorkerHandle[] } {
  const handles: WorkerHandle[] = [];
  return { handles, starter: (role) => { const h = base(role); handles.push(h); return h; } };
}

describe('splitGemm', () => {
  it('cuts the larger side into tile-aligned blocks that cover it once', () => {
    const rng = new Rng(3);
    for (let trial = 0; trial < 200; trial++) {
      const [m, n, parts] = [rng.int(1, 700), rng.int(1, 700), rng.int(1, 9)];
      const { axis, blocks } = splitGemm(m, n, parts);
      expect(axis).toBe(m > n ? 'rows' : 'cols');
      const [length, unit] = axis === 'rows' ? [m, 5] : [n, 8];
      expect(blocks.length).toBe(Math.min(parts, Math.ceil(length / unit)));
      let next = 0;
      for (const b of blocks) {
        const [from, to] = axis === 'rows' ? [b.row0, b.row1] : [b.col0, b.col1];
        expect(from).toBe(next);
        expect(from % unit).toBe(0);
        expect(to).toBeGreaterThan(from);
        next = to;
        if (axis === 'rows') expect([b.col0, b.col1]).toEqual([0, n]);
        else expect([b.row0, b.row1]).toEqual([0, m]);
      }
      expect(next).toBe(length);
    }
  });
});

describe.skipIf(!variant)('GemmPool', () => {
  it('equals the one-thread GEMM bit for bit on random shapes and layouts', () => {
    const rng = new Rng(11);
    let parallel = 0;
    for (let trial = 0; trial < 60; trial++) {
      const { op, before } = randomCase(rng, rng.int(1, 400), rng.int(1, 400), rng.int(1, 400));
      const expected = withFreshC(op, before);
      expect(wasmGemmF32(expected)).toBe(true);
      const actual = withFreshC(op, before);
      const threads = rng.int(2, 3);
      const ran = pool.gemm(actual, threads);
      const what = `${op.m}x${op.n}x${op.k} transA=${op.transA} transB=${op.transB} alpha=${op.alpha} beta=${op.beta} threads=${threads}`;
      if (ran) {
        parallel++;
        expectBitIdentical(actual.c as Float32Array, expected.c as Float32Array, what);
      } else {
        expectBitIdentical(actual.c as Float32Array, before, `${what} (declined: C untouched)`);
      }
    }
    // Many of them are large enough to split (above about 8M multiply-adds).
    expect(parallel).toBeGreaterThan(12);
  });

  it('equals it on large products split both ways', () => {
    const rng = new Rng(5);
    for (const [m, n, k] of [[512, 96, 300], [96, 512, 300], [257, 263, 129], [1000, 33, 300]]) {
      const { op, before } = randomCase(rng, m, n, k);
      const expected = withFreshC(op, before);
      wasmGemmF32(expected);
      const actual = withFreshC(op, before);
      expect(pool.gemm(actual, 3)).toBe(true);
      expectBitIdentical(actual.c as Float32Array, expected.c as Float32Array, `${m}x${n}x${k}`);
    }
  });

  it('reads A and writes C where they lie in the shared heap, with the one-thread bits and C untouched outside its view', () => {
    const rng = new Rng(12);
    let parallel = 0;
    for (let trial = 0; trial < 24; trial++) {
      const [m, n] = rng.next() < 0.5 ? [rng.int(200, 500), rng.int(60, 200)] : [rng.int(60, 200), rng.int(200, 500)];
      const { op, before } = randomCase(rng, m, n, rng.int(250, 500));
      const expected = withFreshC(op, before);
      expect(wasmGemmF32(expected)).toBe(true);
      const [a, c] = placeInHeap(wasmGemmHeap()!, [op.a as Float32Array, before], () => rng.int(0, 3));
      expect(pool.heapIndex(a)).toBeGreaterThanOrEqual(0);
      const threads = rng.int(2, 3);
      const what = `${m}x${n}x${op.k} transA=${op.transA} transB=${op.transB} alpha=${op.alpha} beta=${op.beta} threads=${threads}`;
      if (!pool.gemm({ ...op, a, c }, threads)) {
        expectBitIdentical(c, before, `${what} (declined: C untouched)`);
        continue;
      }
      parallel++;
      expectBitIdentical(c, expected.c as Float32Array, what);
      expectGuardsIntact(a, `${what} A`);
      expectGuardsIntact(c, `${what} C`);
    }
    expect(parallel).toBeGreaterThan(12);
  });

  it('declines, leaving C untouched, with one thread, float64, or a small product', () => {
    const rng = new Rng(9);
    const { op, before } = randomCase(rng, 200, 200, 200);
    const one = withFreshC(op, before);
    expect(pool.gemm(one, 1)).toBe(false);
    expectBitIdentical(one.c as Float32Array, before, 'one thread');
    const f64 = { ...op, a: Float64Array.from(op.a), b: Float64Array.from(op.b), c: Float64Array.from(before) };
    expect(pool.gemm(f64, 3)).toBe(false);
    const small = randomCase(rng, 16, 16, 16);
    expect(pool.gemm(withFreshC(small.op, small.before), 3)).toBe(false);
  });

  it('computes the block of a helper that never wakes itself, at once', async () => {
    const { starter, handles } = recording(start);
    const lonely = await GemmPool.start(1, starter, variant!);
    // Terminated without the pool being told: the helper simply never claims its block.
    await handles[0].terminate();
    const { op, before } = randomCase(new Rng(1), 300, 300, 300);
    const expected = withFreshC(op, before);
    wasmGemmF32(expected);
    const actual = withFreshC(op, before);
    const began = performance.now();
    expect(lonely.gemm(actual, 2)).toBe(true);
    expect(performance.now() - began).toBeLessThan(900);
    expectBitIdentical(actual.c as Float32Array, expected.c as Float32Array, 'stolen block');
    await lonely.close();
  });

  it('survives a helper that dies in the middle of its block', async () => {
    const { starter: watching, exits } = watchedStallingStarter(scripts);
    const stalling = await GemmPool.start(1, watching, variant!);
    const { op, before } = randomCase(new Rng(2), 600, 600, 600);
    const expected = withFreshC(op, before);
    wasmGemmF32(expected);
    const actual = withFreshC(op, before);
    const began = performance.now();
    expect(stalling.gemm(actual, 2)).toBe(true);
    const took = performance.now() - began;
    expectBitIdentical(actual.c as Float32Array, expected.c as Float32Array, 'block of a dead helper');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(exits).toHaveLength(1);
    // Code 5: the helper died holding its block, and the caller waited out the grace period
    // (1 s) before computing it. Code 6: a machine too busy to run the helper at all, and the
    // caller simply took the block.
    if (exits[0].includes('code 5')) expect(took).toBeGreaterThan(900);
    else expect(exits[0]).toContain('code 6');
    expect(stalling.usable).toBe(false);
    const again = withFreshC(op, before);
    expect(stalling.gemm(again, 2)).toBe(false);
    expectBitIdentical(again.c as Float32Array, before, 'declined by a broken pool');
    await stalling.close();
  });
});

describe.skipIf(!variant)('intra-op threads', () => {
  it('resolves 0 or absent to one thread per core', () => {
    expect(resolveIntraOpThreads(undefined, 6)).toBe(6);
    expect(resolveIntraOpThreads(0, 6)).toBe(6);
    expect(resolveIntraOpThreads(3, 6)).toBe(3);
    expect(resolveIntraOpThreads(1000, 6)).toBe(64);
  });

  it('gives one thread where no pool can start, and never rejects', async () => {
    expect(await provideIntraOpThreads(4, undefined)).toBe(1);
    expect(await provideIntraOpThreads(1, start)).toBe(1);
    const failing: WorkerStarter = () => {
      throw new Error('no workers here');
    };
    expect(await provideIntraOpThreads(4, failing)).toBe(1);
    expect(await provideIntraOpThreads(2, createNodeWorkerStarter(new URL('file:///no/such/folder/')))).toBe(1);
  });

  it('runs GEMMs in parallel only inside withIntraOpThreads', async () => {
    expect(await provideIntraOpThreads(2, start)).toBe(2);
    const { op, before } = randomCase(new Rng(4), 256, 256, 256);
    const expected = withFreshC(op, before);
    wasmGemmF32(expected);
    const outside = withFreshC(op, before);
    expect(parallelGemmF32(outside)).toBe(false);
    const inside = withFreshC(op, before);
    expect(withIntraOpThreads(2, () => parallelGemmF32(inside))).toBe(true);
    expectBitIdentical(inside.c as Float32Array, expected.c as Float32Array, 'through intra-op');
    expect(withIntraOpThreads(1, () => parallelGemmF32(withFreshC(op, before)))).toBe(false);
    await closeIntraOpThreads();
    expect(withIntraOpThreads(2, () => parallelGemmF32(withFreshC(op, before)))).toBe(false);
  });
});

describe.skipIf(!variant)('GemmPool with a constant B', () => {
  /** op whose B is a model constant: `key` lives as long as B's values, which never change. */
  function constantCase(seed: number, m: number, n: number, k: number): Case & { readonly key: object } {
    const key = {};
    const { op, before } = randomCase(new Rng(seed), m, n, k);
    return { op: { ...op, constantB: key }, before, key };
  }

  it('keeps each helper its part of B packed: later products read the panels, not B', () => {
    for (const [m, n, k, threads] of [[77, 1517, 301, 3], [1603, 61, 257, 2], [130, 2001, 64, 2]]) {
      const { op, before } = constantCase(m + n, m, n, k);
      const expected = withFreshC({ ...op, constantB: undefined }, before);
      wasmGemmF32(expected);
      const what = `${m}x${n}x${k} transA=${op.transA} transB=${op.transB} beta=${op.beta} threads=${threads}`;
      const first = withFreshC(op, before);
      expect(pool.gemm(first, threads)).toBe(true);
      expectBitIdentical(first.c as Float32Array, expected.c as Float32Array, `${what}, first product`);
      let productsWithoutB = 0;
      for (let again = 0; again < 10; again++) {
        const staged = pool.stagedBFloats;
        const later = withFreshC(op, before);
        expect(pool.gemm(later, threads)).toBe(true);
        expectBitIdentical(later.c as Float32Array, expected.c as Float32Array, `${what}, product ${again + 2}`);
        if (pool.stagedBFloats === staged) productsWithoutB++;
      }
      // A helper that was late has its block computed here, and B staged for it once more.
      expect(productsWithoutB, `${what}: later products that staged no B`).toBeGreaterThan(0);
    }
  });

  it('with A and C in the shared heap, later products stage nothing for helpers that keep B packed, and no helper fails its block', () => {
    const control = (pool as unknown as { control: GemmControl }).control;
    for (const [m, n, k, threads] of [[77, 1517, 301, 3], [1603, 61, 257, 2], [130, 2001, 64, 2], [128, 771, 300, 3]]) {
      const { op, before } = constantCase(m * 7 + n, m, n, k);
      const expected = withFreshC({ ...op, constantB: undefined }, before);
      wasmGemmF32(expected);
      const [a] = placeInHeap(wasmGemmHeap()!, [op.a as Float32Array], () => 1);
      const what = `${m}x${n}x${k} transA=${op.transA} transB=${op.transB} beta=${op.beta} threads=${threads}`;
      let productsWithoutB = 0;
      for (let product = 0; product < 8; product++) {
        const [c] = placeInHeap(wasmGemmHeap()!, [before], () => 1);
        const staged = pool.stagedBFloats;
        expect(pool.gemm({ ...op, a, c }, threads)).toBe(true);
        expectBitIdentical(c, expected.c as Float32Array, `${what}, product ${product + 1}`);
        for (let block = 1; block < threads; block++) expect(statusOf(control.state(block)), `${what}, product ${product + 1}, block ${block}`).not.toBe(FAILED);
        if (product > 0 && pool.stagedBFloats === staged) productsWithoutB++;
      }
      expect(productsWithoutB, `${what}: later products that staged no B`).toBeGreaterThan(0);
    }
  });

  it('takes woken helpers off the sleepers at once, so publishing after wakeHelpers makes no second wake-up call', async () => {
    const control = (pool as unknown as { control: GemmControl }).control;
    const helpers = pool.threads - 1;
    const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    // Helpers block once they have polled a millisecond without a job, and count themselves a
    // moment before they block: one not blocked yet when woken stays counted. Of a few tries,
    // one finds every helper blocked.
    let countedOff = false;
    for (let attempt = 0; attempt < 5 && !countedOff; attempt++) {
      for (let waited = 0; control.sleepers() < helpers && waited < 5000; waited += 5) await pause(5);
      expect(control.sleepers()).toBe(helpers);
      await pause(20);
      pool.wakeHelpers();
      countedOff = control.sleepers() === 0;
    }
    expect(countedOff).toBe(true);
    const { op, before } = constantCase(22, 96, 640, 160);
    const expected = withFreshC({ ...op, constantB: undefined }, before);
    wasmGemmF32(expected);
    const product = withFreshC(op, before);
    expect(pool.gemm(product, 2)).toBe(true);
    expectBitIdentical(product.c as Float32Array, expected.c as Float32Array, 'product after the wake-up');
    expect(control.sleepers()).toBeGreaterThanOrEqual(0);
  });

  it('recomputes, then stages B again, where a helper lost its panels', () => {
    const { op, before } = constantCase(21, 64, 700, 200);
    const expected = withFreshC({ ...op, constantB: undefined }, before);
    wasmGemmF32(expected);
    const first = withFreshC(op, before);
    expect(pool.gemm(first, 2)).toBe(true);
    // More releases than the ring holds: helpers drop every panel they keep.
    const control = (pool as unknown as { control: GemmControl }).control;
    control.writeReleases(Array.from({ length: RELEASE_RING + 1 }, (_, i) => 1_000_000 + i));
    for (let again = 0; again < 3; again++) {
      const later = withFreshC(op, before);
      expect(pool.gemm(later, 2)).toBe(true);
      expectBitIdentical(later.c as Float32Array, expected.c as Float32Array, `product ${again + 2} after the drop`);
    }
  });
});
