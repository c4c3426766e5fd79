/**
 * The MR x NR (5 x 8) micro-kernel: C tile = alpha * (A panel . B panel) + beta * C tile, with
 * the tile held in ten f32x4 accumulators across the whole kc loop. Per k step it loads two
 * B vectors and broadcasts five A values, so loads never limit the ten multiply-adds.
 *
 * Convolutions also give it an epilogue: a per-row bias (one per output channel), which they
 * pass with the first k block, and an activation, passed with the last, so the output is
 * stored in its final form without another pass. The GEMM passes neither.
 */
import { ACT_NONE, activate, activateScalar } from './epilogue';
import { MR, NR, bytes, madd } from './layout';
import { EDGE_TILE_AT, threadScratch } from './thread-scratch';

/**
 * beta 0 stores without reading C, so NaN or garbage there never reaches the result, as the
 * ONNX Gemm spec requires; the blocked loop passes beta 1 for every k block after the first.
 * `bias` (0 for none) is the address of the tile's first row's bias, added after beta * C;
 * `act` (an ACT_ code of epilogue.ts) is applied last.
 */
export function microKernel(
  kc: i32, pa: usize, pb: usize, c: usize, ldc: i32, alpha: f32, beta: f32, rows: i32, cols: i32,
  bias: usize, act: i32,
): void {
  microKernelOnto(kc, pa, pb, c, c, ldc, alpha, beta, rows, cols, bias, act);
}

/**
 * As microKernel, with the beta term read from `from` (C itself, or a tile of C's layout, such
 * as a convolution's residual) instead of C: the first k block adds a residual as it stores
 * instead of after a pass that copies it into C.
 */
export function microKernelOnto(
  kc: i32, pa: usize, pb: usize, c: usize, from: usize, ldc: i32, alpha: f32, beta: f32, rows: i32, cols: i32,
  bias: usize, act: i32,
): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  let c40 = f32x4.splat(0), c41 = f32x4.splat(0);
  const end = pa + bytes(kc * MR);
  while (pa < end) {
    const b0 = v128.load(pb), b1 = v128.load(pb, 16);
    let a = v128.load32_splat(pa);
    c00 = madd(a, b0, c00); c01 = madd(a, b1, c01);
    a = v128.load32_splat(pa, 4);
    c10 = madd(a, b0, c10); c11 = madd(a, b1, c11);
    a = v128.load32_splat(pa, 8);
    c20 = madd(a, b0, c20); c21 = madd(a, b1, c21);
    a = v128.load32_splat(pa, 12);
    c30 = madd(a, b0, c30); c31 = madd(a, b1, c31);
    a = v128.load32_splat(pa, 16);
    c40 = madd(a, b0, c40); c41 = madd(a, b1, c41);
    pa += bytes(MR);
    pb += bytes(NR);
  }
  if (rows == MR && cols == NR) {
    const alphas = f32x4.splat(alpha), betas = f32x4.splat(beta);
    const ld = bytes(ldc);
    writeRow(c, from, c00, c01, alphas, betas, beta, bias, act);
    writeRow(c + ld, from + ld, c10, c11, alphas, betas, beta, rowBias(bias, 1), act);
    writeRow(c + ld * 2, from + ld * 2, c20, c21, alphas, betas, beta, rowBias(bias, 2), act);
    writeRow(c + ld * 3, from + ld * 3, c30, c31, alphas, betas, beta, rowBias(bias, 3), act);
    writeRow(c + ld * 4, from + ld * 4, c40, c41, alphas, betas, beta, rowBias(bias, 4), act);
    return;
  }
  // Accumulators of a tile that does not fit C (rows < MR or cols < NR), for the scalar write-back.
  const edgeTile = threadScratch + EDGE_TILE_AT;
  v128.store(edgeTile, c00); v128.store(edgeTile, c01, 16);
  v128.store(edgeTile, c10, 32); v128.store(edgeTile, c11, 48);
  v128.store(edgeTile, c20, 64); v128.store(edgeTile, c21, 80);
  v128.store(edgeTile, c30, 96); v128.store(edgeTile, c31, 112);
  v128.store(edgeTile, c40, 128); v128.store(edgeTile, c41, 144);
  writeEdge(c, from, ldc, alpha, beta, rows, cols, bias);
  if (act != ACT_NONE) activateTile(c, ldc, rows, cols, act);
}

