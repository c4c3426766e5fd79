import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { env } from '../../../src/api/env.js';
import { KernelInputError } from '../../../src/errors/errors.js';
import { gemm, type GemmOperands } from '../../../src/kernels/linalg/gemm-core.js';
import { instantiateGemm, type GemmVariant } from '../../../src/backends/wasm/gemm-module.js';
import { WasmGemm, packBF32, wasmGemmF32, wasmGemmVariant } from '../../../src/backends/wasm/wasm-gemm.js';
import { Rng } from '../../support/random.js';

/**
 * Tolerance. The kernel sums in f32 in its own order (k blocks of 256, four SIMD lanes, fused
 * or separate multiply-add depending on the build), so it cannot match a reference bit for
 * bit; what any order satisfies is the classic bound for a computed dot product, |error| <=
 * gamma_n * sum |a_p * b_p| with gamma_n ~ n * u and u = 2^-24 (Higham, Accuracy and Stability
 * of Numerical Algorithms, section 3.1). n counts the roundings a term can see: up to k in
 * the sum, one each for alpha, beta and the add into C, and one per k block accumulated into
 * C; 2k + 8 covers all of them, and the TypeScript kernel's own rounding. The bound scales with
 * the magnitude of the terms, not of the result, so cancellation cannot make it flaky, and a
 * wrong or missing term (of order 1 here) is far above it.
 */
const U = 2 ** -24;

const SIZES = [1, 2, 3, 5, 7, 8, 9, 15, 16, 17, 33, 64, 65, 127, 257];

interface Case {
  readonly m: number;
  readonly n: number;
  readonly k: number;
  readonly transA: boolean;
  readonly transB: boolean;
  readonly alpha: number;
  readonly beta: number;
  /** Extra elements at the end of every stored row of A, B and C. */
  readonly pad: number;
  /** Elements before each matrix in its array. */
  readonly offset: number;
}

interface Stored extends GemmOperands {
  readonly a: Float32Array;
  readonly b: Float32Array;
  readonly c: Float32Array;
}

function randomFloats(length: number, rng: Rng): Float32Array {
  return Float32Array.from({ length }, () => rng.uniform(-1, 1));
}

/** The operands of a case, C filled with NaN when beta is 0 (it must be overwritten, never read). */
function operands(c: Case, rng: Rng): Stored {
  const [aRows, aCols] = c.transA ? [c.k, c.m] : [c.m, c.k];
  const [bRows, bCols] = c.transB ? [c.n, c.k] : [c.k, c.n];
  const lda = aCols + c.pad;
  const ldb = bCols + c.pad;
  const ldc = c.n + c.pad;
  const cStore = randomFloats(c.offset + c.m * ldc + 3, rng);
  if (c.beta === 0) for (let i = 0; i < c.m; i++) cStore.fill(NaN, c.offset + i * ldc, c.offset + i * ldc + c.n);
  return {
    ...c,
    a: randomFloats(c.offset + aRows * lda, rng), aOffset: c.offset, lda,
    b: randomFloats(c.offset + bRows * ldb, rng), bOffset: c.offset, ldb,
    c: cStore, cOffset: c.offset, ldc,
  };
}

function withC(op: Stored, c: Float32Array): Stored {
  return { ...op, c };
}

const aAt = (op: Stored, i: number, p: number): number => op.a[op.aOffset + (op.transA ? p * op.lda + i : i * op.lda + p)];
const bAt = (op: Stored, p: number, j: number): number => op.b[op.bOffset + (op.transB ? j * op.ldb + p : p * op.ldb + j)];

