/**
 * Winograd convolution for 3x3 stride-1 convolutions of one group (Lavin and Gray, "Fast
 * Algorithms for Convolutional Neural Networks", 2015): each tile x tile block of outputs is
 * computed from the (tile + 2)^2 block of the padded plane under it as
 *   Y = A^T [ (G g G^T) . (B^T d B) ] A
 * where the product is elementwise over the positions xi of the transformed block. Summed over
 * input channels, position xi is a matrix product: M_xi (m x tiles) = U_xi (m x c) V_xi (c x
 * tiles). F(2x2, 3x3) (winograd-f2.ts) does 16 products of 4 multiplies per output instead of
 * the direct 9; F(4x4, 3x3) (winograd-f4.ts) 36 of 2.25, with larger transforms whose rounding
 * errors are 5 to 10 times the direct ones (rms about 2e-6 of the outputs' scale, against 3e-7).
 * Stride-2 windows take F(2x2, 3x3) at stride 2 (winograd-s2.ts): 25 products of 6.25
 * multiplies per output instead of 9, with transforms that only add and subtract.
 *
 * Tiles are taken a block at a time, sized so the block's transformed input and products stay
 * near L2: the input transform writes V straight into the NR-column panels the micro-kernel
 * reads, the GEMM is gemm.ts's loop over the weights packed by packWeights (one group per
 * position), and the output transform adds the bias (onto a residual already in Y when
 * `accumulate`), applies the activation and stores Y.
 */
import { ACT_NONE } from './epilogue';
import { packGroups } from './implicit-gemm';
import { KC, MC, MR, NR, bytes, roundUp } from './layout';
import { microKernel } from './micro-kernel';
import { spaced } from './winograd-blocks';
import { g2, transformInput2, transformOutput2 } from './winograd-f2';
import { g4, transformInput4, transformOutput4 } from './winograd-f4';
import { packRowsWeights, rowsImage, rowsScratchLength, rowsWeightsLength } from './winograd-f4-rows';
import { gS2, transformInputS2, transformOutputS2 } from './winograd-s2';
import { threadScratch } from './thread-scratch';
import { padImage } from './pad-image';
import { outH, outW, planeH, planeW } from './window';

/** Floats of transformed input and products a block may hold: 1.5 MiB. */
const BLOCK_FLOATS: i32 = 393216;

/**
 * The `tile` argument of this module's functions: 2 or 4 for F(tile x tile, 3x3) at stride 1,
 * STRIDE_2 for F(2x2, 3x3) at stride 2 (the side of its input blocks), ROWS_4 for F(4x4, 3x3)
 * with the tiles as the products' rows (winograd-f4-rows.ts: images of at most four tiles).
 */
export const STRIDE_2: i32 = 5;
export const ROWS_4: i32 = 6;

/** Side of the input blocks. */
@inline function sideOf(tile: i32): i32 {
  return tile == STRIDE_2 ? 5 : tile == ROWS_4 ? 6 : tile + 2;
}

@inline function positionsOf(tile: i32): i32 {
  return sideOf(tile) * sideOf(tile);
}

/** Output tiles of the current window for `tile` (2, 4, STRIDE_2 or ROWS_4). */
export function tileCount(tile: i32): i32 {
  const side = tile == STRIDE_2 ? 2 : tile == ROWS_4 ? 4 : tile;
  return ((outH + side - 1) / side) * ((outW + side - 1) / side);
}

/** The most tiles per block for c input and m output channels: a multiple of NR, at least NR. */
function blockTiles(c: i32, m: i32, tile: i32): i32 {
  const fit = max(NR, BLOCK_FLOATS / (positionsOf(tile) * (c + roundUp(m, MR))) / NR * NR);
  return min(fit, roundUp(tileCount(tile), NR));
}

