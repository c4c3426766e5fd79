/**
 * ConvTranspose's scatter loops over one- and two-dimensional images, with the valid position
 * range of each tap worked out once so the inner loops test nothing.
 *
 * The direct scatter: each input element times each tap of its filters adds into the output
 * element that tap reaches. It serves depthwise-like groups (a few channels in and out per group), where the
 * GEMM's per-group cost (its inner dimension is the group's input channels) and col2im's
 * per-row walk outweigh the arithmetic; this has neither. For the others, col2im2d adds the
 * GEMM's column matrix into the image, as col2im does for any rank, several times faster.
 */
import type { FloatArray } from '../linalg/gemm-core.js';
import type { SlidingWindow } from './sliding-window.js';

/**
 * Up to this many (input, output) channel pairs per group the scatter wins; at 16 and more the
 * GEMM does, small images included (measured on gtcrn_stream's shapes: 4x to 5x for depthwise,
 * 0.2x to 0.3x at 16 to 128 pairs).
 */
const DIRECT_MAX_CHANNEL_PAIRS = 4;

/** Whether the direct scatter takes a ConvTranspose of these sizes. */
export function prefersDirectTranspose(win: SlidingWindow, inPerGroup: number, outPerGroup: number): boolean {
  return win.grid.length <= 2 && inPerGroup * outPerGroup <= DIRECT_MAX_CHANNEL_PAIRS;
}

/**
 * Below this many multiply-adds (batch x groups x channel pairs x taps x input positions) a
 * 1-D or 2-D ConvTranspose of any channel counts takes the WebAssembly scatter
 * (conv-transpose-direct-host.ts): the GEMM's per-group packing and copies and col2im's
 * TypeScript walk cost more there than the scatter's arithmetic.
 */
const SMALL_SCATTER_WORK = 1 << 16;

/**
 * Whether the WebAssembly scatter takes a ConvTranspose of these sizes: where the TypeScript one
 * would, or the product is small and has more than one tap (a one-tap window is a single GEMM
 * adding into Y, with no col2im, which the scatter does not beat).
 */
export function prefersWasmScatter(win: SlidingWindow, batch: number, group: number, inPerGroup: number, outPerGroup: number): boolean {
  if (win.grid.length > 2) return false;
  let taps = 1;
  let positions = 1;
  for (let a = 0; a < win.grid.length; a++) {
    taps *= win.kernel[a];
    positions *= win.grid[a];
  }
  const work = batch * group * inPerGroup * outPerGroup * taps * positions;
  return inPerGroup * outPerGroup <= DIRECT_MAX_CHANNEL_PAIRS || (taps > 1 && work <= SMALL_SCATTER_WORK);
}

/**
 * A 1-D or 2-D window as [gridH, gridW, outH, outW, kH, kW, sH, sW, dH, dW, pH, pW], a 1-D one
 * as rows of one.
 */
export function planarGeometry(win: SlidingWindow): number[] {
  if (win.grid.length === 2) {
    return [...win.grid, ...win.image, ...win.kernel, ...win.strides, ...win.dilations, ...win.padsBegin];
  }
  return [1, win.grid[0], 1, win.image[0], 1, win.kernel[0], 1, win.strides[0], 1, win.dilations[0], 0, win.padsBegin[0]];
}

/** The first i in [0, count) with 0 <= i * stride + offset, and one past the last with i * stride + offset < limit. */
function validRange(count: number, stride: number, offset: number, limit: number): [number, number] {
  const lo = offset >= 0 ? 0 : Math.ceil(-offset / stride);
  const hi = Math.min(count, Math.floor((limit - 1 - offset) / stride) + 1);
  return [lo, Math.max(lo, hi)];
}

/**
 * Adds ConvTranspose(x, w) into y (which holds the bias or zeros): x [batch, group * inPerGroup,
 * grid], w [group * inPerGroup, outPerGroup, kernel], y [batch, group * outPerGroup, image].
 */
