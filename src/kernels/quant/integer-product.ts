/**
 * The integer matrix product behind the quantized MatMul and Conv kernels:
 * C[i, j] += sum_p A[i, p] * B[p, j], with A and B already centered on their zero points
 * (x - zero_point fits in 16 bits for 8-bit types) and C accumulating in int32, wrapping as
 * the ONNX ops allow. Each pass over a tile of columns updates four rows of C at once, so
 * every B element loaded feeds four rows (about twice the speed of one row at a time); columns
 * go in tiles so the rows of B a tile reads stay in cache while every row of A uses them.
 * Large products run on the int8 GEMM WebAssembly module where it loads.
 */
import { wasmIntegerProduct } from '../../backends/wasm/int8-gemm.js';

export interface IntegerProduct {
  readonly m: number;
  readonly n: number;
  readonly k: number;
  /** Row-major [m, k] with row stride lda. */
  readonly a: Int16Array;
  readonly aOffset: number;
  readonly lda: number;
  /** Row-major [k, n] with row stride ldb. */
  readonly b: Int16Array;
  readonly bOffset: number;
  readonly ldb: number;
  /** Row-major [m, n] with row stride ldc; the products are added to it. */
  readonly c: Int32Array;
  readonly cOffset: number;
  readonly ldc: number;
}

const COLUMN_TILE = 512;

/**
 * Rows i..i+3 of C over columns [j0, j0 + width), eight rows of B per pass (four, then one, for
 * the rest of K): each C element stored carries 32 products, which measured about a fifth
 * faster than four rows of B per pass.
 */
function fourRows(op: IntegerProduct, i: number, j0: number, width: number): void {
  const { k, a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc } = op;
  const a0 = aOffset + i * lda;
  const a1 = a0 + lda;
  const a2 = a1 + lda;
  const a3 = a2 + lda;
  const c0 = cOffset + i * ldc + j0;
  const c1 = c0 + ldc;
  const c2 = c1 + ldc;
  const c3 = c2 + ldc;
  let p = 0;
  for (; p + 8 <= k; p += 8) {
    const x0 = a[a0 + p], x1 = a[a0 + p + 1], x2 = a[a0 + p + 2], x3 = a[a0 + p + 3];
    const x4 = a[a0 + p + 4], x5 = a[a0 + p + 5], x6 = a[a0 + p + 6], x7 = a[a0 + p + 7];
    const y0 = a[a1 + p], y1 = a[a1 + p + 1], y2 = a[a1 + p + 2], y3 = a[a1 + p + 3];
    const y4 = a[a1 + p + 4], y5 = a[a1 + p + 5], y6 = a[a1 + p + 6], y7 = a[a1 + p + 7];
    const z0 = a[a2 + p], z1 = a[a2 + p + 1], z2 = a[a2 + p + 2], z3 = a[a2 + p + 3];
    const z4 = a[a2 + p + 4], z5 = a[a2 + p + 5], z6 = a[a2 + p + 6], z7 = a[a2 + p + 7];
    const t0 = a[a3 + p], t1 = a[a3 + p + 1], t2 = a[a3 + p + 2], t3 = a[a3 + p + 3];
    const t4 = a[a3 + p + 4], t5 = a[a3 + p + 5], t6 = a[a3 + p + 6], t7 = a[a3 + p + 7];
    const b0 = bOffset + p * ldb + j0;
    for (let j = 0; j < width; j++) {
      const q = b0 + j;
      const u0 = b[q], u1 = b[q + ldb], u2 = b[q + 2 * ldb], u3 = b[q + 3 * ldb];
      const u4 = b[q + 4 * ldb], u5 = b[q + 5 * ldb], u6 = b[q + 6 * ldb], u7 = b[q + 7 * ldb];
      c[c0 + j] += x0 * u0 + x1 * u1 + x2 * u2 + x3 * u3 + x4 * u4 + x5 * u5 + x6 * u6 + x7 * u7;
      c[c1 + j] += y0 * u0 + y1 * u1 + y2 * u2 + y3 * u3 + y4 * u4 + y5 * u5 + y6 * u6 + y7 * u7;
      c[c2 + j] += z0 * u0 + z1 * u1 + z2 * u2 + z3 * u3 + z4 * u4 + z5 * u5 + z6 * u6 + z7 * u7;
      c[c3 + j] += t0 * u0 + t1 * u1 + t2 * u2 + t3 * u3 + t4 * u4 + t5 * u5 + t6 * u6 + t7 * u7;
    }
  }
  for (; p + 4 <= k; p += 4) {
    const x0 = a[a0 + p], x1 = a[a0 + p + 1], x2 = a[a0 + p + 2], x3 = a[a0 + p + 3];
    const y0 = a[a1 + p], y1 = a[a1 + p + 1], y2 = a[a1 + p + 2], y3 = a[a1 + p + 3];
    const z0 = a[a2 + p], z1 = a[a2 + p + 1], z2 = a[a2 + p + 2], z3 = a[a2 + p + 3];
    const t0 = a[a3 + p], t1 = a[a3 + p + 1], t2 = a[a3 + p + 2], t3 = a[a3 + p + 3];
    const b0 = bOffset + p * ldb + j0;
    for (let j = 0; j < width; j++) {
      const q = b0 + j;
      const u0 = b[q], u1 = b[q + ldb], u2 = b[q + 2 * ldb], u3 = b[q + 3 * ldb];
      c[c0 + j] += x0 * u0 + x1 * u1 + x2 * u2 + x3 * u3;
      c[c1 + j] += y0 * u0 + y1 * u1 + y2 * u2 + y3 * u3;
      c[c2 + j] += z0 * u0 + z1 * u1 + z2 * u2 + z3 * u3;
      c[c3 + j] += t0 * u0 + t1 * u1 + t2 * u2 + t3 * u3;
    }
  }
  for (; p < k; p++) {
    const x = a[a0 + p], y = a[a1 + p], z = a[a2 + p], t = a[a3 + p];
    const b0 = bOffset + p * ldb + j0;
    for (let j = 0; j < width; j++) {
      const u = b[b0 + j];
      c[c0 + j] += x * u;
      c[c1 + j] += y * u;
      c[c2 + j] += z * u;
      c[c3 + j] += t * u;
    }
  }
}