/**
 * As microKernelOnto for a tile of at most HALF_NR columns (a panel at the end of a range of
 * positions, such as a 7x7 image's 49th or a 14x14 image's last four): one B vector per k step
 * instead of two, so such a panel costs about half a full one. B panels keep their NR-float
 * rows. Each output is summed in the same order as microKernelOnto sums it, bit for bit.
 */
export function microKernelHalf(
  kc: i32, pa: usize, pb: usize, c: usize, from: usize, ldc: i32, alpha: f32, beta: f32, rows: i32, cols: i32,
  bias: usize, act: i32,
): void {
  let c0 = f32x4.splat(0), c1 = f32x4.splat(0), c2 = f32x4.splat(0), c3 = f32x4.splat(0), c4 = f32x4.splat(0);
  const end = pa + bytes(kc * MR);
  while (pa < end) {
    const b = v128.load(pb);
    c0 = madd(v128.load32_splat(pa), b, c0);
    c1 = madd(v128.load32_splat(pa, 4), b, c1);
    c2 = madd(v128.load32_splat(pa, 8), b, c2);
    c3 = madd(v128.load32_splat(pa, 12), b, c3);
    c4 = madd(v128.load32_splat(pa, 16), b, c4);
    pa += bytes(MR);
    pb += bytes(NR);
  }
  const edgeTile = threadScratch + EDGE_TILE_AT;
  v128.store(edgeTile, c0);
  v128.store(edgeTile, c1, 32);
  v128.store(edgeTile, c2, 64);
  v128.store(edgeTile, c3, 96);
  v128.store(edgeTile, c4, 128);
  writeEdge(c, from, ldc, alpha, beta, rows, cols, bias);
  if (act != ACT_NONE) activateTile(c, ldc, rows, cols, act);
}

/**
 * As microKernelOnto for a tile of at most four rows (the last rows of an output-channel count
 * such as 64 = 12 x 5 + 4): eight accumulators, so the multiplies, not the rows left empty, set
 * its pace. Rows past the panel's are zeros (packA pads them) and their sums are dropped.
 */
export function microKernelFour(
  kc: i32, pa: usize, pb: usize, c: usize, from: usize, ldc: i32, alpha: f32, beta: f32, rows: i32, cols: i32,
  bias: usize, act: i32,
): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  const end = pa + bytes(kc * MR);
  while (pa < end) {
    const b0 = v128.load(pb), b1 = v128.load(pb, 16);
    let a = v128.load32_splat(pa);
    c00 = madd(a, b0, c00); c01 = madd(a, b1, c01);
    a = v128.load32_splat(pa, 4);
    c10 = madd(a, b0, c10); c11 = madd(a, b1, c11);
    a = v128.load32_splat(pa, 8);
    c20 = madd(a, b0, c20); c21 = madd(a, b1, c21);
    a = v128.load32_splat(pa, 12);
    c30 = madd(a, b0, c30); c31 = madd(a, b1, c31);
    pa += bytes(MR);
    pb += bytes(NR);
  }
  const edgeTile = threadScratch + EDGE_TILE_AT;
  v128.store(edgeTile, c00); v128.store(edgeTile, c01, 16);
  v128.store(edgeTile, c10, 32); v128.store(edgeTile, c11, 48);
  v128.store(edgeTile, c20, 64); v128.store(edgeTile, c21, 80);
  v128.store(edgeTile, c30, 96); v128.store(edgeTile, c31, 112);
  writeEdge(c, from, ldc, alpha, beta, rows, cols, bias);
  if (act != ACT_NONE) activateTile(c, ldc, rows, cols, act);
}