/** C in doubles by the textbook triple loop, and the magnitude each element's error bound scales with. */
function naive(op: Stored): { value: Float64Array; magnitude: Float64Array } {
  const value = new Float64Array(op.m * op.n);
  const magnitude = new Float64Array(op.m * op.n);
  for (let i = 0; i < op.m; i++) {
    for (let j = 0; j < op.n; j++) {
      let sum = 0;
      let abs = 0;
      for (let p = 0; p < op.k; p++) {
        const t = aAt(op, i, p) * bAt(op, p, j);
        sum += t;
        abs += Math.abs(t);
      }
      const prior = op.beta === 0 ? 0 : op.beta * op.c[op.cOffset + i * op.ldc + j];
      value[i * op.n + j] = op.alpha * sum + prior;
      magnitude[i * op.n + j] = Math.abs(op.alpha) * abs + Math.abs(prior);
    }
  }
  return { value, magnitude };
}

function typescriptGemm(op: Stored): Float32Array {
  const c = Float32Array.from(op.c);
  const before = env.wasm.simd;
  env.wasm.simd = false;
  try {
    gemm(withC(op, c));
  } finally {
    env.wasm.simd = before;
  }
  return c;
}

function wasmGemm(kernel: WasmGemm, op: Stored): Float32Array {
  const c = Float32Array.from(op.c);
  expect(kernel.gemmF32(withC(op, c))).toBe(true);
  return c;
}

function describeCase(op: Case): string {
  const { m, n, k, transA, transB, alpha, beta, pad, offset } = op;
  return JSON.stringify({ m, n, k, transA, transB, alpha, beta, pad, offset });
}

/** The m = 1 product's row of C. */
function viewOfC(op: Stored, c: Float32Array): Float32Array {
  return c.subarray(op.cOffset, op.cOffset + op.n);
}

/** op's one row computed by the blocked kernel, as the first row of a product with a second row of A added. */
function firstOfTwoRows(kernel: WasmGemm, op: Stored): Float32Array {
  const a = new Float32Array(2 * op.k);
  for (let p = 0; p < op.k; p++) a[p] = aAt(op, 0, p);
  a.fill(0.5, op.k);
  const c = new Float32Array(2 * op.n);
  c.set(viewOfC(op, op.c));
  expect(kernel.gemmF32({ ...op, m: 2, a, aOffset: 0, lda: op.k, transA: false, c, cOffset: 0, ldc: op.n })).toBe(true);
  return c.subarray(0, op.n);
}

/** got matches the reference within the bound, and nothing outside the C view changed. */
function expectProduct(op: Stored, got: Float32Array, reference: ArrayLike<number>, magnitude: Float64Array): void {
  const tolerance = (2 * op.k + 8) * U;
  for (let i = 0; i < op.m; i++) {
    for (let j = 0; j < op.n; j++) {
      const at = op.cOffset + i * op.ldc + j;
      const want = reference[i * op.n + j];
      const bound = tolerance * magnitude[i * op.n + j] + 1e-30;
      if (!(Math.abs(got[at] - want) <= bound)) {
        expect.fail(`${describeCase(op)}: C[${i},${j}] is ${got[at]}, expected ${want} within ${bound}`);
      }
    }
  }
  for (let at = 0; at < got.length; at++) {
    const row = Math.floor((at - op.cOffset) / op.ldc);
    const col = at - op.cOffset - row * op.ldc;
    const inView = row >= 0 && row < op.m && col < op.n;
    if (!inView && !Object.is(got[at], op.c[at])) expect.fail(`${describeCase(op)}: element ${at} outside C changed`);
  }
}

function checkCase(kernel: WasmGemm, c: Case, rng: Rng): void {
  const op = operands(c, rng);
  const { value, magnitude } = naive(op);
  const wasm = wasmGemm(kernel, op);
  expectProduct(op, wasm, value, magnitude);
  const ts = typescriptGemm(op);
  const tsInView = new Float64Array(op.m * op.n);
  for (let i = 0; i < op.m; i++) for (let j = 0; j < op.n; j++) tsInView[i * op.n + j] = ts[op.cOffset + i * op.ldc + j];
  expectProduct(op, wasm, tsInView, magnitude);
}

