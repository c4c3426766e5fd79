/**
 * Entry of the integer GEMM module: C[m, n] += A[m, k] · B[k, n] in int32, over 8-bit operands
 * already centered on their zero points (so each fits 16 bits), as the quantized MatMul and
 * Conv kernels consume them. The host (src/backends/wasm/int8-gemm.ts) copies A in row-major
 * with an even row stride (a zero pads odd K), B through packB, and C in and out.
 *
 * i32x4.dot_i16x8_s multiplies pairs of 16-bit lanes and adds each pair into one 32-bit lane,
 * exactly: |a · b| <= 255² so a pair's sum fits. B is packed so one vector holds four columns
 * of two consecutive rows of K (column-interleaved pairs), and a 32-bit load of A gives the
 * matching pair of one row, splat to every lane. The micro kernel keeps 4 rows x 8 columns of
 * C in eight accumulators; K runs in blocks so a block of A stays in L2 while every B panel
 * walks it. int32 sums wrap as the ONNX integer ops allow, the same as the TypeScript kernel.
 */

/** Columns per packed B panel (two vectors of four). */
const NR: i32 = 8;
/** Rows of A per micro-kernel call. */
const MR: i32 = 4;
/** Pairs of K per block: 4 rows of A x 256 pairs x 4 bytes = 4 KiB per micro kernel. */
const KC_PAIRS: i32 = 256;

export function heapBase(): usize {
  return __heap_base;
}

/** 16-bit elements packB writes for a k x n B. */
export function packedBLength(k: i32, n: i32): i32 {
  return ((n + NR - 1) / NR) * ((k + 1) >> 1) * NR * 2;
}

/** B (i16, row-major [k, n], row stride ldb) into panels of NR columns, K in interleaved pairs; padding reads 0. */
export function packB(b: usize, ldb: i32, k: i32, n: i32, out: usize): void {
  const pairs = (k + 1) >> 1;
  let at = out;
  for (let j0 = 0; j0 < n; j0 += NR) {
    const cols = min(NR, n - j0);
    for (let q = 0; q < pairs; q++) {
      const p = q << 1;
      const row0 = b + (<usize>(p * ldb + j0) << 1);
      const hasSecond = p + 1 < k;
      for (let c = 0; c < NR; c++) {
        let lo: i16 = 0;
        let hi: i16 = 0;
        if (c < cols) {
          lo = load<i16>(row0 + (<usize>c << 1));
          if (hasSecond) hi = load<i16>(row0 + (<usize>(ldb + c) << 1));
        }
        store<i16>(at, lo);
        store<i16>(at + 2, hi);
        at += 4;
      }
    }
  }
}

/** Adds the lanes of one accumulator to cols (1..4) consecutive int32 elements of C. */
@inline
function addLanes(c: usize, acc: v128, cols: i32): void {
  if (cols >= 4) {
    v128.store(c, i32x4.add(v128.load(c), acc));
    return;
  }
  store<i32>(c, load<i32>(c) + i32x4.extract_lane(acc, 0));
  if (cols > 1) store<i32>(c + 4, load<i32>(c + 4) + i32x4.extract_lane(acc, 1));
  if (cols > 2) store<i32>(c + 8, load<i32>(c + 8) + i32x4.extract_lane(acc, 2));
}

@inline
function addRow(c: usize, lo: v128, hi: v128, cols: i32): void {
  addLanes(c, lo, min(cols, 4));
  if (cols > 4) addLanes(c + 16, hi, cols - 4);
}

/** Four rows of A (byte stride aStride) against one B panel over `pairs` pairs of K. */
function microKernel4(pairs: i32, a: usize, aStride: usize, bp: usize, c: usize, cStride: usize, cols: i32): void {
  let c00 = i32x4.splat(0), c01 = i32x4.splat(0), c10 = i32x4.splat(0), c11 = i32x4.splat(0);
  let c20 = i32x4.splat(0), c21 = i32x4.splat(0), c30 = i32x4.splat(0), c31 = i32x4.splat(0);
  const a1 = a + aStride;
  const a2 = a1 + aStride;
  const a3 = a2 + aStride;
  for (let q = 0; q < pairs; q++) {
    const off = <usize>q << 2;
    const b0 = v128.load(bp);
    const b1 = v128.load(bp + 16);
    const x0 = i32x4.splat(load<i32>(a + off));
    const x1 = i32x4.splat(load<i32>(a1 + off));
    const x2 = i32x4.splat(load<i32>(a2 + off));
    const x3 = i32x4.splat(load<i32>(a3 + off));
    c00 = i32x4.add(c00, i32x4.dot_i16x8_s(b0, x0));
    c01 = i32x4.add(c01, i32x4.dot_i16x8_s(b1, x0));
    c10 = i32x4.add(c10, i32x4.dot_i16x8_s(b0, x1));
    c11 = i32x4.add(c11, i32x4.dot_i16x8_s(b1, x1));
    c20 = i32x4.add(c20, i32x4.dot_i16x8_s(b0, x2));
    c21 = i32x4.add(c21, i32x4.dot_i16x8_s(b1, x2));
    c30 = i32x4.add(c30, i32x4.dot_i16x8_s(b0, x3));
    c31 = i32x4.add(c31, i32x4.dot_i16x8_s(b1, x3));
    bp += 32;
  }
  addRow(c, c00, c01, cols);
  addRow(c + cStride, c10, c11, cols);
  addRow(c + 2 * cStride, c20, c21, cols);
  addRow(c + 3 * cStride, c30, c31, cols);
}

/** One row of A against one B panel. */
function microKernel1(pairs: i32, a: usize, bp: usize, c: usize, cols: i32): void {
  let lo = i32x4.splat(0), hi = i32x4.splat(0);
  for (let q = 0; q < pairs; q++) {
    const x = i32x4.splat(load<i32>(a + (<usize>q << 2)));
    lo = i32x4.add(lo, i32x4.dot_i16x8_s(v128.load(bp), x));
    hi = i32x4.add(hi, i32x4.dot_i16x8_s(v128.load(bp + 16), x));
    bp += 32;
  }
  addRow(c, lo, hi, cols);
}

/**
 * C (i32, row stride ldc) += A (i16, row stride lda, even, K padded with a zero when odd) x B
 * packed by packB at pb.
 */
export function gemm(m: i32, n: i32, k: i32, a: usize, lda: i32, pb: usize, c: usize, ldc: i32): void {
  const pairs = (k + 1) >> 1;
  const aStride = <usize>lda << 1;
  const cStride = <usize>ldc << 2;
  for (let q0 = 0; q0 < pairs; q0 += KC_PAIRS) {
    const kc = min(KC_PAIRS, pairs - q0);
    for (let j0 = 0; j0 < n; j0 += NR) {
      const cols = min(NR, n - j0);
      const panel = pb + (<usize>((j0 / NR) * pairs + q0) << 5);
      const aBlock = a + (<usize>q0 << 2);
      const cColumn = c + (<usize>j0 << 2);
      let i = 0;
      for (; i + MR <= m; i += MR) microKernel4(kc, aBlock + <usize>i * aStride, aStride, panel, cColumn + <usize>i * cStride, cStride, cols);
      for (; i < m; i++) microKernel1(kc, aBlock + <usize>i * aStride, panel, cColumn + <usize>i * cStride, cols);
    }
  }
}