/** As microKernelFour for at most two rows: four accumulators, paced by the adds' latency. */
export function microKernelTwo(
  kc: i32, pa: usize, pb: usize, c: usize, from: usize, ldc: i32, alpha: f32, beta: f32, rows: i32, cols: i32,
  bias: usize, act: i32,
): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  const end = pa + bytes(kc * MR);
  while (pa < end) {
    const b0 = v128.load(pb), b1 = v128.load(pb, 16);
    let a = v128.load32_splat(pa);
    c00 = madd(a, b0, c00); c01 = madd(a, b1, c01);
    a = v128.load32_splat(pa, 4);
    c10 = madd(a, b0, c10); c11 = madd(a, b1, c11);
    pa += bytes(MR);
    pb += bytes(NR);
  }
  const edgeTile = threadScratch + EDGE_TILE_AT;
  v128.store(edgeTile, c00); v128.store(edgeTile, c01, 16);
  v128.store(edgeTile, c10, 32); v128.store(edgeTile, c11, 48);
  writeEdge(c, from, ldc, alpha, beta, rows, cols, bias);
  if (act != ACT_NONE) activateTile(c, ldc, rows, cols, act);
}

/**
 * One tile by the kernel its shape calls for: microKernelOnto for whole tiles and any with more
 * than four columns and rows, the narrower kernels for the others; every output is summed in
 * the same order whichever runs it.
 */
@inline export function tileKernel(
  kc: i32, pa: usize, pb: usize, c: usize, from: usize, ldc: i32, alpha: f32, beta: f32, rows: i32, cols: i32,
  bias: usize, act: i32,
): void {
  if (cols <= HALF_NR) microKernelHalf(kc, pa, pb, c, from, ldc, alpha, beta, rows, cols, bias, act);
  else if (rows <= 2) microKernelTwo(kc, pa, pb, c, from, ldc, alpha, beta, rows, cols, bias, act);
  else if (rows < MR) microKernelFour(kc, pa, pb, c, from, ldc, alpha, beta, rows, cols, bias, act);
  else microKernelOnto(kc, pa, pb, c, from, ldc, alpha, beta, rows, cols, bias, act);
}

/** Most columns microKernelHalf takes. */
export const HALF_NR: i32 = NR / 2;

@inline function rowBias(bias: usize, row: i32): usize {
  return bias == 0 ? 0 : bias + bytes(row);
}

@inline function writeRow(c: usize, from: usize, acc0: v128, acc1: v128, alphas: v128, betas: v128, beta: f32, bias: usize, act: i32): void {
  let v0: v128, v1: v128;
  if (beta == 0) {
    v0 = f32x4.mul(acc0, alphas);
    v1 = f32x4.mul(acc1, alphas);
  } else {
    v0 = madd(acc0, alphas, f32x4.mul(v128.load(from), betas));
    v1 = madd(acc1, alphas, f32x4.mul(v128.load(from, 16), betas));
  }
  if (bias != 0) {
    const b = v128.load32_splat(bias);
    v0 = f32x4.add(v0, b);
    v1 = f32x4.add(v1, b);
  }
  if (act != ACT_NONE) {
    v0 = activate(v0, act);
    v1 = activate(v1, act);
  }
  v128.store(c, v0);
  v128.store(c, v1, 16);
}

function writeEdge(c: usize, from: usize, ldc: i32, alpha: f32, beta: f32, rows: i32, cols: i32, bias: usize): void {
  const edgeTile = threadScratch + EDGE_TILE_AT;
  for (let i = 0; i < rows; i++) {
    const row = c + bytes(i * ldc);
    const fromRow = from + bytes(i * ldc);
    const b: f32 = bias == 0 ? 0 : load<f32>(bias + bytes(i));
    for (let j = 0; j < cols; j++) {
      const at = row + bytes(j);
      const product = alpha * load<f32>(edgeTile + bytes(i * NR + j));
      const value = beta == 0 ? product : beta * load<f32>(fromRow + bytes(j)) + product;
      store<f32>(at, bias == 0 ? value : value + b);
    }
  }
}

/** The activation over an edge tile just written, re-read from L1. */
function activateTile(c: usize, ldc: i32, rows: i32, cols: i32, act: i32): void {
  const vectors = cols & ~3;
  for (let i = 0; i < rows; i++) {
    const row = c + bytes(i * ldc);
    for (let j = 0; j < vectors; j += 4) v128.store(row + bytes(j), activate(v128.load(row + bytes(j)), act));
    for (let j = vectors; j < cols; j++) store<f32>(row + bytes(j), activateScalar(load<f32>(row + bytes(j)), act));
  }
}
