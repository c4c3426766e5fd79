/** Nearest Resize's index map along one dim: which input index each output index copies. */
import { coordinateMap, extrapolates, nearestIndex } from './coordinate-transform.js';
import type { ResizeAttributes } from './resize-attributes.js';
import type { AxisResize } from './resize-target.js';

/** For each output index on one dim, the input index it copies, or -1 to extrapolate. */
export function nearestMap(axis: AxisResize, attrs: ResizeAttributes): Int32Array {
  const map = coordinateMap(attrs.coordinateMode, axis);
  const downsampling = axis.scale < 1;
  const out = new Int32Array(axis.outLength);
  for (let o = 0; o < axis.outLength; o++) {
    const x = map(o);
    out[o] = extrapolates(attrs.coordinateMode, x, axis.inLength)
      ? -1
      : Math.min(Math.max(nearestIndex(attrs.nearestMode, x, downsampling), 0), axis.inLength - 1);
  }
  return out;
}
