/**
 * Convolution as a GEMM whose B operand is never built: per group, Y (m x positions) = W (m x
 * k) . columns (k x positions), with k = channels * kernel taps. The loops are gemm.ts's
 * (GotoBLAS / BLIS order, same cache blocks, same micro-kernel); the differences are that W is
 * packed once per call for every image (packWeights), and each KC x NC block of B is packed
 * straight from the image by packPatches instead of from a stored matrix. The first k block
 * adds the bias as it stores (and, when `accumulate`, a residual, read from Y or from where it
 * lies), the last applies the activation: Y is written in place, NCHW.
 */
import { ACT_NONE } from './epilogue';
import { KC, MC, MR, NC, NR, bytes, roundUp } from './layout';
import { tileKernel } from './micro-kernel';
import { packA } from './pack';
import { packPatches } from './patch-pack';
import { kernelH, kernelW, outH, outW, planeH, planeW } from './window';

/**
 * Blocks of packed patches that convImage sweeps row panel by row panel: at most 512 KiB (half
 * an L2), over enough positions that each panel of W is used often while in L1. Measured on one
 * core: 64 -> 256 and 128 -> 512 1x1 at 56x56 and 28x28 0.94-0.97x the time; at 14x14 and 7x7,
 * where W is large and each of its panels meets few patch panels, 1.02-1.1x, so they keep the
 * panel-outer order.
 */
const ROWS_OUTER_MAX_FLOATS: i32 = 128 * 1024;
const ROWS_OUTER_MIN_POSITIONS: i32 = 512;

/** Floats of W packed by packWeights: per group, roundUp(m, MR) rows by k. */
export function packedWeightsLength(groups: i32, m: i32, k: i32): i32 {
  return groups * roundUp(m, MR) * k;
}

/**
 * W ([groups * m, k] row-major) as panels of MR rows: group g's block of k rows pc..pc+kc at
 * (g * roundUp(m, MR) * k + pc * roundUp(m, MR)) floats, its panel of rows i..i+MR at i * kc
 * within the block, so any MC rows of a block are contiguous.
 */
export function packWeights(w: usize, groups: i32, m: i32, k: i32, out: usize): void {
  packGroups(w, m * k, groups, m, k, out);
}

/** As packWeights, with group g of W at w + g * groupStride floats. */
export function packGroups(w: usize, groupStride: i32, groups: i32, m: i32, k: i32, out: usize): void {
  const mPad = roundUp(m, MR);
  for (let g = 0; g < groups; g++) {
    for (let pc = 0; pc < k; pc += KC) {
      packA(w + bytes(g * groupStride), k, false, 0, m, pc, min(KC, k - pc), out + bytes(g * mPad * k + pc * mPad));
    }
  }
}

/** Floats packPatches needs for the largest block of this window's positions. */
export function packedPatchesLength(): i32 {
  return KC * roundUp(min(NC, outH * outW), NR);
}

/**
 * One image: `groups` groups of `channels` planes at x (in the window's plane layout), W packed
 * by packWeights, tap offsets by fillTapOffsets, bias (0 for none) one per output channel, Y
 * (groups * m planes of outH x outW) at y, pb a packedPatchesLength() buffer. `accumulate`
 * adds the products to what Y holds (a residual) instead of overwriting it; with a residual Z
 * of Y's layout at z (0: none, or Y holds it already) the first k block adds Z as it stores
 * each tile of Y. Only output rows [m0, m1) of each group and positions [p0, p1) are computed,
 * m0 a multiple of MR and p0 of NR: every output is then summed in the order the whole range
 * sums it, whichever loop order and tile kernel the range's shape picks, so threads that share
 * the ranges out get the one-thread result bit for bit.
 */
export function convImage(
  x: usize, groups: i32, channels: i32, m: i32, pa: usize, taps: usize, bias: usize, y: usize, pb: usize, act: i32,
  accumulate: bool, m0: i32, m1: i32, p0: i32, p1: i32, z: usize,
): void {
  const k = channels * kernelH * kernelW;
  const positions = outH * outW;
  const mPad = roundUp(m, MR);
  const groupPlanes = bytes(channels * planeH * planeW);
  const oneBlock = m1 - m0 <= MC;
  for (let g = 0; g < groups; g++) {
    const xg = x + <usize>g * groupPlanes;
    const ag = pa + bytes(g * mPad * k);
    const yg = y + bytes(g * m * positions);
    const bg = bias == 0 ? 0 : bias + bytes(g * m);
    // The first k block reads the residual where it lies (Z apart from Y), later ones what Y holds.
    const zg = z != 0 && z != y ? z + bytes(g * m * positions) : yg;
    for (let jc = p0; jc < p1; jc += NC) {
      const nc = min(NC, p1 - jc);
      for (let pc = 0; pc < k; pc += KC) {
        const kc = min(KC, k - pc);
        // Rows past one block reuse the whole block of patches; one block takes each panel once, so
        // it packs each panel as it comes to it, and the panel stays in L1.
        if (!oneBlock) packPatches(xg, taps, pc, kc, jc, nc, pb);
        const beta: f32 = pc == 0 && !accumulate ? 0 : 1;
        const blockAct = pc + kc == k ? act : ACT_NONE;
        const aBlock = ag + bytes(pc * mPad);
        const from = pc == 0 ? zg : yg;
        if (!oneBlock && nc >= ROWS_OUTER_MIN_POSITIONS && kc * roundUp(nc, NR) <= ROWS_OUTER_MAX_FLOATS) {
          // A block of patches that stays in L2 whole is swept by one row panel after another, so each
          // tile's rows of Y (and Z) are read and written in order, streams the prefetcher follows.
          for (let row = m0; row < m1; row += MR) {
            const rowBias = pc == 0 && bg != 0 ? bg + bytes(row) : 0;
            const rows = min(MR, m1 - row);
            for (let jr = 0; jr < nc; jr += NR) {
              const at = bytes(row * positions + jc + jr);
              tileKernel(kc, aBlock + bytes(row * kc), pb + bytes(jr * kc), yg + at, from + at, positions, 1, beta, rows, min(NR, nc - jr), rowBias, blockAct);
            }
          }
          continue;
        }
        for (let ic = m0; ic < m1; ic += MC) {
          const mc = min(MC, m1 - ic);
          for (let jr = 0; jr < nc; jr += NR) {
            const cols = min(NR, nc - jr);
            if (oneBlock) packPatches(xg, taps, pc, kc, jc + jr, cols, pb);
            const bPanel = oneBlock ? pb : pb + bytes(jr * kc);
            for (let ir = 0; ir < mc; ir += MR) {
              const row = ic + ir;
              const rowBias = pc == 0 && bg != 0 ? bg + bytes(row) : 0;
              const at = bytes(row * positions + jc + jr);
              tileKernel(kc, aBlock + bytes(row * kc), bPanel, yg + at, from + at, positions, 1, beta, min(MR, mc - ir), cols, rowBias, blockAct);
            }
          }
        }
      }
    }
  }
}
