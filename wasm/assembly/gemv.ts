/**
 * One row of C: c (1 x n) = alpha * a . B + beta * c, for products with m = 1 (a decoder
 * step, a recurrent cell at batch 1, a Gemm on one sample). The blocked GEMM would pack a
 * into an MR-row panel and compute MR rows of which one is real; these loops read B once,
 * which is all a matrix-vector product can do, and keep a (k floats) in L1.
 *
 * They give the blocked GEMM's bits, so a product's result does not depend on which path
 * took it (B kept packed or not, one thread or several): the same KC blocks of k, each
 * column's sum a chain of madd over its block in k order, written into c after each block as
 * the micro-kernel writes a tile of fewer than MR rows (scalar, column by column).
 *
 * Three layouts of B: the packed panels of packB (a weight kept packed), B stored k x n
 * (rows of B scaled into c), and B stored n x k (four columns gathered at a time). `a` is
 * contiguous. beta 0 stores without reading c, as the GEMM does.
 */
import { KC, NR, bytes, madd, roundUp } from './layout';
import { EDGE_TILE_AT, threadScratch } from './thread-scratch';

/** With B in packB's panels: per KC block, each NR-column panel's kc x NR slice (zero-padded, so read whole). */
export function gemvPacked(n: i32, k: i32, a: usize, pb: usize, c: usize, alpha: f32, beta: f32): void {
  packedColumns(n, k, a, pb, c, alpha, beta, 0, n);
}

/**
 * Columns [j0, j1) of gemvPacked's c (j0 a multiple of NR), bit for bit: threads that share the
 * columns out read disjoint panels of B and write disjoint parts of c.
 */
export function gemvPackedColumns(n: i32, k: i32, a: usize, pb: usize, c: usize, alpha: f32, beta: f32, j0: i32, j1: i32): void {
  packedColumns(n, k, a, pb, c, alpha, beta, j0, j1);
}

@inline function packedColumns(n: i32, k: i32, a: usize, pb: usize, c: usize, alpha: f32, beta: f32, j0: i32, j1: i32): void {
  const nPad = roundUp(n, NR);
  for (let pc = 0; pc < k; pc += KC) {
    const kc = min(KC, k - pc);
    const blockBeta: f32 = pc == 0 ? beta : 1;
    for (let jr = j0; jr < j1; jr += NR) {
      eightColumns(a + bytes(pc), pb + bytes(pc * nPad + jr * kc), bytes(NR), kc, c + bytes(jr), min(NR, j1 - jr), alpha, blockBeta);
    }
  }
}

/** With B stored k x n (row stride ldb): per KC block, 8 columns at a time, the last n % 8 one by one. */
export function gemvRows(n: i32, k: i32, a: usize, b: usize, ldb: i32, c: usize, alpha: f32, beta: f32): void {
  const stride = bytes(ldb);
  const wide = n & ~7;
  for (let pc = 0; pc < k; pc += KC) {
    const kc = min(KC, k - pc);
    const blockBeta: f32 = pc == 0 ? beta : 1;
    const ap = a + bytes(pc);
    const rows = b + <usize>pc * stride;
    for (let j = 0; j < wide; j += 8) eightColumns(ap, rows + bytes(j), stride, kc, c + bytes(j), 8, alpha, blockBeta);
    for (let j = wide; j < n; j++) writeOne(c + bytes(j), chain(ap, rows + bytes(j), stride, kc), alpha, blockBeta);
  }
}

/** Sums of a . B over kc steps for 8 columns that lie side by side, `stride` bytes between steps, written into the first `cols` of c. */
function eightColumns(a: usize, b: usize, stride: usize, kc: i32, c: usize, cols: i32, alpha: f32, beta: f32): void {
  let s0 = f32x4.splat(0), s1 = f32x4.splat(0);
  for (let p = 0; p < kc; p++, b += stride) {
    const av = v128.load32_splat(a + bytes(p));
    s0 = madd(av, v128.load(b), s0);
    s1 = madd(av, v128.load(b, 16), s1);
  }
  writePanel(c, s0, s1, cols, alpha, beta);
}

/** With B stored n x k (row stride ldb): per KC block, 8 columns at a time (two sets of four), the last n % 8 one by one. */
export function gemvCols(n: i32, k: i32, a: usize, b: usize, ldb: i32, c: usize, alpha: f32, beta: f32): void {
  const stride = bytes(ldb);
  const wide = n & ~7;
  for (let pc = 0; pc < k; pc += KC) {
    const kc = min(KC, k - pc);
    const blockBeta: f32 = pc == 0 ? beta : 1;
    const ap = a + bytes(pc);
    const cols = b + bytes(pc);
    for (let j = 0; j < wide; j += 8) {
      const first = cols + <usize>j * stride;
      writePanel(c + bytes(j), fourColumns(ap, first, stride, kc), fourColumns(ap, first + 4 * stride, stride, kc), 8, alpha, blockBeta);
    }
    for (let j = wide; j < n; j++) writeOne(c + bytes(j), chain(ap, cols + <usize>j * stride, 4, kc), alpha, blockBeta);
  }
}

/** Sums of a . B[:, j .. j + 4) over kc steps, B's columns stored as rows `stride` bytes apart, gathered a step at a time (the 4 x 4 register transpose would take this module past 4 KiB). */
function fourColumns(a: usize, b: usize, stride: usize, kc: i32): v128 {
  let s = f32x4.splat(0);
  for (let p = 0; p < kc; p++) {
    const at = b + bytes(p);
    const column = f32x4(load<f32>(at), load<f32>(at + stride), load<f32>(at + stride * 2), load<f32>(at + stride * 3));
    s = madd(v128.load32_splat(a + bytes(p)), column, s);
  }
  return s;
}

/** One column's sum over kc steps (B's elements `step` bytes apart), with the kernel's madd in one lane. */
function chain(a: usize, b: usize, step: usize, kc: i32): f32 {
  let s = f32x4.splat(0);
  for (let p = 0; p < kc; p++, b += step) s = madd(v128.load32_splat(a + bytes(p)), v128.load32_splat(b), s);
  return f32x4.extract_lane(s, 0);
}

/** A panel's sums into c, column by column: the micro-kernel's write-back for a tile of fewer than MR rows. */
function writePanel(c: usize, lo: v128, hi: v128, cols: i32, alpha: f32, beta: f32): void {
  const sums = threadScratch + EDGE_TILE_AT;
  v128.store(sums, lo);
  v128.store(sums, hi, 16);
  for (let j = 0; j < cols; j++) writeOne(c + bytes(j), load<f32>(sums + bytes(j)), alpha, beta);
}

/** One column, as the micro-kernel's scalar edge write-back. */
function writeOne(c: usize, sum: f32, alpha: f32, beta: f32): void {
  const product = alpha * sum;
  store<f32>(c, beta == 0 ? product : beta * load<f32>(c) + product);
}
