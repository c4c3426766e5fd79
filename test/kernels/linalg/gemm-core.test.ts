import { describe, expect, it } from 'vitest';
import { gemm, type FloatArray } from '../../../src/kernels/linalg/gemm-core.js';
import { Rng } from '../../support/random.js';

interface Case {
  m: number;
  n: number;
  k: number;
  transA: boolean;
  transB: boolean;
  alpha: number;
  beta: number;
  /** Extra columns in each stored row of A, B and C, and elements before each matrix. */
  pad: number;
  offset: number;
}

function randomArray(Ctor: Float32ArrayConstructor | Float64ArrayConstructor, length: number, rng: Rng): FloatArray {
  return Ctor.from({ length }, () => rng.uniform(-2, 2));
}

/** C as the textbook triple loop gives it, in doubles, with stored A, B and C read by index. */
function naive(c: Case, a: FloatArray, lda: number, b: FloatArray, ldb: number, c0: FloatArray, ldc: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < c.m; i++) {
    for (let j = 0; j < c.n; j++) {
      let sum = 0;
      for (let p = 0; p < c.k; p++) {
        const av = c.transA ? a[c.offset + p * lda + i] : a[c.offset + i * lda + p];
        const bv = c.transB ? b[c.offset + j * ldb + p] : b[c.offset + p * ldb + j];
        sum += av * bv;
      }
      const prior = c0[c.offset + i * ldc + j];
      out.push(c.alpha * sum + (c.beta === 0 ? 0 : c.beta * prior));
    }
  }
  return out;
}

function check(c: Case, Ctor: Float32ArrayConstructor | Float64ArrayConstructor, rng: Rng): void {
  const [aRows, aCols] = c.transA ? [c.k, c.m] : [c.m, c.k];
  const [bRows, bCols] = c.transB ? [c.n, c.k] : [c.k, c.n];
  const lda = aCols + c.pad;
  const ldb = bCols + c.pad;
  const ldc = c.n + c.pad;
  const a = randomArray(Ctor, c.offset + aRows * lda, rng);
  const b = randomArray(Ctor, c.offset + bRows * ldb, rng);
  const cStore = randomArray(Ctor, c.offset + c.m * ldc + 3, rng);
  const before = Ctor.from(cStore);
  const expected = naive(c, a, lda, b, ldb, before, ldc);
  gemm({ ...c, a, aOffset: c.offset, lda, b, bOffset: c.offset, ldb, c: cStore, cOffset: c.offset, ldc });
  const tol = Ctor === Float32Array ? 1e-4 : 1e-11;
  for (let i = 0; i < c.m; i++) {
    for (let j = 0; j < c.n; j++) {
      const got = cStore[c.offset + i * ldc + j];
      const want = expected[i * c.n + j];
      if (Math.abs(got - want) > tol * (1 + Math.abs(want)) * Math.max(1, Math.sqrt(c.k))) {
        expect.fail(`${JSON.stringify(c)}: C[${i},${j}] is ${got}, expected ${want}`);
      }
    }
    // Padding columns of C and everything outside the C view stay untouched.
    for (let j = c.n; j < ldc && c.offset + i * ldc + j < cStore.length; j++) {
      expect(cStore[c.offset + i * ldc + j]).toBe(before[c.offset + i * ldc + j]);
    }
  }
  for (let i = 0; i < c.offset; i++) expect(cStore[i]).toBe(before[i]);
  for (let i = c.offset + c.m * ldc; i < cStore.length; i++) expect(cStore[i]).toBe(before[i]);
}

const sizes: [number, number, number][] = [
  [1, 1, 1], [1, 7, 33], [7, 1, 65], [3, 3, 3], [4, 4, 4], [7, 33, 65], [33, 65, 7], [65, 33, 17],
  [130, 70, 300], [5, 2100, 4], [33, 5, 0], [0, 5, 3], [6, 0, 3],
  // Under the WebAssembly threshold: the dot-product and row-update loops, both sides of DOT_MAX_N.
  [5, 3, 9], [9, 2, 3], [2, 5, 6], [31, 1, 7], [3, 4, 5], [1, 9, 11],
];

describe('gemm core against a naive triple loop', () => {
  const rng = new Rng(11);
  for (const [m, n, k] of sizes) {
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        it(`m=${m} n=${n} k=${k} transA=${transA} transB=${transB}`, () => {
          for (const [alpha, beta] of [[1, 0], [1, 1], [0.5, -2], [-1.25, 0.75]]) {
            check({ m, n, k, transA, transB, alpha, beta, pad: 0, offset: 0 }, Float32Array, rng);
            check({ m, n, k, transA, transB, alpha, beta, pad: 3, offset: 5 }, Float64Array, rng);
            check({ m, n, k, transA, transB, alpha, beta, pad: 1, offset: 2 }, Float32Array, rng);
          }
        });
      }
    }
  }

  it('alpha = 0 only scales C', () => {
    check({ m: 40, n: 40, k: 40, transA: false, transB: false, alpha: 0, beta: 0.5, pad: 0, offset: 0 }, Float64Array, rng);
  });

  it('propagates NaN and Infinity from either operand, also through zeros', () => {
    for (const [m, n, k] of [[2, 3, 4], [40, 36, 48]]) {
      const a = new Float64Array(m * k).fill(0);
      const b = new Float64Array(k * n).fill(1);
      b[1] = Number.NaN;
      a[(m - 1) * k + k - 1] = Number.POSITIVE_INFINITY;
      const c = new Float64Array(m * n);
      gemm({ m, n, k, a, aOffset: 0, lda: k, transA: false, b, bOffset: 0, ldb: n, transB: false, c, cOffset: 0, ldc: n, alpha: 1, beta: 0 });
      for (let i = 0; i < m; i++) expect(c[i * n + 1], `row ${i}, column 1`).toBeNaN();
      expect(c[(m - 1) * n]).toBe(Number.POSITIVE_INFINITY);
      expect(c[0]).toBe(0);
    }
  });

  it('beta = 0 overwrites C even where it held NaN', () => {
    const c = new Float32Array([Number.NaN, Number.NaN, Number.NaN, Number.NaN]);
    gemm({
      m: 2, n: 2, k: 1, a: new Float32Array([1, 2]), aOffset: 0, lda: 1, transA: false,
      b: new Float32Array([3, 4]), bOffset: 0, ldb: 2, transB: false, c, cOffset: 0, ldc: 2, alpha: 1, beta: 0,
    });
    expect(Array.from(c)).toEqual([3, 4, 6, 8]);
  });
});
