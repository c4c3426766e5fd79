/**
 * Packing copies operands into the layout the micro-kernel reads at unit stride: B as panels
 * of NR columns, A as panels of MR rows, each panel contiguous over k with element (p, j) at
 * p * width + j. Partial panels are zero-padded so the kernel never branches on them (padding
 * that stayed garbage could hold denormals, which slow every lane they touch).
 *
 * A source element (p, j) of a panel lies at src + (p * sp + j * sj) * 4: for B stored k x n
 * sp = ldb and sj = 1, for B stored transposed sp = 1 and sj = ldb, and the same for A with
 * rows in place of columns. Both contiguous cases have vector paths; the rest is scalar.
 */
import { KC, MR, NR, bytes, roundUp } from './layout';

/** Length in floats of B (k x n) packed by packB: every KC-row block holds roundUp(n, NR) columns. */
export function packedBLength(k: i32, n: i32): i32 {
  return k * roundUp(n, NR);
}

/**
 * Packs all of B: block pc (rows pc..pc+kc) starts at element pc * roundUp(n, NR), and its
 * panel of columns jr..jr+NR at jr * kc within the block, so a KC x NC block the kernel walks
 * is contiguous whichever column range it covers.
 */
export function packB(b: usize, ldb: i32, transB: bool, k: i32, n: i32, out: usize): void {
  const nPad = roundUp(n, NR);
  for (let pc = 0; pc < k; pc += KC) {
    const kc = min(KC, k - pc);
    for (let jr = 0; jr < n; jr += NR) {
      const dst = out + bytes(pc * nPad + jr * kc);
      const cols = min(NR, n - jr);
      if (transB) packPanel(b + bytes(jr * ldb + pc), 1, ldb, kc, cols, NR, dst);
      else packPanel(b + bytes(pc * ldb + jr), ldb, 1, kc, cols, NR, dst);
    }
  }
}

/** Packs A[ic..ic+mc, pc..pc+kc] into panels of MR rows, panel r at r * MR * kc. */
export function packA(a: usize, lda: i32, transA: bool, ic: i32, mc: i32, pc: i32, kc: i32, out: usize): void {
  for (let ir = 0; ir < mc; ir += MR) {
    const dst = out + bytes(ir * kc);
    const rows = min(MR, mc - ir);
    const i = ic + ir;
    if (transA) packPanel(a + bytes(pc * lda + i), lda, 1, kc, rows, MR, dst);
    else packPanel(a + bytes(i * lda + pc), 1, lda, kc, rows, MR, dst);
  }
}

/** kc x count elements of the source into a kc x width panel (width is MR or NR). */
function packPanel(src: usize, sp: i32, sj: i32, kc: i32, count: i32, width: i32, dst: usize): void {
  if (count == width && sj == 1) copyRows(src, sp, kc, width, dst);
  else if (count == width && sp == 1) transposeColumns(src, sj, kc, width, dst);
  else packScalar(src, sp, sj, kc, count, width, dst);
}

/** Each panel row is contiguous in the source: vector copies of NR (8) or MR (5) floats. */
function copyRows(src: usize, sp: i32, kc: i32, width: i32, dst: usize): void {
  const stride = bytes(sp);
  const rowBytes = bytes(width);
  for (let p = 0; p < kc; p++, src += stride, dst += rowBytes) {
    v128.store(dst, v128.load(src));
    if (width == 8) v128.store(dst, v128.load(src, 16), 16);
    else for (let j = 4; j < width; j++) store<f32>(dst + bytes(j), load<f32>(src + bytes(j)));
  }
}

/**
 * Each panel column is contiguous in the source (sj floats apart): 4 columns x
 * 4 rows at a time are loaded as vectors and transposed in registers; leftover columns of a
 * width that is not a multiple of 4, and the last kc % 4 rows, go element by element.
 */
function transposeColumns(src: usize, sj: i32, kc: i32, width: i32, dst: usize): void {
  const stride = bytes(sj);
  const rowBytes = bytes(width);
  const kc4 = kc & ~3;
  for (let j = 0; j + 4 <= width; j += 4) {
    let s = src + <usize>j * stride;
    let d = dst + bytes(j);
    for (let p = 0; p < kc4; p += 4, s += 16, d += rowBytes * 4) {
      const c0 = v128.load(s), c1 = v128.load(s + stride);
      const c2 = v128.load(s + stride * 2), c3 = v128.load(s + stride * 3);
      const t0 = v128.shuffle<f32>(c0, c1, 0, 4, 1, 5), t1 = v128.shuffle<f32>(c2, c3, 0, 4, 1, 5);
      const t2 = v128.shuffle<f32>(c0, c1, 2, 6, 3, 7), t3 = v128.shuffle<f32>(c2, c3, 2, 6, 3, 7);
      v128.store(d, v128.shuffle<f32>(t0, t1, 0, 1, 4, 5));
      v128.store(d + rowBytes, v128.shuffle<f32>(t0, t1, 2, 3, 6, 7));
      v128.store(d + rowBytes * 2, v128.shuffle<f32>(t2, t3, 0, 1, 4, 5));
      v128.store(d + rowBytes * 3, v128.shuffle<f32>(t2, t3, 2, 3, 6, 7));
    }
  }
  const done = width & ~3;
  for (let j = done; j < width; j++) {
    const s = src + <usize>j * stride;
    for (let p = 0; p < kc4; p++) store<f32>(dst + <usize>p * rowBytes + bytes(j), load<f32>(s + bytes(p)));
  }
  packScalar(src + bytes(kc4), 1, sj, kc - kc4, width, width, dst + <usize>kc4 * rowBytes);
}

/** The general case: any strides, `count` valid columns zero-padded to `width`. */
function packScalar(src: usize, sp: i32, sj: i32, kc: i32, count: i32, width: i32, dst: usize): void {
  for (let p = 0; p < kc; p++) {
    const row = src + bytes(p * sp);
    for (let j = 0; j < width; j++, dst += 4) store<f32>(dst, j < count ? load<f32>(row + bytes(j * sj)) : 0);
  }
}
