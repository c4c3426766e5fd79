/**
 * The column matrix behind convolution: one row per (channel, kernel tap), one column per
 * window position. im2col gathers image values into it (Conv), col2im scatters it back with
 * accumulation (ConvTranspose, Col2Im). Both walk the matrix one "grid row" at a time (the
 * positions that differ only along the last spatial axis), so the inner loops run along
 * contiguous memory whatever the rank. A walk may cover any range of window positions, which
 * lets callers build the matrix in bounded tiles.
 */
import { sizeOf, stridesOf } from '../../tensor/shape.js';
import type { NumberArray } from '../support/numeric.js';
import type { SlidingWindow } from './sliding-window.js';

/** Column-matrix elements built at once; larger matrices are built and used in tiles. */
const COLUMN_TILE_ELEMENTS = 1 << 20;

/** Window positions per tile, so that a tile of `depth` rows stays within the budget. */
export function positionsPerTile(depth: number, positions: number): number {
  return Math.max(1, Math.min(positions, Math.floor(COLUMN_TILE_ELEMENTS / Math.max(1, depth))));
}

/**
 * Called for each (matrix row, grid row) pair the walked range touches. Of the grid row's
 * last-axis positions, [from, to) are in the range; column g of the grid row is column
 * `tileOffset + g` of the range. Image index `imageStart + g * lastStride` (in the planes of
 * all channels laid end to end) is what position g reads; positions in [lo, hi), a part of
 * [from, to), read the image, the rest of [from, to) read padding.
 */
export type PatchRowVisitor = (
  row: number, tileOffset: number, imageStart: number, from: number, to: number, lo: number, hi: number,
) => void;

/** Visits matrix rows for `channels` channels over window positions [start, end) (row-major over the grid). */
export function walkPatchRows(win: SlidingWindow, channels: number, start: number, end: number, visit: PatchRowVisitor): void {
  const { image, grid, kernel, strides, dilations, padsBegin } = win;
  const last = image.length - 1;
  const gridLast = grid[last];
  if (end <= start || gridLast === 0) return;
  const taps = sizeOf(kernel);
  const imageSize = sizeOf(image);
  const imageStrides = stridesOf(image);
  const strideLast = strides[last];
  const firstRow = Math.floor(start / gridLast);
  const endRow = Math.ceil(end / gridLast);
  const tap = new Array<number>(last + 1);
  const pos = new Array<number>(last);
  for (let c = 0; c < channels; c++) {
    tap.fill(0);
    for (let k = 0; k < taps; k++) {
      const row = c * taps + k;
      const lastOffset = tap[last] * dilations[last] - padsBegin[last];
      const lo = Math.max(0, Math.ceil(-lastOffset / strideLast));
      const hi = Math.min(gridLast, Math.ceil((image[last] - lastOffset) / strideLast));
      let rest = firstRow;
      for (let a = last - 1; a >= 0; a--) {
        pos[a] = rest % grid[a];
        rest = Math.floor(rest / grid[a]);
      }
      for (let r = firstRow; r < endRow; r++) {
        const rowPosition = r * gridLast;
        const from = Math.max(0, start - rowPosition);
        const to = Math.min(gridLast, end - rowPosition);
        let imageStart = c * imageSize + lastOffset;
        let inside = lo < hi;
        for (let a = 0; a < last && inside; a++) {
          const i = pos[a] * strides[a] - padsBegin[a] + tap[a] * dilations[a];
          inside = i >= 0 && i < image[a];
          imageStart += i * imageStrides[a];
        }
        const validFrom = inside ? Math.min(to, Math.max(from, lo)) : from;
        const validTo = inside ? Math.max(validFrom, Math.min(to, hi)) : from;
        visit(row, rowPosition - start, imageStart, from, to, validFrom, validTo);
        for (let a = last - 1; a >= 0; a--) {
          if (++pos[a] < grid[a]) break;
          pos[a] = 0;
        }
      }
      for (let a = last; a >= 0; a--) {
        if (++tap[a] < kernel[a]) break;
        tap[a] = 0;
      }
    }
  }
}

/**
 * Fills `col` (rows of `end - start` columns) with the patches of window positions
 * [start, end) of the `channels` image planes starting at `src[srcOffset]`.
 */
export function im2col(
  src: NumberArray, srcOffset: number, channels: number, win: SlidingWindow,
  col: NumberArray, start: number, end: number,
): void {
  const stride = win.strides[win.strides.length - 1];
  const tileLength = end - start;
  walkPatchRows(win, channels, start, end, (row, tileOffset, imageStart, from, to, lo, hi) => {
    const dst = row * tileLength + tileOffset;
    if (lo > from) col.fill(0, dst + from, dst + lo);
    const first = srcOffset + imageStart + lo * stride;
    if (stride === 1) col.set(src.subarray(first, first + hi - lo), dst + lo);
    else for (let g = lo, i = first; g < hi; g++, i += stride) col[dst + g] = src[i];
    if (hi < to) col.fill(0, dst + hi, dst + to);
  });
}

/** The inverse walk: adds each column entry into the image element its window position reads. */
export function col2im(
  col: NumberArray, colOffset: number, channels: number, win: SlidingWindow,
  dst: NumberArray, dstOffset: number, start: number, end: number,
): void {
  const stride = win.strides[win.strides.length - 1];
  const tileLength = end - start;
  walkPatchRows(win, channels, start, end, (row, tileOffset, imageStart, _from, _to, lo, hi) => {
    const first = colOffset + row * tileLength + tileOffset;
    for (let g = lo, i = dstOffset + imageStart + lo * stride; g < hi; g++, i += stride) dst[i] += col[first + g];
  });
}