export function directTranspose(
  x: FloatArray, w: FloatArray, y: FloatArray, win: SlidingWindow,
  batch: number, group: number, inPerGroup: number, outPerGroup: number,
): void {
  const [gridH, gridW, outH, outW, kH, kW, sH, sW, dH, dW, pH, pW] = planarGeometry(win);
  const inSize = gridH * gridW;
  const outSize = outH * outW;
  const taps = kH * kW;
  for (let n = 0; n < batch; n++) {
    for (let g = 0; g < group; g++) {
      for (let ic = 0; ic < inPerGroup; ic++) {
        const channelIn = g * inPerGroup + ic;
        const xPlane = (n * group * inPerGroup + channelIn) * inSize;
        for (let oc = 0; oc < outPerGroup; oc++) {
          const yPlane = (n * group * outPerGroup + g * outPerGroup + oc) * outSize;
          const wTaps = (channelIn * outPerGroup + oc) * taps;
          for (let ky = 0; ky < kH; ky++) {
            const rowOffset = ky * dH - pH;
            const [iyLo, iyHi] = validRange(gridH, sH, rowOffset, outH);
            for (let kx = 0; kx < kW; kx++) {
              const weight = w[wTaps + ky * kW + kx];
              const colOffset = kx * dW - pW;
              const [ixLo, ixHi] = validRange(gridW, sW, colOffset, outW);
              for (let iy = iyLo; iy < iyHi; iy++) {
                const xRow = xPlane + iy * gridW;
                let to = yPlane + (iy * sH + rowOffset) * outW + ixLo * sW + colOffset;
                for (let ix = ixLo; ix < ixHi; ix++, to += sW) y[to] += weight * x[xRow + ix];
              }
            }
          }
        }
      }
    }
  }
}

/** Whether col2im2d takes this window: images of one or two dimensions. */
export function hasPlanarImage(win: SlidingWindow): boolean {
  return win.grid.length <= 2;
}

/**
 * As col2im (patch-rows.ts) for one- and two-dimensional windows: adds column matrix rows
 * (channel, tap) over grid positions [start, end) into the channels' planes from dstOffset.
 * It finishes each grid row's output rows (all taps) before the next, so they stay in cache.
 */
export function col2im2d(
  col: FloatArray, channels: number, win: SlidingWindow, dst: FloatArray, dstOffset: number, start: number, end: number,
): void {
  const [gridH, gridW, outH, outW, kH, kW, sH, sW, dH, dW, pH, pW] = planarGeometry(win);
  const rowRanges = Array.from({ length: kH }, (_, ky) => validRange(gridH, sH, ky * dH - pH, outH));
  const columnRanges = Array.from({ length: kW }, (_, kx) => validRange(gridW, sW, kx * dW - pW, outW));
  const tileLength = end - start;
  const firstRow = Math.floor(start / gridW);
  const lastRow = Math.ceil(end / gridW);
  for (let ch = 0; ch < channels; ch++) {
    const plane = dstOffset + ch * outH * outW;
    for (let iy = firstRow; iy < lastRow; iy++) {
      const gridRow = iy * gridW;
      for (let ky = 0; ky < kH; ky++) {
        const [iyLo, iyHi] = rowRanges[ky];
        if (iy < iyLo || iy >= iyHi) continue;
        const outRow = plane + (iy * sH + ky * dH - pH) * outW;
        for (let kx = 0; kx < kW; kx++) {
          const [ixLo, ixHi] = columnRanges[kx];
          const from = Math.max(ixLo, start - gridRow);
          const to = Math.min(ixHi, end - gridRow);
          const src = ((ch * kH + ky) * kW + kx) * tileLength - start + gridRow;
          let at = outRow + from * sW + kx * dW - pW;
          for (let ix = from; ix < to; ix++, at += sW) dst[at] += col[src + ix];
        }
      }
    }
  }
}
