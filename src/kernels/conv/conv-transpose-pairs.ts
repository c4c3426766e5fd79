/**
 * ConvTranspose's path for windows whose taps never overlap and pair up along the row: stride
 * equal to the kernel, the kernel two wide (kernel height any), no padding, dilation or output
 * padding, as upsampling heads (DB text detectors, U-Nets) use. Every output element then gets
 * exactly one tap of each input channel, so the WebAssembly kernel writes Y straight from X and
 * W, bias included, with no column matrix, no col2im and no zero fill. Its sums are the same
 * as the GEMM path's up to float32 rounding order (within 1e-5 relative of the reference).
 */
import { wasmConvTransposePairsF32 } from '../../backends/wasm/conv-transpose-pairs.js';
import type { FloatArray } from '../linalg/gemm-core.js';
import type { SlidingWindow } from './sliding-window.js';

/** Whether every output element gets exactly one tap per input channel, the taps in pairs along the row. */
export function pairedTaps(win: SlidingWindow): boolean {
  const rank = win.grid.length;
  if (rank < 1 || rank > 2 || win.kernel[rank - 1] !== 2) return false;
  for (let a = 0; a < rank; a++) {
    if (win.strides[a] !== win.kernel[a] || win.dilations[a] !== 1 || win.padsBegin[a] !== 0 || win.padsEnd[a] !== 0) return false;
    if (win.image[a] !== win.grid[a] * win.kernel[a]) return false;
  }
  return true;
}

export interface PairedTapsInputs {
  readonly x: FloatArray;
  readonly w: FloatArray;
  readonly bias?: FloatArray;
  readonly y: FloatArray;
  readonly batch: number;
  readonly group: number;
  readonly inPerGroup: number;
  readonly outPerGroup: number;
}

/** Writes all of Y for a window pairedTaps accepts; false, Y untouched, where it cannot (not float32, WebAssembly unavailable). */
export function pairedTapsF32(op: PairedTapsInputs, win: SlidingWindow): boolean {
  const { x, w, bias, y } = op;
  if (!(x instanceof Float32Array && w instanceof Float32Array && y instanceof Float32Array)) return false;
  if (bias !== undefined && !(bias instanceof Float32Array)) return false;
  const twoAxes = win.grid.length === 2;
  return wasmConvTransposePairsF32({
    ...op, x, w, bias, y,
    gridH: twoAxes ? win.grid[0] : 1,
    gridW: win.grid[twoAxes ? 1 : 0],
    kH: twoAxes ? win.kernel[0] : 1,
  });
}