/** Row i of C over columns [j0, j0 + width). */
function oneRow(op: IntegerProduct, i: number, j0: number, width: number): void {
  const { k, a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc } = op;
  const aRow = aOffset + i * lda;
  const cRow = cOffset + i * ldc + j0;
  const k4 = k - (k % 4);
  let p = 0;
  for (; p < k4; p += 4) {
    const x0 = a[aRow + p], x1 = a[aRow + p + 1], x2 = a[aRow + p + 2], x3 = a[aRow + p + 3];
    const b0 = bOffset + p * ldb + j0;
    const b1 = b0 + ldb;
    const b2 = b1 + ldb;
    const b3 = b2 + ldb;
    for (let j = 0; j < width; j++) c[cRow + j] += x0 * b[b0 + j] + x1 * b[b1 + j] + x2 * b[b2 + j] + x3 * b[b3 + j];
  }
  for (; p < k; p++) {
    const x = a[aRow + p];
    const b0 = bOffset + p * ldb + j0;
    for (let j = 0; j < width; j++) c[cRow + j] += x * b[b0 + j];
  }
}

export function accumulateIntegerProduct(op: IntegerProduct): void {
  if (wasmIntegerProduct(op)) return;
  typescriptIntegerProduct(op);
}

/** The portable product, and the reference the WebAssembly one is tested against. */
export function typescriptIntegerProduct(op: IntegerProduct): void {
  const { m, n } = op;
  for (let j0 = 0; j0 < n; j0 += COLUMN_TILE) {
    const width = Math.min(COLUMN_TILE, n - j0);
    let i = 0;
    for (; i + 4 <= m; i += 4) fourRows(op, i, j0, width);
    for (; i < m; i++) oneRow(op, i, j0, width);
  }
}
