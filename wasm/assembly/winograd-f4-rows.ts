/**
 * Winograd F(4x4, 3x3) for images of at most four output tiles (up to 8x8 outputs: a network's
 * last stage), with the tiles as the rows of each position's product and the output channels
 * as its columns: M_xi^T (tiles x m) = V_xi^T (tiles x c) U_xi^T (c x m). As columns (winograd.ts)
 * four tiles fill half of an NR-column panel, and F(4x4) loses to F(2x2); as rows they fill four
 * of the micro-kernel's MR, and its products come to 36 * MR per image against F(2x2)'s 16 * 16.
 *
 * U^T is packed like packB's B, one matrix per position; V^T is written as one MR-row panel per
 * position (row MR - 1 and rows past the image's tiles zero). The products are transposed into
 * winograd.ts's layout (a row of NR tiles per output channel) for transformOutput4.
 */
import { ACT_NONE } from './epilogue';
import { KC, MR, NR, bytes, roundUp } from './layout';
import { microKernel } from './micro-kernel';
import { packB, packedBLength } from './pack';
import { spaced } from './winograd-blocks';
import { transformFourTiles, transformOutput4 } from './winograd-f4';
import { outW, planeH, planeW } from './window';

const POSITIONS: i32 = 36;

/** Most output tiles an image may have for this variant: one vector of tiles, a row of the products each. */
export const ROWS_MAX_TILES: i32 = 4;

/** Floats of U^T packed by packRowsWeights. */
export function rowsWeightsLength(c: i32, m: i32): i32 {
  return POSITIONS * packedBLength(c, m);
}

/** U (an m x c matrix per position, `stride` floats apart) packed as B panels of U^T, one block per position, at out. */
export function packRowsWeights(u: usize, stride: i32, c: i32, m: i32, out: usize): void {
  const length = packedBLength(c, m);
  for (let xi = 0; xi < POSITIONS; xi++) packB(u + bytes(xi * stride), c, true, c, m, out + bytes(xi * length));
}

/** Floats of scratch rowsImage needs: V^T, the products, and the products transposed. */
export function rowsScratchLength(c: i32, m: i32): i32 {
  // transformOutput4's last vector of a channel reads past the image's tiles, within its NR.
  return POSITIONS * (spaced(c * MR) + spaced(MR * roundUp(m, NR)) + spaced(roundUp(m, MR) * NR)) + 4;
}

/**
 * One image of `count` (at most ROWS_MAX_TILES) tiles, as winogradImage takes it, output
 * channels [m0, m1) only (m0 a multiple of NR): each column of the products is summed alone, so
 * threads that share the channels out get the one-thread result bit for bit.
 */
export function rowsImage(
  x: usize, c: i32, m: i32, u: usize, bias: usize, y: usize, scratch: usize, act: i32, accumulate: bool, count: i32, m0: i32, m1: i32,
): void {
  const nPad = roundUp(m, NR);
  const products = scratch + bytes(POSITIONS * spaced(c * MR));
  const columns = products + bytes(POSITIONS * spaced(MR * nPad));
  transformInputRows(x, c, count, scratch);
  multiplyRows(scratch, u, c, nPad, m0, m1, products);
  transposeProducts(products, nPad, roundUp(m, MR), m0, m1, columns);
  transformOutput4(columns, m0, m1, roundUp(m, MR), NR, 0, count, bias, y, act, accumulate);
}

/** V^T: channel p's tiles at p * MR of each position's panel, lanes past `count` and row MR - 1 zero. */
function transformInputRows(x: usize, c: i32, count: i32, v: usize): void {
  const tilesW = (outW + 3) >> 2;
  const position = bytes(spaced(c * MR));
  for (let p = 0; p < c; p++) {
    const src = x + bytes(p * planeH * planeW);
    const dst = v + bytes(p * MR);
    transformFourTiles(src, tilesW, 0, count - 1, count == ROWS_MAX_TILES && tilesW >= ROWS_MAX_TILES, dst, position);
    for (let xi = 0; xi < POSITIONS; xi++) {
      const at = dst + <usize>xi * position;
      for (let t = count; t < MR; t++) store<f32>(at + bytes(t), 0);
    }
  }
}

/** Columns [m0, m1) of M_xi^T = V_xi^T U_xi^T for every position: MR x nPad each, ld nPad. */
function multiplyRows(v: usize, u: usize, c: i32, nPad: i32, m0: i32, m1: i32, products: usize): void {
  for (let xi = 0; xi < POSITIONS; xi++) {
    const a = v + bytes(xi * spaced(c * MR));
    const b = u + bytes(xi * c * nPad);
    const out = products + bytes(xi * spaced(MR * nPad));
    for (let pc = 0; pc < c; pc += KC) {
      const kc = min(KC, c - pc);
      const beta: f32 = pc == 0 ? 0 : 1;
      const aBlock = a + bytes(pc * MR);
      const bBlock = b + bytes(pc * nPad);
      for (let jr = m0; jr < m1; jr += NR) microKernel(kc, aBlock, bBlock + bytes(jr * kc), out + bytes(jr), nPad, 1, beta, MR, NR, 0, ACT_NONE);
    }
  }
}

/**
 * Channels [m0, m1) of the products as transformOutput4 reads them: channel o's tiles at o * NR
 * of each position's matrix (mPad x NR), the four that rows hold, then four zeros.
 */
function transposeProducts(products: usize, nPad: i32, mPad: i32, m0: i32, m1: i32, columns: usize): void {
  const zero = f32x4.splat(0);
  for (let xi = 0; xi < POSITIONS; xi++) {
    const src = products + bytes(xi * spaced(MR * nPad));
    const dst = columns + bytes(xi * spaced(mPad * NR));
    let o = m0;
    for (; o + 4 <= m1; o += 4) {
      const r0 = v128.load(src + bytes(o)), r1 = v128.load(src + bytes(nPad + o));
      const r2 = v128.load(src + bytes(2 * nPad + o)), r3 = v128.load(src + bytes(3 * nPad + o));
      const t0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5), t1 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5);
      const t2 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7), t3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
      const at = dst + bytes(o * NR);
      v128.store(at, v128.shuffle<f32>(t0, t1, 0, 1, 4, 5));
      v128.store(at, zero, 16);
      v128.store(at + bytes(NR), v128.shuffle<f32>(t0, t1, 2, 3, 6, 7));
      v128.store(at + bytes(NR), zero, 16);
      v128.store(at + bytes(2 * NR), v128.shuffle<f32>(t2, t3, 0, 1, 4, 5));
      v128.store(at + bytes(2 * NR), zero, 16);
      v128.store(at + bytes(3 * NR), v128.shuffle<f32>(t2, t3, 2, 3, 6, 7));
      v128.store(at + bytes(3 * NR), zero, 16);
    }
    for (; o < m1; o++) {
      const at = dst + bytes(o * NR);
      for (let t = 0; t < ROWS_MAX_TILES; t++) store<f32>(at + bytes(t), load<f32>(src + bytes(t * nPad + o)));
      v128.store(at, zero, 16);
    }
  }
}
