/**
 * The MR x NR (5 x 8) micro-kernel: C tile = alpha * (A panel . B panel) + beta * C tile, with
 * the tile held in ten f32x4 accumulators across the whole kc loop. Per k step it loads two
 * B vectors and broadcasts five A values, so loads never limit the ten multiply-adds.
 */
import { MR, NR, bytes, madd } from './layout';

/** Accumulators of a tile that does not fit C (rows < MR or cols < NR), for the scalar write-back. */
const edgeTile = memory.data(MR * NR * 4, 16);

/**
 * beta 0 stores without reading C, so NaN or garbage there never reaches the result, as the
 * ONNX Gemm spec requires; the blocked loop passes beta 1 for every k block after the first.
 */
export function microKernel(
  kc: i32, pa: usize, pb: usize, c: usize, ldc: i32, alpha: f32, beta: f32, rows: i32, cols: i32,
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
    writeRow(c, c00, c01, alphas, betas, beta);
    writeRow(c + ld, c10, c11, alphas, betas, beta);
    writeRow(c + ld * 2, c20, c21, alphas, betas, beta);
    writeRow(c + ld * 3, c30, c31, alphas, betas, beta);
    writeRow(c + ld * 4, c40, c41, alphas, betas, beta);
    return;
  }
  v128.store(edgeTile, c00); v128.store(edgeTile, c01, 16);
  v128.store(edgeTile, c10, 32); v128.store(edgeTile, c11, 48);
  v128.store(edgeTile, c20, 64); v128.store(edgeTile, c21, 80);
  v128.store(edgeTile, c30, 96); v128.store(edgeTile, c31, 112);
  v128.store(edgeTile, c40, 128); v128.store(edgeTile, c41, 144);
  writeEdge(c, ldc, alpha, beta, rows, cols);
}

@inline function writeRow(c: usize, acc0: v128, acc1: v128, alphas: v128, betas: v128, beta: f32): void {
  if (beta == 0) {
    v128.store(c, f32x4.mul(acc0, alphas));
    v128.store(c, f32x4.mul(acc1, alphas), 16);
  } else {
    v128.store(c, madd(acc0, alphas, f32x4.mul(v128.load(c), betas)));
    v128.store(c, madd(acc1, alphas, f32x4.mul(v128.load(c, 16), betas)), 16);
  }
}

function writeEdge(c: usize, ldc: i32, alpha: f32, beta: f32, rows: i32, cols: i32): void {
  for (let i = 0; i < rows; i++) {
    const row = c + bytes(i * ldc);
    for (let j = 0; j < cols; j++) {
      const at = row + bytes(j);
      const product = alpha * load<f32>(edgeTile + bytes(i * NR + j));
      store<f32>(at, beta == 0 ? product : beta * load<f32>(at) + product);
    }
  }
}