/** Floats of scratch winogradImage needs for the current window and tile. */
export function winogradScratchLength(c: i32, m: i32, tile: i32): i32 {
  if (tile == ROWS_4) return rowsScratchLength(c, m);
  // The output transforms' last vector of a block may read 3 floats past it.
  const nt = blockTiles(c, m, tile);
  return blockInputLength(c, tile, nt) + positionsOf(tile) * spaced(roundUp(m, MR) * nt) + 4;
}

/** Floats of weights transformed by winogradWeights. */
export function winogradWeightsLength(c: i32, m: i32, tile: i32): i32 {
  if (tile == ROWS_4) return rowsWeightsLength(c, m);
  return positionsOf(tile) * roundUp(m, MR) * c;
}

/**
 * Floats between the starts of two positions' matrices in winogradWeights' scratch: m * c and a
 * cache line. Every kernel stores one value into each position's matrix; with power-of-two
 * channel counts, matrices exactly m * c apart would put all 16 or 36 of those stores in the
 * same cache sets: F(4x4)'s weights for 256 channels took 4 times as long to prepare.
 */
@inline function scratchStride(c: i32, m: i32): i32 {
  return m * c + 16;
}

/** Floats of scratch winogradWeights needs. */
export function winogradWeightsScratchLength(c: i32, m: i32, tile: i32): i32 {
  return positionsOf(tile) * scratchStride(c, m);
}

/**
 * U = G g G^T of each of the m x c 3x3 kernels of w ([m, c, 3, 3]), computed in doubles, as one
 * m x c matrix per position in `scratch` (winogradWeightsScratchLength floats), then packed at
 * out like packWeights' groups (ROWS_4: as winograd-f4-rows.ts packs them). G is laid out in this instance's thread scratch first (set
 * it before the call): the loops then load its entries, where looking them up would branch.
 */
export function winogradWeights(w: usize, c: i32, m: i32, scratch: usize, out: usize, tile: i32): void {
  const n = sideOf(tile);
  const g = threadScratch;
  for (let i = 0; i < n * 3; i++) store<f64>(g + (<usize>i << 3), tile == 2 ? g2(i) : tile == STRIDE_2 ? gS2(i) : g4(i));
  const position = bytes(scratchStride(c, m));
  for (let o = 0; o < m; o++) {
    for (let i = 0; i < c; i++) {
      const kernel = w + bytes((o * c + i) * 9);
      const at = scratch + bytes(o * c + i);
      for (let r = 0; r < n; r++) {
        // Row r of G g, then its products with the rows of G.
        const t0 = gTimesKernel(g, kernel, r, 0), t1 = gTimesKernel(g, kernel, r, 1), t2 = gTimesKernel(g, kernel, r, 2);
        for (let j = 0; j < n; j++) {
          const gj = g + <usize>(j * 3) * 8;
          const u = t0 * load<f64>(gj) + t1 * load<f64>(gj, 8) + t2 * load<f64>(gj, 16);
          store<f32>(at + position * <usize>(r * n + j), <f32>u);
        }
      }
    }
  }
  if (tile == ROWS_4) packRowsWeights(scratch, scratchStride(c, m), c, m, out);
  else packGroups(scratch, scratchStride(c, m), n * n, m, c, out);
}

/** (G g)[r][col] for the 3x3 kernel at `kernel` and G (n x 3 doubles) at g. */
@inline function gTimesKernel(g: usize, kernel: usize, r: i32, col: i32): f64 {
  const gr = g + <usize>(r * 3) * 8;
  return load<f64>(gr) * <f64>load<f32>(kernel + bytes(col)) +
    load<f64>(gr, 8) * <f64>load<f32>(kernel + bytes(3 + col)) +
    load<f64>(gr, 16) * <f64>load<f32>(kernel + bytes(6 + col));
}

