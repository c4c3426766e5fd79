/**
 * Integer matrix products for MatMul and Gemm on int32/uint32/int64/uint64: exact, with the
 * two's-complement wraparound of the element type (what onnxruntime's integer kernels give),
 * never through doubles, which would lose the low bits of large products.
 */
import { isBigIntArray, type BigIntArray, type ComputeArray, type NumberArray } from '../support/numeric.js';

export interface IntegerGemmOperands<T> {
  readonly m: number;
  readonly n: number;
  readonly k: number;
  /** Row-major [m, k], or [k, m] when transA. */
  readonly a: T;
  readonly aOffset: number;
  readonly transA: boolean;
  /** Row-major [k, n], or [n, k] when transB. */
  readonly b: T;
  readonly bOffset: number;
  readonly transB: boolean;
  /** Row-major [m, n]; overwritten. */
  readonly c: T;
  readonly cOffset: number;
}

export function integerGemm(op: IntegerGemmOperands<ComputeArray>): void {
  const { a, b, c } = op;
  if (isBigIntArray(a) && isBigIntArray(b) && isBigIntArray(c)) int64Gemm({ ...op, a, b, c });
  else if (!isBigIntArray(a) && !isBigIntArray(b) && !isBigIntArray(c)) int32Gemm({ ...op, a, b, c });
  else throw new TypeError('integerGemm: operands mix 64-bit and narrower storage');
}

/** For 32-bit storage: Math.imul and `| 0` keep every step exact modulo 2^32. */
function int32Gemm(op: IntegerGemmOperands<NumberArray>): void {
  const { m, n, k, a, aOffset, transA, b, bOffset, transB, c, cOffset } = op;
  const aRowStride = transA ? 1 : k;
  const aStepK = transA ? m : 1;
  const bColStride = transB ? k : 1;
  const bStepK = transB ? 1 : n;
  for (let i = 0; i < m; i++) {
    const aRow = aOffset + i * aRowStride;
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let p = 0, ai = aRow, bi = bOffset + j * bColStride; p < k; p++, ai += aStepK, bi += bStepK) {
        sum = (sum + Math.imul(a[ai], b[bi])) | 0;
      }
      c[cOffset + i * n + j] = sum;
    }
  }
}

/** For 64-bit storage: the typed array wraps the exact BigInt sum to 64 bits on store. */
function int64Gemm(op: IntegerGemmOperands<BigIntArray>): void {
  const { m, n, k, a, aOffset, transA, b, bOffset, transB, c, cOffset } = op;
  const aRowStride = transA ? 1 : k;
  const aStepK = transA ? m : 1;
  const bColStride = transB ? k : 1;
  const bStepK = transB ? 1 : n;
  for (let i = 0; i < m; i++) {
    const aRow = aOffset + i * aRowStride;
    for (let j = 0; j < n; j++) {
      let sum = 0n;
      for (let p = 0, ai = aRow, bi = bOffset + j * bColStride; p < k; p++, ai += aStepK, bi += bStepK) {
        sum += a[ai] * b[bi];
      }
      c[cOffset + i * n + j] = sum;
    }
  }
}
