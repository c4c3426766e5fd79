/**
 * Where a sliding window lands: for each spatial axis, how many window positions there are and
 * how much padding the image gets, from the window attributes and the image size. Window
 * position o along an axis reads image index o * stride - padBegin + tap * dilation.
 */
import { KernelInputError } from '../../errors/errors.js';
import { formatShape } from '../../tensor/shape.js';
import { perAxis, splitPads, type WindowAttributes } from './window-attributes.js';

export interface SlidingWindow {
  /** Spatial dims of the image the window slides over. */
  readonly image: readonly number[];
  /** Number of window positions along each spatial axis. */
  readonly grid: readonly number[];
  readonly kernel: readonly number[];
  readonly strides: readonly number[];
  readonly dilations: readonly number[];
  readonly padsBegin: readonly number[];
  readonly padsEnd: readonly number[];
}

/** A 1x1 window with unit strides and no padding: the convolution is a plain matrix product. */
export function isPointwise(win: SlidingWindow): boolean {
  return win.kernel.every((k) => k === 1) && win.strides.every((s) => s === 1) &&
    win.padsBegin.every((p) => p === 0) && win.padsEnd.every((p) => p === 0);
}

export function dilatedExtent(kernel: number, dilation: number): number {
  return (kernel - 1) * dilation + 1;
}

export interface WindowOptions {
  /** Round the position count up, dropping a last window that would start in the end padding. */
  readonly ceilMode?: boolean;
  /**
   * The pooling ops define SAME_* padding by a formula that goes negative when the stride
   * exceeds the window, shifting the windows into the image (onnxruntime follows it, halving
   * toward zero); Conv only ever pads, so there it stops at zero.
   */
  readonly negativeSamePadding?: boolean;
}

/** Resolves the window for an image of spatial dims `image`. */
export function slideWindow(
  attrs: WindowAttributes, image: readonly number[], kernel: readonly number[], options: WindowOptions = {},
): SlidingWindow {
  const rank = image.length;
  if (kernel.length !== rank) {
    throw new KernelInputError(`the kernel has ${kernel.length} spatial dims, the input has ${rank} (input spatial shape ${formatShape(image)})`);
  }
  const strides = perAxis(attrs.strides, rank, 'strides', 1);
  const dilations = perAxis(attrs.dilations, rank, 'dilations', 1);
  const explicit = splitPads(attrs.autoPad === 'NOTSET' ? attrs.pads : undefined, rank);
  const padsBegin = explicit.begin;
  const padsEnd = explicit.end;
  const grid = new Array<number>(rank);
  for (let a = 0; a < rank; a++) {
    const extent = dilatedExtent(kernel[a], dilations[a]);
    const s = strides[a];
    if (attrs.autoPad === 'SAME_UPPER' || attrs.autoPad === 'SAME_LOWER') {
      grid[a] = Math.ceil(image[a] / s);
      const needed = (grid[a] - 1) * s + extent - image[a];
      const total = options.negativeSamePadding ? needed : Math.max(0, needed);
      padsBegin[a] = Math.trunc(attrs.autoPad === 'SAME_UPPER' ? total / 2 : (total + 1) / 2);
      padsEnd[a] = total - padsBegin[a];
      continue;
    }
    const span = image[a] + padsBegin[a] + padsEnd[a] - extent;
    if (span < 0) {
      throw new KernelInputError(
        `the window (extent ${extent} with dilation ${dilations[a]}) is larger than the padded input along spatial axis ${a} (${image[a]} + pads ${padsBegin[a]}, ${padsEnd[a]})`,
      );
    }
    grid[a] = (options.ceilMode ? Math.ceil(span / s) : Math.floor(span / s)) + 1;
    if (options.ceilMode && (grid[a] - 1) * s >= image[a] + padsBegin[a]) grid[a]--;
  }
  return { image: [...image], grid, kernel: [...kernel], strides, dilations, padsBegin, padsEnd };
}
