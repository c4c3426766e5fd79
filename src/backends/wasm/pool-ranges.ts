/**
 * A range of a MaxPool or AveragePool call (wasm-pool.ts) as a thread runs it (conv-ranges.ts):
 * plain numbers in, so that helper threads run it from the shared control block.
 */
import type { ConvExports } from './conv-module.js';
import type { RangeCall } from './conv-ranges.js';

/**
 * Planes [start, end) of a pooling call (conv-ranges.ts): padded, where the call pads, into
 * their own planes of the padded image, then pooled; `scratch` the range's own.
 */
export function runPoolRange(exports: ConvExports, call: RangeCall, start: number, end: number, scratch: number): void {
  const [x, padded, y, isMax, rowsAt, colsAt, h, w, top, left] = call.args;
  const win = call.window;
  const planes = end - start;
  const planeFloats = win[0] * win[1];
  let image = x + start * planeFloats * 4;
  if (padded !== 0) {
    image = padded + start * planeFloats * 4;
    exports.padImage(x + start * h * w * 4, planes, h, w, top, left, isMax ? -Infinity : 0, image);
  }
  const yAt = y + start * win[8] * win[9] * 4;
  if (isMax) exports.maxPool(image, planes, scratch, yAt);
  else exports.averagePool(image, planes, rowsAt, colsAt, scratch, yAt);
}
