/**
 * Resize of float32 tensors whose last two dims are resized and whose leading dims are left as
 * they are (NCHW images), on the elementwise WebAssembly module. The index maps (nearest) and
 * taps (linear, cubic) are the ones the TypeScript loops use, so every coordinate mode and
 * option means the same in both; the module only applies them. Nearest results are the same
 * elements; interpolated ones are float32 sums of float32-rounded weights, within 1e-6 relative
 * (of the largest input magnitude) of the float64 loops. Undefined where it does not apply.
 */
import { wasmResizeNearestF32, wasmResizeTapsF32, type PlaneResize } from '../../backends/wasm/resize-host.js';
import type { DenseTensor } from '../../tensor/dense-tensor.js';
import { sizeOf } from '../../tensor/shape.js';
import { allocateOutput, type KernelContext } from '../kernel.js';
import { interpolationTaps } from './interpolation-taps.js';
import { nearestMap } from './nearest-map.js';
import type { ResizeAttributes } from './resize-attributes.js';
import type { AxisResize } from './resize-target.js';

/** Below this many output elements the TypeScript loops cost less than the call. */
const MIN_OUTPUT = 64;

/** A dim every mode maps onto itself (see coordinateMap): not resized, and not cropped (a crop to [0, 1] maps exactly). */
function leftAlone(axis: AxisResize, attrs: ResizeAttributes): boolean {
  const cropped = attrs.coordinateMode === 'tf_crop_and_resize' && (axis.roiStart !== 0 || axis.roiEnd !== 1);
  return axis.scale === 1 && axis.outLength === axis.inLength && !cropped;
}

export function resizePlanesInWasm(x: DenseTensor, axes: readonly AxisResize[], attrs: ResizeAttributes, context?: KernelContext): DenseTensor | undefined {
  const rank = axes.length;
  if (x.type !== 'float32' || !(x.data instanceof Float32Array) || rank < 2) return undefined;
  if (!axes.slice(0, rank - 2).every((axis) => leftAlone(axis, attrs))) return undefined;
  const [rowAxis, colAxis] = axes.slice(rank - 2);
  const outDims = axes.map((a) => a.outLength);
  if (sizeOf(outDims) < MIN_OUTPUT || rowAxis.inLength === 0 || colAxis.inLength === 0) return undefined;
  const plane = { x: x.data, planes: sizeOf(x.dims.slice(0, rank - 2)), inH: rowAxis.inLength, inW: colAxis.inLength, outH: rowAxis.outLength, outW: colAxis.outLength };
  let run: (r: PlaneResize) => boolean;
  if (attrs.mode === 'nearest') {
    const rows = nearestMap(rowAxis, attrs);
    const cols = nearestMap(colAxis, attrs);
    // -1 marks tf_crop_and_resize's extrapolated elements, which the module does not fill.
    if (rows.includes(-1) || cols.includes(-1)) return undefined;
    run = (r) => wasmResizeNearestF32(r, rows, cols);
  } else {
    const rowTaps = interpolationTaps(rowAxis, attrs);
    const colTaps = interpolationTaps(colAxis, attrs);
    if (rowTaps.outside.includes(1) || colTaps.outside.includes(1)) return undefined;
    run = (r) => wasmResizeTapsF32(r, rowTaps, colTaps);
  }
  const result = allocateOutput(context, 'float32', outDims);
  return run({ ...plane, out: result.data as Float32Array }) ? result : undefined;
}
