/**
 * MaxPool and AveragePool over 2-D windows, from planes padded (pad-image.ts) with -inf for max
 * and 0 for average, so every tap is read without a bound test and padding never wins a max
 * or adds to a sum.
 *
 * Both reductions are separable: each plane row is first reduced along its window columns
 * (kernelW taps at every output column) into a scratch row, then the output rows combine
 * kernelH scratch rows. A kH x kW window costs kH + kW vector operations per four outputs (at
 * stride 1; at stride s each plane row is reduced once for the s output rows it serves), and
 * every loop runs along a whole row, with no short loop over taps inside. MaxPool's 3x3 windows
 * at stride 2 are read directly instead (max-pool-3x3.ts).
 */
import { ACT_NONE } from './epilogue';
import { bytes, roundUp } from './layout';
import { maxPool3x3Stride2, maxPool3x3Stride2Applies } from './max-pool-3x3';
import { loadColumns, storeOutputs } from './row-vectors';
import { dilationH, dilationW, kernelH, kernelW, outH, outW, planeH, planeW, strideH, strideW } from './window';

/** Floats of scratch the pools need: the plane's rows reduced along columns, and one output row. */
export function poolScratchLength(): i32 {
  return (planeH + 1) * roundUp(outW, 4);
}

/**
 * The largest element of each window of `planes` planes at x, into planes of outH x outW at y.
 * pmax (a < b ? b : a) keeps the running maximum where an element is NaN, as the TypeScript
 * kernel's `v > best` does, and the first of equal elements (+0 or -0) in the window's row-major
 * order; a window of padding only yields -inf.
 */
export function maxPool(x: usize, planes: i32, scratch: usize, y: usize): void {
  if (maxPool3x3Stride2Applies()) maxPool3x3Stride2(x, planes, y);
  else poolPlanes(x, planes, scratch, y, true, 0, 0);
}

/**
 * Each window's sum divided by rowDivisors[oy] * colDivisors[ox] (outH and roundUp(outW, 4)
 * floats): the divisor of a window is the product of its counts along the two axes, whichever
 * of AveragePool's counts (taps in the image, or in the image and its explicit padding) the
 * host chose. A count of 0 is passed as +inf, so a window of padding only averages to 0.
 */
export function averagePool(x: usize, planes: i32, rowDivisors: usize, colDivisors: usize, scratch: usize, y: usize): void {
  poolPlanes(x, planes, scratch, y, false, rowDivisors, colDivisors);
}

@inline function combine(acc: v128, v: v128, isMax: bool): v128 {
  return isMax ? f32x4.pmax(acc, v) : f32x4.add(acc, v);
}

@inline function poolPlanes(
  x: usize, planes: i32, scratch: usize, y: usize, isMax: bool, rowDivisors: usize, colDivisors: usize,
): void {
  const width = roundUp(outW, 4);
  const rowBytes = bytes(width);
  const accRow = scratch + <usize>planeH * rowBytes;
  const empty = f32x4.splat(isMax ? -Infinity : 0);
  for (let p = 0; p < planes; p++) {
    const src = x + <usize>p * bytes(planeH * planeW);
    const dst = y + <usize>p * bytes(outH * outW);
    for (let r = 0; r < planeH; r++) {
      const row = src + bytes(r * planeW);
      const reduced = scratch + <usize>r * rowBytes;
      // Starting from `empty`, not the first tap, so that a NaN there is skipped by max like any other.
      for (let ox = 0; ox < width; ox += 4) v128.store(reduced + bytes(ox), combine(empty, loadColumns(row + bytes(ox * strideW)), isMax));
      for (let kx = 1; kx < kernelW; kx++) {
        const tap = row + bytes(kx * dilationW);
        for (let ox = 0; ox < width; ox += 4) {
          const at = reduced + bytes(ox);
          v128.store(at, combine(v128.load(at), loadColumns(tap + bytes(ox * strideW)), isMax));
        }
      }
    }
    for (let oy = 0; oy < outH; oy++) {
      const first = scratch + <usize>(oy * strideH) * rowBytes;
      memory.copy(accRow, first, rowBytes);
      for (let ky = 1; ky < kernelH; ky++) {
        const reduced = first + <usize>(ky * dilationH) * rowBytes;
        for (let ox = 0; ox < width; ox += 4) {
          const at = accRow + bytes(ox);
          v128.store(at, combine(v128.load(at), v128.load(reduced + bytes(ox)), isMax));
        }
      }
      const out = dst + bytes(oy * outW);
      if (isMax) {
        for (let ox = 0; ox < outW; ox += 4) storeOutputs(out, ox, v128.load(accRow + bytes(ox)), ACT_NONE);
      } else {
        const rowDivisor = v128.load32_splat(rowDivisors + bytes(oy));
        for (let ox = 0; ox < outW; ox += 4) {
          const divisor = f32x4.mul(rowDivisor, v128.load(colDivisors + bytes(ox)));
          storeOutputs(out, ox, f32x4.div(v128.load(accRow + bytes(ox)), divisor), ACT_NONE);
        }
      }
    }
  }
}
