/**
 * Blocked GEMM in the GotoBLAS layout: B is packed into panels of 4 columns and A into panels of
 * 4 rows, each panel contiguous over k, so the 4x4 micro-kernel reads both operands at unit
 * stride and keeps its 16 partial sums in locals (doubles) instead of re-reading C. Blocks of
 * KC x NC of B and MC x KC of A are sized to stay in cache while every panel pair is multiplied.
 * Partial panels are zero-padded; only the valid part of each 4x4 tile is written back.
 */
import type { FloatArray, GemmOperands } from './gemm-core.js';

const MR = 4;
const NR = 4;
const KC = 256;
const MC = 128;
const NC = 2048;

// Reused across calls: gemm is synchronous and never re-entered, and conv calls it per image.
let packedA: Float64Array = new Float64Array(0);
let packedB: Float64Array = new Float64Array(0);
const edgeTile = new Float64Array(MR * NR);

function scratch(current: Float64Array, length: number): Float64Array {
  return current.length >= length ? current : new Float64Array(length);
}

export function packedGemm(op: GemmOperands): void {
  const { m, n, k } = op;
  packedA = scratch(packedA, MC * Math.min(KC, k));
  packedB = scratch(packedB, Math.min(KC, k) * roundUp(Math.min(NC, n), NR));
  for (let jc = 0; jc < n; jc += NC) {
    const nc = Math.min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = Math.min(KC, k - pc);
      packB(op, pc, kc, jc, nc, packedB);
      for (let ic = 0; ic < m; ic += MC) {
        const mc = Math.min(MC, m - ic);
        packA(op, ic, mc, pc, kc, packedA);
        multiplyBlock(op, ic, mc, jc, nc, kc);
      }
    }
  }
}

function roundUp(x: number, multiple: number): number {
  return Math.ceil(x / multiple) * multiple;
}

function multiplyBlock(op: GemmOperands, ic: number, mc: number, jc: number, nc: number, kc: number): void {
  const { c, cOffset, ldc, alpha } = op;
  for (let jr = 0; jr < nc; jr += NR) {
    const cols = Math.min(NR, nc - jr);
    const bPanel = jr * kc;
    for (let ir = 0; ir < mc; ir += MR) {
      const rows = Math.min(MR, mc - ir);
      microKernel(kc, packedA, ir * kc, packedB, bPanel, c, cOffset + (ic + ir) * ldc + jc + jr, ldc, rows, cols, alpha);
    }
  }
}

/** A[ic..ic+mc, pc..pc+kc] as panels of MR rows: panel r holds A[r*MR + ii, p] at r*MR*kc + p*MR + ii. */
function packA(op: GemmOperands, ic: number, mc: number, pc: number, kc: number, out: Float64Array): void {
  const { a, aOffset, lda, transA } = op;
  for (let ir = 0; ir < mc; ir += MR) {
    const rows = Math.min(MR, mc - ir);
    const panel = ir * kc;
    for (let ii = 0; ii < MR; ii++) {
      const i = ic + ir + ii;
      if (ii >= rows) {
        for (let p = 0; p < kc; p++) out[panel + p * MR + ii] = 0;
      } else if (transA) {
        let src = aOffset + pc * lda + i;
        for (let p = 0; p < kc; p++, src += lda) out[panel + p * MR + ii] = a[src];
      } else {
        const src = aOffset + i * lda + pc;
        for (let p = 0; p < kc; p++) out[panel + p * MR + ii] = a[src + p];
      }
    }
  }
}

/** B[pc..pc+kc, jc..jc+nc] as panels of NR columns: panel s holds B[p, s*NR + jj] at s*NR*kc + p*NR + jj. */
function packB(op: GemmOperands, pc: number, kc: number, jc: number, nc: number, out: Float64Array): void {
  const { b, bOffset, ldb, transB } = op;
  for (let jr = 0; jr < nc; jr += NR) {
    const cols = Math.min(NR, nc - jr);
    const panel = jr * kc;
    for (let jj = 0; jj < NR; jj++) {
      const j = jc + jr + jj;
      if (jj >= cols) {
        for (let p = 0; p < kc; p++) out[panel + p * NR + jj] = 0;
      } else if (transB) {
        const src = bOffset + j * ldb + pc;
        for (let p = 0; p < kc; p++) out[panel + p * NR + jj] = b[src + p];
      } else {
        let src = bOffset + pc * ldb + j;
        for (let p = 0; p < kc; p++, src += ldb) out[panel + p * NR + jj] = b[src];
      }
    }
  }
}

/** C tile (rows x cols, at most 4 x 4) += alpha * (A panel . B panel) over kc. */
function microKernel(
  kc: number, pa: Float64Array, aAt: number, pb: Float64Array, bAt: number,
  c: FloatArray, cAt: number, ldc: number, rows: number, cols: number, alpha: number,
): void {
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
  let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
  let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
  const end = aAt + kc * MR;
  for (let ai = aAt, bi = bAt; ai < end; ai += MR, bi += NR) {
    const a0 = pa[ai], a1 = pa[ai + 1], a2 = pa[ai + 2], a3 = pa[ai + 3];
    const b0 = pb[bi], b1 = pb[bi + 1], b2 = pb[bi + 2], b3 = pb[bi + 3];
    c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
    c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
    c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
    c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
  }
  if (rows === MR && cols === NR) {
    let r = cAt;
    c[r] += alpha * c00; c[r + 1] += alpha * c01; c[r + 2] += alpha * c02; c[r + 3] += alpha * c03;
    r += ldc;
    c[r] += alpha * c10; c[r + 1] += alpha * c11; c[r + 2] += alpha * c12; c[r + 3] += alpha * c13;
    r += ldc;
    c[r] += alpha * c20; c[r + 1] += alpha * c21; c[r + 2] += alpha * c22; c[r + 3] += alpha * c23;
    r += ldc;
    c[r] += alpha * c30; c[r + 1] += alpha * c31; c[r + 2] += alpha * c32; c[r + 3] += alpha * c33;
    return;
  }
  const t = edgeTile;
  t[0] = c00; t[1] = c01; t[2] = c02; t[3] = c03;
  t[4] = c10; t[5] = c11; t[6] = c12; t[7] = c13;
  t[8] = c20; t[9] = c21; t[10] = c22; t[11] = c23;
  t[12] = c30; t[13] = c31; t[14] = c32; t[15] = c33;
  for (let ii = 0; ii < rows; ii++) {
    const r = cAt + ii * ldc;
    for (let jj = 0; jj < cols; jj++) c[r + jj] += alpha * t[ii * NR + jj];
  }
}
