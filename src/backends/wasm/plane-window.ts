/**
 * A 1-D or 2-D sliding window as the conv module's kernels see it: 2-D (a 1-D window is one
 * row), and over planes that already hold the padding, so that window position (oy, ox) reads
 * plane rows oy * strideH + ky * dilationH and columns ox * strideW + kx * dilationW, never
 * out of bounds. When no window reaches outside the image, the image is its own plane and is
 * read where it was copied; otherwise it is copied into planes of exactly the extent the
 * windows cover, at (top, left), the rest filled (pad-image.ts).
 */
import type { SlidingWindow } from '../../kernels/conv/sliding-window.js';
import type { ConvExports } from './conv-module.js';

export interface PlaneWindow {
  /** The image's spatial size. */
  readonly h: number;
  readonly w: number;
  /** Where image element (0, 0) lies in the padded plane (negative: windows start inside the image). */
  readonly top: number;
  readonly left: number;
  /** Whether the image must be copied into padded planes first. */
  readonly padded: boolean;
  readonly planeH: number;
  readonly planeW: number;
  readonly kernelH: number;
  readonly kernelW: number;
  readonly strideH: number;
  readonly strideW: number;
  readonly dilationH: number;
  readonly dilationW: number;
  readonly outH: number;
  readonly outW: number;
}

/** The window in two dimensions, or undefined for 3-D and higher (left to TypeScript). */
export function planeWindow(win: SlidingWindow): PlaneWindow | undefined {
  const rank = win.image.length;
  if (rank !== 1 && rank !== 2) return undefined;
  const rows = (values: readonly number[], one: number): number => (rank === 2 ? values[0] : one);
  const cols = (values: readonly number[]): number => values[rank - 1];
  const h = rows(win.image, 1), w = cols(win.image);
  const kernelH = rows(win.kernel, 1), kernelW = cols(win.kernel);
  const strideH = rows(win.strides, 1), strideW = cols(win.strides);
  const dilationH = rows(win.dilations, 1), dilationW = cols(win.dilations);
  const outH = rows(win.grid, 1), outW = cols(win.grid);
  const top = rows(win.padsBegin, 0), left = cols(win.padsBegin);
  const extentH = (outH - 1) * strideH + (kernelH - 1) * dilationH + 1;
  const extentW = (outW - 1) * strideW + (kernelW - 1) * dilationW + 1;
  const padded = top !== 0 || left !== 0 || extentH > h || extentW > w;
  return {
    h, w, top, left, padded,
    planeH: padded ? extentH : h, planeW: padded ? extentW : w,
    kernelH, kernelW, strideH, strideW, dilationH, dilationW, outH, outW,
  };
}

export function setWindow(exports: ConvExports, p: PlaneWindow): void {
  exports.setWindow(p.planeH, p.planeW, p.kernelH, p.kernelW, p.strideH, p.strideW, p.dilationH, p.dilationW, p.outH, p.outW);
}