function randomCase(rng: Rng, m: number, n: number, k: number): Case {
  const pick = <T>(options: readonly T[]): T => options[rng.int(0, options.length - 1)];
  return {
    m, n, k,
    transA: rng.next() < 0.5,
    transB: rng.next() < 0.5,
    alpha: pick([1, 1, -0.5, 2.5]),
    beta: pick([0, 0, 1, 0.3]),
    pad: pick([0, 0, 1, 5]),
    offset: pick([0, 3]),
  };
}

/**
 * Each build is checked on its own instance. Node 20 runs relaxed SIMD only with
 * --experimental-wasm-relaxed-simd, which vitest.config.ts passes; Node 22+ and current
 * browsers run both builds without it.
 */
const variants: GemmVariant[] = ['simd', 'relaxed-simd'];
for (const variant of variants) {
  const module = instantiateGemm(variant);
  describe(`wasm f32 GEMM, ${variant} build`, () => {
    it('instantiates on this engine (vitest runs Node with --experimental-wasm-relaxed-simd)', () => {
      expect(module).toBeDefined();
    });
    let kernel: WasmGemm;
    beforeAll(() => {
      kernel = new WasmGemm(module!);
    });

    it('matches the naive loop and the TypeScript kernel with every size on every axis', () => {
      const rng = new Rng(7);
      for (const size of SIZES) {
        const others = (): number => SIZES[rng.int(0, SIZES.length - 1)];
        checkCase(kernel, randomCase(rng, size, others(), others()), rng);
        checkCase(kernel, randomCase(rng, others(), size, others()), rng);
        checkCase(kernel, randomCase(rng, others(), others(), size), rng);
      }
    });

    it('handles every edge of the 5 x 8 tile, each transpose, and k across one and two blocks', () => {
      const rng = new Rng(8);
      const edges = [1, 2, 3, 5, 7, 8, 9, 15, 16, 17];
      for (const m of edges) {
        for (const n of edges) {
          for (const k of [1, 257]) {
            for (const [transA, transB] of [[false, false], [true, false], [false, true], [true, true]]) {
              checkCase(kernel, { ...randomCase(rng, m, n, k), transA, transB }, rng);
            }
          }
        }
      }
    });

    it('crosses every cache block: M over 120 rows, N over 1024 columns, K over 2 x 256', () => {
      const rng = new Rng(9);
      for (const beta of [0, 1, 0.3]) {
        checkCase(kernel, { ...randomCase(rng, 127, 1030, 17), beta }, rng);
        checkCase(kernel, { ...randomCase(rng, 250, 9, 600), beta }, rng);
      }
    });

    it('copies views whose rows lie far apart row by row, and writes nothing between them', () => {
      const rng = new Rng(19);
      for (const beta of [0, 1]) {
        for (const [transA, transB] of [[false, false], [true, true]]) {
          checkCase(kernel, { ...randomCase(rng, 9, 17, 33), transA, transB, beta, pad: 60 }, rng);
        }
      }
    });

    it('with beta 0 never reads C, not even the NaN a previous product left in wasm memory', () => {
      const rng = new Rng(16);
      for (const [m, n, k] of [[10, 16, 4], [7, 9, 5]]) {
        // The same shape lays C out at the same address: the first call leaves NaN there.
        const poisoned = operands({ ...randomCase(rng, m, n, k), beta: 1, pad: 0, offset: 0 }, rng);
        poisoned.c.fill(NaN);
        wasmGemm(kernel, poisoned);
        checkCase(kernel, { ...randomCase(rng, m, n, k), beta: 0, pad: 0, offset: 0 }, rng);
      }
    });

    it('gives bit-identical results with B packed once', () => {
      const rng = new Rng(10);
      for (const [m, n, k, transB] of [[7, 33, 257, false], [65, 17, 5, true], [1, 9, 300, true]] as const) {
        const op = operands({ ...randomCase(rng, m, n, k), transB }, rng);
        const packed = kernel.packB(op.b, op.bOffset, op.ldb, op.transB, k, n);
        expect(packed).toBeDefined();
        const c = Float32Array.from(op.c);
        expect(kernel.gemmF32(withC(op, c), packed)).toBe(true);
        expect(c).toEqual(wasmGemm(kernel, op));
      }
    });

    it('multiplies one row of A (m = 1) from B as stored, prepacked, or kept packed as a constant', () => {
      const rng = new Rng(21);
      const sides = [1, 3, 7, 8, 9, 17, 31, 100, 257, 513, 600];
      for (let trial = 0; trial < 60; trial++) {
        const c = randomCase(rng, 1, sides[rng.int(0, sides.length - 1)], sides[rng.int(0, sides.length - 1)]);
        const op = operands(c, rng);
        const { value, magnitude } = naive(op);
        // B as stored, with A a strided column where transA.
        const stored = wasmGemm(kernel, op);
        expectProduct(op, stored, value, magnitude);
        // The blocked kernel's bits: the same row as the first of a two-row product.
        const blocked = firstOfTwoRows(kernel, op);
        const what = describeCase(c);
        expect(Array.from(viewOfC(op, stored)), what).toEqual(Array.from(blocked));
        const packed = kernel.packB(op.b, op.bOffset, op.ldb, op.transB, op.k, op.n)!;
        for (let call = 0; call < 2; call++) {
          const prepacked = Float32Array.from(op.c);
          expect(kernel.gemmF32(withC(op, prepacked), packed)).toBe(true);
          expect(Array.from(viewOfC(op, prepacked)), `${what}, prepacked B`).toEqual(Array.from(blocked));
          const kept = wasmGemm(kernel, { ...op, constantB: packed });
          expect(Array.from(viewOfC(op, kept)), `${what}, B kept packed`).toEqual(Array.from(blocked));
        }
      }
    });

    it('refuses a packed B of another shape', () => {
      const op = operands(randomCase(new Rng(11), 4, 8, 16), new Rng(12));
      const packed = kernel.packB(op.b, op.bOffset, op.ldb, op.transB, 16, 9);
      expect(() => kernel.gemmF32(op, packed)).toThrow(KernelInputError);
    });

    it('declines, leaving C untouched, what the TypeScript path must do', () => {
      const rng = new Rng(13);
      const op = operands({ ...randomCase(rng, 8, 8, 8), beta: 1 }, rng);
      const before = Float32Array.from(op.c);
      expect(kernel.gemmF32({ ...op, alpha: 0 })).toBe(false);
      expect(kernel.gemmF32({ ...op, k: 0 })).toBe(false);
      expect(kernel.gemmF32({ ...op, m: 0 })).toBe(false);
      expect(kernel.gemmF32({ ...op, a: Float64Array.from(op.a) })).toBe(false);
      expect(op.c).toEqual(before);
    });
  });
}

describe('the shared wasm GEMM behind gemm()', () => {
  afterEach(() => {
    delete env.wasm.simd;
  });

  it('runs on the best build this engine loads', () => {
    expect(wasmGemmVariant()).toBe(instantiateGemm('relaxed-simd') ? 'relaxed-simd' : 'simd');
    const op = operands(randomCase(new Rng(17), 9, 17, 33), new Rng(18));
    const { value, magnitude } = naive(op);
    const c = Float32Array.from(op.c);
    expect(wasmGemmF32(withC(op, c), packBF32(op.b, op.bOffset, op.ldb, op.transB, op.k, op.n))).toBe(true);
    expectProduct(op, c, value, magnitude);
  });

  it('is off with env.wasm.simd = false', () => {
    const op = operands(randomCase(new Rng(14), 8, 8, 8), new Rng(15));
    const before = Float32Array.from(op.c);
    env.wasm.simd = false;
    expect(wasmGemmF32(op)).toBe(false);
    expect(packBF32(op.b, op.bOffset, op.ldb, op.transB, 8, 8)).toBeUndefined();
    expect(wasmGemmVariant()).toBeUndefined();
    expect(op.c).toEqual(before);
  });
});
