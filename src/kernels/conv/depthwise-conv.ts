/**
 * Convolution where every group holds one input channel (depthwise, as in MobileNet): each
 * output channel is a weighted sum of shifted copies of one input plane, so a direct loop
 * beats building a column matrix with one row per tap and multiplying it by a 1-row matrix.
 */
import { sizeOf } from '../../tensor/shape.js';
import type { FloatArray } from '../linalg/gemm-core.js';
import { walkPatchRows } from './patch-rows.js';
import type { SlidingWindow } from './sliding-window.js';

export interface DepthwiseOperands {
  readonly x: FloatArray;
  /** [channels * multiplier, 1, ...kernel] */
  readonly w: FloatArray;
  /** Holds the bias (or zeros) on entry; the products are added to it. */
  readonly y: FloatArray;
  readonly batch: number;
  readonly channels: number;
  /** Output channels per input channel. */
  readonly multiplier: number;
}

export function depthwiseConv(op: DepthwiseOperands, win: SlidingWindow): void {
  const { x, w, y, batch, channels, multiplier } = op;
  const inSize = sizeOf(win.image);
  const outSize = sizeOf(win.grid);
  const taps = sizeOf(win.kernel);
  const stride = win.strides[win.strides.length - 1];
  const outputs = channels * multiplier;
  for (let n = 0; n < batch; n++) {
    for (let c = 0; c < channels; c++) {
      const xBase = (n * channels + c) * inSize;
      for (let j = 0; j < multiplier; j++) {
        const m = c * multiplier + j;
        const yBase = (n * outputs + m) * outSize;
        const wBase = m * taps;
        walkPatchRows(win, 1, 0, outSize, (tap, tileOffset, imageStart, _from, _to, lo, hi) => {
          const weight = w[wBase + tap];
          const out = yBase + tileOffset;
          for (let g = lo, i = xBase + imageStart + lo * stride; g < hi; g++, i += stride) y[out + g] += weight * x[i];
        });
      }
    }
  }
}
