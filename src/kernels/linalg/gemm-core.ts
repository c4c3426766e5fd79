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

export function gemm(op: GemmOperands): void {
  if (op.m * op.n >= 4 && op.m * op.n * op.k >= WASM_MIN_WORK && (parallelGemmF32(op) || wasmGemmF32(op))) return;
  const { m, n, k, c, cOffset, ldc, alpha, beta } = op;
  for (let i = 0; i < m; i++) {
    const cRow = cOffset + i * ldc;
    if (beta === 0) c.fill(0, cRow, cRow + n);
    else if (beta !== 1) for (let j = 0; j < n; j++) c[cRow + j] *= beta;
  }
  if (m === 0 || n === 0 || k === 0 || alpha === 0) return;
  if (m >= PACKED_MIN_SIDE && n >= PACKED_MIN_SIDE && m * n * k >= PACKED_MIN_WORK) packedGemm(op);
  else directGemm(op);
}

/** Accumulates alpha * A * B into C with loops that stay contiguous over B and C rows. */
function directGemm(op: GemmOperands): void {
  const { m, n, k, a, aOffset, lda, transA, b, bOffset, ldb, transB, c, cOffset, ldc, alpha } = op;
  if (!transB) {
    for (let i = 0; i < m; i++) {
      const cRow = cOffset + i * ldc;
      for (let p = 0; p < k; p++) {
        const av = alpha * (transA ? a[aOffset + p * lda + i] : a[aOffset + i * lda + p]);
        const bRow = bOffset + p * ldb;
        for (let j = 0; j < n; j++) c[cRow + j] += av * b[bRow + j];
      }
    }
    return;
  }
  for (let i = 0; i < m; i++) {
    const cRow = cOffset + i * ldc;
    for (let j = 0; j < n; j++) {
      const bRow = bOffset + j * ldb;
      let sum = 0;
      if (transA) for (let p = 0; p < k; p++) sum += a[aOffset + p * lda + i] * b[bRow + p];
      else {
        const aRow = aOffset + i * lda;
        for (let p = 0; p < k; p++) sum += a[aRow + p] * b[bRow + p];
      }
      c[cRow + j] += alpha * sum;
    }
  }
}
