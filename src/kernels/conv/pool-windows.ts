/**
 * What MaxPool, AveragePool and LpPool share: reading the pooled input and attributes, and
 * visiting each output position with the in-plane offsets of the input elements its window
 * covers (padding excluded). A window's offsets are the same in every (batch, channel) plane,
 * so the reducers compute them once per output position and loop over the planes inside.
 */
import type { DenseTensor } from '../../tensor/dense-tensor.js';
import { sizeOf, stridesOf } from '../../tensor/shape.js';
import type { Value } from '../../tensor/value.js';
import type { AttributeReader } from '../attributes.js';
import { spatialInput } from './conv-operands.js';
import { slideWindow, type SlidingWindow } from './sliding-window.js';
import { parseWindowAttributes, type WindowAttributes } from './window-attributes.js';
import { checkedDims } from '../support/shape-input.js';

export interface PoolAttributes {
  readonly window: WindowAttributes;
  readonly ceilMode: boolean;
}

export function parsePoolAttributes(attrs: AttributeReader): PoolAttributes {
  return { window: parseWindowAttributes(attrs, true), ceilMode: attrs.int('ceil_mode', 0) !== 0 };
}

export interface PoolInput {
  readonly x: DenseTensor;
  readonly win: SlidingWindow;
  /** Batch times channels: the planes pooled independently. */
  readonly planes: number;
  readonly outDims: number[];
}

export function poolInput(inputs: readonly (Value | undefined)[], attrs: PoolAttributes): PoolInput {
  const x = spatialInput(inputs, 0, 'X');
  const kernel = attrs.window.kernelShape ?? [];
  const win = slideWindow(attrs.window, x.dims.slice(2), kernel, { ceilMode: attrs.ceilMode, negativeSamePadding: true });
  const outDims = [x.dims[0], x.dims[1], ...win.grid];
  checkedDims(outDims, 'Y');
  return { x, win, planes: x.dims[0] * x.dims[1], outDims };
}

/**
 * Called once per output position `out` (row-major over the grid): `offsets[0..count)` are the
 * in-plane input offsets its window covers; `paddedCount` also counts the window's taps that
 * fall in the explicit padding (for count_include_pad).
 */
export type WindowVisitor = (out: number, offsets: Int32Array, count: number, paddedCount: number) => void;

export function forEachWindow(win: SlidingWindow, visit: WindowVisitor): void {
  const { image, grid, kernel, strides, dilations, padsBegin, padsEnd } = win;
  const rank = image.length;
  const last = rank - 1;
  const imageStrides = stridesOf(image);
  // Valid taps along an axis never outnumber the image's extent, however large the kernel.
  const offsets = new Int32Array(sizeOf(kernel.map((k, a) => Math.min(k, image[a]))));
  const first = new Array<number>(rank);
  const end = new Array<number>(rank);
  const start = new Array<number>(rank);
  const tap = new Array<number>(rank);
  const pos = new Array<number>(rank).fill(0);
  const total = sizeOf(grid);
  for (let out = 0; out < total; out++) {
    let paddedCount = 1;
    let empty = false;
    for (let a = 0; a < rank; a++) {
      start[a] = pos[a] * strides[a] - padsBegin[a];
      first[a] = Math.max(0, Math.ceil(-start[a] / dilations[a]));
      end[a] = Math.min(kernel[a], Math.ceil((image[a] - start[a]) / dilations[a]));
      if (first[a] >= end[a]) empty = true;
      paddedCount *= Math.min(kernel[a], Math.ceil((image[a] + padsEnd[a] - start[a]) / dilations[a]));
    }
    let count = 0;
    if (!empty) {
      for (let a = 0; a < last; a++) tap[a] = first[a];
      for (;;) {
        let base = 0;
        for (let a = 0; a < last; a++) base += (start[a] + tap[a] * dilations[a]) * imageStrides[a];
        for (let t = first[last]; t < end[last]; t++) offsets[count++] = base + start[last] + t * dilations[last];
        let a = last - 1;
        for (; a >= 0; a--) {
          if (++tap[a] < end[a]) break;
          tap[a] = first[a];
        }
        if (a < 0) break;
      }
    }
    visit(out, offsets, count, paddedCount);
    for (let a = last; a >= 0; a--) {
      if (++pos[a] < grid[a]) break;
      pos[a] = 0;
    }
  }
}