/**
 * One image: c planes at x, padded to the window's planes, which must cover (tile * tile rows +
 * 2) x (tile * tile columns + 2) so every tile's block lies inside (STRIDE_2: 4 * tile rows + 1
 * by 4 * tile columns + 1); u from winogradWeights (same tile), bias (0 for none) one per
 * output channel; Y (m planes of outH x outW) at y; scratch of winogradScratchLength(c, m,
 * tile) floats. Only tiles [first, last) (row-major over the output)
 * of output channels [m0, m1) are computed, m0 a multiple of MR: each tile's column of every
 * product is summed alone, and every MR rows of it by the same micro-kernel call, so threads
 * that share the tiles or the channels out get the one-thread result bit for bit. (Sharing
 * channels, each thread transforms the whole input and reads only its rows of U: winogradInput
 * and winogradProducts split that transform between the threads too.) ROWS_4 takes every tile,
 * [first, last) = [0, tileCount), and m0 a multiple of NR (winograd-f4-rows.ts).
 */
export function winogradImage(
  x: usize, c: i32, m: i32, u: usize, bias: usize, y: usize, scratch: usize, act: i32, accumulate: bool, tile: i32,
  first: i32, last: i32, m0: i32, m1: i32,
): void {
  if (tile == ROWS_4) {
    rowsImage(x, c, m, u, bias, y, scratch, act, accumulate, last - first, m0, m1);
    return;
  }
  const size = blockSize(c, m, tile, last - first);
  const products = scratch + bytes(blockInputLength(c, tile, size));
  for (let t0 = first; t0 < last; t0 += size) {
    const count = min(size, last - t0);
    transformInput(x, c, 0, c, t0, count, roundUp(count, NR), scratch, tile);
    productsAndOutput(scratch, c, m, u, bias, y, products, act, accumulate, tile, t0, count, m0, m1);
  }
}

/**
 * Floats of V for every tile of the current window (winogradInput's), block after block: the
 * blocks of a winogradImage call over all tiles.
 */
export function winogradInputLength(c: i32, m: i32, tile: i32): i32 {
  const tiles = tileCount(tile);
  const size = blockSize(c, m, tile, tiles);
  return (tiles + size - 1) / size * blockInputLength(c, tile, size);
}

/** Floats of scratch winogradProducts needs. */
export function winogradProductsLength(c: i32, m: i32, tile: i32): i32 {
  // The output transforms' last vector of a block may read 3 floats past it.
  return positionsOf(tile) * spaced(roundUp(m, MR) * blockSize(c, m, tile, tileCount(tile))) + 4;
}

/**
 * The first half of a winogradImage call over every tile, for threads that share the output
 * channels out: channels [p0, p1) of the image x (h x w planes, before padding) padded into the
 * window's planes at padded (top rows and left columns of zeros before the image), then
 * transformed, every tile, into v (winogradInputLength floats). Threads that take disjoint
 * channels write disjoint planes and entries of V.
 */
export function winogradInput(
  x: usize, c: i32, m: i32, h: i32, w: i32, top: i32, left: i32, padded: usize, tile: i32, p0: i32, p1: i32, v: usize,
): void {
  padImage(x + bytes(p0 * h * w), p1 - p0, h, w, top, left, 0, padded + bytes(p0 * planeH * planeW));
  const tiles = tileCount(tile);
  const size = blockSize(c, m, tile, tiles);
  const block = bytes(blockInputLength(c, tile, size));
  let at = v;
  for (let t0 = 0; t0 < tiles; t0 += size) {
    const count = min(size, tiles - t0);
    transformInput(padded, c, p0, p1, t0, count, roundUp(count, NR), at, tile);
    at += block;
  }
}

/**
 * The second half: output channels [m0, m1) (m0 a multiple of MR) of every tile from the V
 * winogradInput wrote for all channels, as winogradImage computes them, bit for bit; scratch of
 * winogradProductsLength floats.
 */
