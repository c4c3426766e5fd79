/**
 * Where an output index samples the input, per coordinate_transformation_mode, and which input
 * index nearest mode picks there.
 *
 * The arithmetic is float32, one rounding per operation in onnxruntime's order: where a sample
 * lands exactly on an integer or a half in exact arithmetic, float32 and float64 round to
 * opposite sides and nearest picks a different element. The lengths follow the ONNX reference
 * implementation: modes that divide by the output length use `outWidth`, fractional when a
 * non-integral scale was floored; pytorch_half_pixel tests the integer length, as the spec words it.
 */
import type { CoordinateMode, NearestMode } from './resize-attributes.js';
import type { AxisResize } from './resize-target.js';

export type CoordinateMap = (x: number) => number;

const f = Math.fround;

export function coordinateMap(mode: CoordinateMode, axis: AxisResize): CoordinateMap {
  const { inLength, outLength, roiStart, roiEnd } = axis;
  // A dim that is not resized maps onto itself, as in onnxruntime; only tf_half_pixel_for_nn
  // would otherwise move it (by half an element), and tf_crop_and_resize may still crop it.
  if (axis.scale === 1 && outLength === inLength && mode !== 'tf_crop_and_resize') return (x) => x;
  const scale = f(axis.scale);
  const width = f(axis.outWidth);
  const halfPixel: CoordinateMap = (x) => f(f(f(x + 0.5) / scale) - 0.5);
  switch (mode) {
    case 'half_pixel':
      return halfPixel;
    case 'half_pixel_symmetric': {
      // Centers the region the integer output length covers on the input's center.
      const offset = f(f(inLength / 2) * f(1 - f(outLength / f(scale * inLength))));
      return (x) => f(offset + (x + 0.5) / scale - 0.5);
    }
    case 'pytorch_half_pixel':
      return outLength > 1 ? halfPixel : () => 0;
    case 'align_corners':
      return width === 1 ? () => 0 : (x) => f(f(x * (inLength - 1)) / f(width - 1));
    case 'asymmetric':
      return (x) => f(x / scale);
    case 'tf_half_pixel_for_nn':
      return (x) => f(f(x + 0.5) / scale);
    case 'tf_crop_and_resize': {
      const start = f(roiStart);
      const extent = f(f(roiEnd) - start);
      return width === 1
        ? () => f(0.5 * (start + f(roiEnd)) * (inLength - 1))
        : (x) => f(f(start * (inLength - 1)) + f(f(f(x * extent) * (inLength - 1)) / f(width - 1)));
    }
  }
}

/** True where tf_crop_and_resize samples outside the input, so the output takes extrapolation_value. */
export function extrapolates(mode: CoordinateMode, original: number, inLength: number): boolean {
  return mode === 'tf_crop_and_resize' && (original < 0 || original > inLength - 1);
}

/**
 * How far from a half a float32 coordinate may land and still count as a tie: an exact half
 * (output 4 of a 20 → 6 half_pixel resize samples 14.5) comes out an ulp off in float32.
 * onnxruntime uses this absolute tolerance.
 */
const TIE_TOLERANCE = 1e-6;

/** The input index nearest mode picks at `original`, before clamping to the input. */
export function nearestIndex(mode: NearestMode, original: number, downsampling: boolean): number {
  const floor = Math.floor(original);
  const fraction = original - floor;
  if (fraction === 0) return floor;
  const tie = Math.abs(fraction - 0.5) <= TIE_TOLERANCE;
  switch (mode) {
    case 'round_prefer_floor':
      return tie || fraction < 0.5 ? floor : floor + 1;
    case 'round_prefer_ceil':
      return !tie && fraction < 0.5 ? floor : floor + 1;
    case 'floor':
      return floor;
    case 'ceil':
      return floor + 1;
    case 'legacy':
      return downsampling ? floor + 1 : Math.trunc(original);
  }
}
