/**
 * The one GEMM every float kernel (MatMul, Gemm, Conv via im2col, ConvTranspose) calls:
 * C[m, n] = alpha * sum_k A[m, k] * B[k, n] + beta * C[m, n], on row-major views with leading
 * dimensions, either operand optionally transposed. Large products go through the packed,
 * register-blocked kernel; thin or tiny ones through direct loops, where packing would cost
 * more than it saves. Faster backends replace it behind the same signature. Large float32
 * products are split across the session's intra-op threads (backends/threads/gemm-pool.ts).
 */
import { wasmGemmF32 } from '../../backends/wasm/wasm-gemm.js';
import { parallelGemmF32 } from '../../backends/threads/intra-op.js';
import { packedGemm } from './gemm-packed.js';

export type FloatArray = Float32Array | Float64Array;

export interface GemmOperands {
  readonly m: number;
  readonly n: number;
  readonly k: number;
  readonly a: FloatArray;
  readonly aOffset: number;
  /** Row stride of A as stored (k when not transposed, m when transposed). */
  readonly lda: number;
  readonly transA: boolean;
  readonly b: FloatArray;
  readonly bOffset: number;
  readonly ldb: number;
  readonly transB: boolean;
  readonly c: FloatArray;
  readonly cOffset: number;
  readonly ldc: number;
  readonly alpha: number;
  /** 0 overwrites C; 1 accumulates into it. */
  readonly beta: number;
  /**
   * Set where B is a model constant (context.isConstant): an object that lives exactly as long
   * as B's storage, which never changes, so a backend may keep B packed from one product to the
   * next instead of packing it per call.
   */
  readonly constantB?: object;
}

/** Below this many multiply-adds, or with fewer than 4 rows or columns, packing does not pay. */
const PACKED_MIN_WORK = 32 * 32 * 32;
const PACKED_MIN_SIDE = 4;
/** Measured by scripts/bench-gemm.mjs: below this many multiply-adds, or under 4 outputs, the TypeScript loops win. */
const WASM_MIN_WORK = 1024;
/** Below this many columns of a row-major B, C's elements are computed one dot product each. */
const DOT_MAX_N = 4;

export function gemm(op: GemmOperands): void {
  if (op.m * op.n >= 4 && op.m * op.n * op.k >= WASM_MIN_WORK && (parallelGemmF32(op) || wasmGemmF32(op))) return;
  const { m, n, k, alpha } = op;
  if (m === 0 || n === 0 || k === 0 || alpha === 0) {
    scaleC(op);
    return;
  }
  if (m >= PACKED_MIN_SIDE && n >= PACKED_MIN_SIDE && m * n * k >= PACKED_MIN_WORK) {
    scaleC(op);
    packedGemm(op);
  } else directGemm(op);
}

/** C = beta * C over the m x n view (beta 0 writes zeros, whatever C held). */
function scaleC(op: GemmOperands): void {
  const { m, n, c, cOffset, ldc, beta } = op;
  if (beta === 1) return;
  for (let i = 0; i < m; i++) {
    const cRow = cOffset + i * ldc;
    if (beta === 0) for (let j = 0; j < n; j++) c[cRow + j] = 0;
    else for (let j = 0; j < n; j++) c[cRow + j] *= beta;
  }
}

/**
 * C = alpha * A * B + beta * C with plain loops: dot products where B's columns are contiguous
 * (transposed B) or few, otherwise rows of B scaled into rows of C, contiguous over both.
 */
function directGemm(op: GemmOperands): void {
  const { m, n, k, a, aOffset, lda, transA, b, bOffset, ldb, transB, c, cOffset, ldc, alpha, beta } = op;
  // A[i, p] is a[aOffset + i * aRow + p * aStep]; B[p, j] is b[bOffset + p * bStep + j * bColumn].
  const aRow = transA ? 1 : lda;
  const aStep = transA ? lda : 1;
  const bStep = transB ? 1 : ldb;
  const bColumn = transB ? ldb : 1;
  if (transB || n < DOT_MAX_N) {
    for (let i = 0; i < m; i++) {
      const aAt = aOffset + i * aRow;
      const cRow = cOffset + i * ldc;
      for (let j = 0; j < n; j++) {
        const bAt = bOffset + j * bColumn;
        let sum = 0;
        for (let p = 0; p < k; p++) sum += a[aAt + p * aStep] * b[bAt + p * bStep];
        c[cRow + j] = beta === 0 ? alpha * sum : alpha * sum + beta * c[cRow + j];
      }
    }
    return;
  }
  scaleC(op);
  for (let i = 0; i < m; i++) {
    const aAt = aOffset + i * aRow;
    const cRow = cOffset + i * ldc;
    for (let p = 0; p < k; p++) {
      const av = alpha * a[aAt + p * aStep];
      const bRow = bOffset + p * ldb;
      for (let j = 0; j < n; j++) c[cRow + j] += av * b[bRow + j];
    }
  }
}
