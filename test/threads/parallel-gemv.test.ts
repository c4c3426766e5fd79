/**
 * The m = 1 product with B kept packed (a Gemm on one sample, a decoder step), cut into ranges
 * of columns across the pool's threads, against the same product on one thread: bit-identical
 * C (each column is summed by the same code either way) for odd n and k, B stored either way,
 * alpha and beta, at 2 and 3 threads; products too small for a helper stay on one thread.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { GemmPool } from '../../src/backends/threads/gemm-pool.js';
import { closeIntraOpThreads, provideIntraOpThreads, withIntraOpThreads } from '../../src/backends/threads/intra-op.js';
import { RangeKernel } from '../../src/backends/wasm/conv-ranges.js';
import { wasmGemmF32 } from '../../src/backends/wasm/wasm-gemm.js';
import type { GemmOperands } from '../../src/kernels/linalg/gemm-core.js';
import { createNodeWorkerStarter } from '../../src/platform/node-worker-host.js';
import { Rng } from '../support/random.js';
import { workerScripts } from './support/worker-scripts.js';

beforeAll(async () => {
  expect(await provideIntraOpThreads(3, createNodeWorkerStarter(await workerScripts()))).toBe(3);
});

afterAll(async () => {
  await closeIntraOpThreads();
});

interface Case {
  readonly n: number;
  readonly k: number;
  readonly transB: boolean;
  readonly alpha: number;
  readonly beta: number;
  /** Whether the product is big enough to be cut. */
  readonly cut: boolean;
}

const CASES: readonly Case[] = [
  { n: 1000, k: 2048, transB: true, alpha: 1, beta: 0, cut: true },
  { n: 1003, k: 1537, transB: false, alpha: 0.5, beta: 1, cut: true },
  { n: 4099, k: 301, transB: true, alpha: -1.25, beta: 0.75, cut: true },
  { n: 37, k: 259, transB: false, alpha: 1, beta: 0, cut: false },
];

function describeCase(c: Case): string {
  return `1 x ${c.k} times ${c.transB ? 'B^T' : 'B'} (${c.k} x ${c.n}), alpha ${c.alpha}, beta ${c.beta}`;
}

function product(c: Case, a: Float32Array, b: Float32Array, c0: Float32Array, key: object): GemmOperands {
  return {
    m: 1, n: c.n, k: c.k, alpha: c.alpha, beta: c.beta,
    a, aOffset: 0, lda: c.k, transA: false,
    b, bOffset: 0, ldb: c.transB ? c.k : c.n, transB: c.transB,
    c: Float32Array.from(c0), cOffset: 0, ldc: c.n,
    constantB: key,
  };
}

describe('parallel f32 GEMV with B kept packed', () => {
  for (const c of CASES) {
    it(`matches one thread bit for bit: ${describeCase(c)}`, () => {
      const rng = new Rng(c.n + c.k);
      const a = Float32Array.from({ length: c.k }, () => rng.uniform(-1, 1));
      const b = Float32Array.from({ length: c.k * c.n }, () => rng.uniform(-1, 1));
      const c0 = Float32Array.from({ length: c.n }, () => rng.uniform(-1, 1));
      const key = {};
      const expected = product(c, a, b, c0, key);
      // Twice: the first call packs B and keeps it; the second multiplies the kept panels.
      for (let i = 0; i < 2; i++) expect(withIntraOpThreads(1, () => wasmGemmF32(i === 0 ? product(c, a, b, c0, key) : expected))).toBe(true);
      for (const threads of [2, 3]) {
        const actual = product(c, a, b, c0, key);
        const run = vi.spyOn(GemmPool.prototype, 'run');
        try {
          expect(withIntraOpThreads(threads, () => wasmGemmF32(actual))).toBe(true);
          const cuts = run.mock.calls.filter(([call]) => call.kernel === RangeKernel.gemvPacked);
          if (c.cut) {
            expect(cuts.length, `${describeCase(c)}: cut at ${threads} threads`).toBe(1);
            expect(cuts[0][1].length).toBe(threads);
          } else {
            expect(cuts, describeCase(c)).toHaveLength(0);
          }
        } finally {
          run.mockRestore();
        }
        const got = new Uint32Array(actual.c.buffer, actual.c.byteOffset, c.n);
        const want = new Uint32Array(expected.c.buffer, expected.c.byteOffset, c.n);
        for (let j = 0; j < c.n; j++) {
          if (got[j] !== want[j]) expect.fail(`${describeCase(c)}, ${threads} threads: c[${j}] is ${actual.c[j]}, one thread gives ${expected.c[j]}`);
        }
      }
    });
  }
});