export function winogradProducts(
  v: usize, c: i32, m: i32, u: usize, bias: usize, y: usize, scratch: usize, act: i32, accumulate: bool, tile: i32, m0: i32, m1: i32,
): void {
  const tiles = tileCount(tile);
  const size = blockSize(c, m, tile, tiles);
  const block = bytes(blockInputLength(c, tile, size));
  let at = v;
  for (let t0 = 0; t0 < tiles; t0 += size) {
    productsAndOutput(at, c, m, u, bias, y, scratch, act, accumulate, tile, t0, min(size, tiles - t0), m0, m1);
    at += block;
  }
}

/**
 * Tiles per block of a call over `tiles` tiles: blocks as equal as whole panels of NR tiles
 * allow, so only the last one's last panel is partly empty (blocks of exactly equal size would
 * leave every block's last panel part empty).
 */
function blockSize(c: i32, m: i32, tile: i32, tiles: i32): i32 {
  const most = blockTiles(c, m, tile);
  const blocks = (tiles + most - 1) / most;
  return roundUp((tiles + blocks - 1) / blocks, NR);
}

/** Floats of one block's V for nt tiles. */
@inline function blockInputLength(c: i32, tile: i32, nt: i32): i32 {
  return positionsOf(tile) * spaced(c * nt);
}

/** V of tiles t0..t0+count, channels [p0, p1), into a block of nt tiles at v. */
function transformInput(x: usize, c: i32, p0: i32, p1: i32, t0: i32, count: i32, nt: i32, v: usize, tile: i32): void {
  if (tile == 2) transformInput2(x, c, p0, p1, t0, count, nt, v);
  else if (tile == 4) transformInput4(x, c, p0, p1, t0, count, nt, v);
  else transformInputS2(x, c, p0, p1, t0, count, nt, v);
}

/** Output channels [m0, m1) of tiles t0..t0+count from the block's V at v: its products in `products`, then Y. */
function productsAndOutput(
  v: usize, c: i32, m: i32, u: usize, bias: usize, y: usize, products: usize, act: i32, accumulate: bool, tile: i32,
  t0: i32, count: i32, m0: i32, m1: i32,
): void {
  const nt = roundUp(count, NR);
  const mPad = roundUp(m, MR);
  multiply(u, v, c, m0, m1, mPad, nt, positionsOf(tile), products);
  if (tile == 2) transformOutput2(products, m0, m1, mPad, nt, t0, count, bias, y, act, accumulate);
  else if (tile == 4) transformOutput4(products, m0, m1, mPad, nt, t0, count, bias, y, act, accumulate);
  else transformOutputS2(products, m0, m1, mPad, nt, t0, count, bias, y, act, accumulate);
}

/** Rows [m0, m1) of M_xi = U_xi V_xi for every position: mPad x nt each, ld nt, every tile a full MR x NR one. */
function multiply(u: usize, v: usize, c: i32, m0: i32, m1: i32, mPad: i32, nt: i32, positions: i32, products: usize): void {
  for (let xi = 0; xi < positions; xi++) {
    const a = u + bytes(xi * mPad * c);
    const b = v + bytes(xi * spaced(c * nt));
    const out = products + bytes(xi * spaced(mPad * nt));
    for (let pc = 0; pc < c; pc += KC) {
      const kc = min(KC, c - pc);
      const beta: f32 = pc == 0 ? 0 : 1;
      const aBlock = a + bytes(pc * mPad);
      const bBlock = b + bytes(pc * nt);
      for (let ic = m0; ic < m1; ic += MC) {
        const mc = min(MC, m1 - ic);
        for (let jr = 0; jr < nt; jr += NR) {
          const bPanel = bBlock + bytes(jr * kc);
          for (let ir = 0; ir < mc; ir += MR) {
            const row = ic + ir;
            microKernel(kc, aBlock + bytes(row * kc), bPanel, out + bytes(row * nt + jr), nt, 1, beta, MR, NR, 0, ACT_NONE);
          }
        }
      }
    }
  }
}
