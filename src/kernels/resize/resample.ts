/**
 * Resize's two engines. Nearest is an index map per dim and one gather over the storage, so it
 * serves every element type unchanged. Linear and cubic are separable: one 1-D pass per resized
 * dim over float64 values, the most-shrinking dims first so later passes touch less data.
 */
import { KernelInputError } from '../../errors/errors.js';
import { DenseTensor } from '../../tensor/dense-tensor.js';
import { allocateStorage, isBigIntType, type DataType } from '../../tensor/element-type.js';
import { sizeOf } from '../../tensor/shape.js';
import { computeBuffer, computeValues, isBigIntArray, tensorFromCompute } from '../support/numeric.js';
import { gatherIndexMaps } from './index-map-gather.js';
import { applyTaps, interpolationTaps, isIdentity } from './interpolation-taps.js';
import { nearestMap } from './nearest-map.js';
import { resizePlanesInWasm } from './resize-planes.js';
import type { KernelContext } from '../kernel.js';
import type { ResizeAttributes } from './resize-attributes.js';
import type { AxisResize } from './resize-target.js';

function resizeNearest(x: DenseTensor, axes: readonly AxisResize[], attrs: ResizeAttributes, context?: KernelContext): DenseTensor {
  return gatherIndexMaps(x, axes.map((a) => nearestMap(a, attrs)), attrs.extrapolationValue, context);
}

/**
 * Values back into `type`. Integer types truncate toward zero (and wrap, as typed-array stores
 * do), matching the ONNX reference's astype and onnxruntime.
 */
export function tensorFromFloat64(type: DataType, dims: readonly number[], values: Float64Array): DenseTensor {
  if (isBigIntType(type)) {
    const out = allocateStorage(type, values.length) as BigInt64Array | BigUint64Array;
    for (let i = 0; i < values.length; i++) out[i] = Number.isFinite(values[i]) ? BigInt(Math.trunc(values[i])) : 0n;
    return new DenseTensor(type, dims, out);
  }
  const out = computeBuffer(type, values.length);
  out.set(values as never);
  return tensorFromCompute(type, dims, out);
}

/** Linear and cubic modes compute with values, which strings, bools and complex numbers lack here. */
export function requireInterpolatable(type: DataType, mode: string): void {
  if (type === 'string' || type === 'bool' || type === 'complex64' || type === 'complex128') {
    throw new KernelInputError(`mode '${mode}' interpolates numbers; a ${type} tensor can only be sampled with mode 'nearest'`);
  }
}

function resizeInterpolated(x: DenseTensor, axes: readonly AxisResize[], attrs: ResizeAttributes): DenseTensor {
  requireInterpolatable(x.type, attrs.mode);
  const outDims = axes.map((a) => a.outLength);
  const raw = computeValues(x);
  // A typed-array copy converts natively; only BigInt storage needs a mapping function.
  let values: Float64Array = isBigIntArray(raw) ? Float64Array.from(raw, Number) : new Float64Array(raw);
  const dims = [...x.dims];
  const passes = axes
    .map((axis, d) => ({ d, axis }))
    .sort((p, q) => p.axis.outLength * q.axis.inLength - q.axis.outLength * p.axis.inLength);
  for (const { d, axis } of passes) {
    const taps = interpolationTaps(axis, attrs);
    if (isIdentity(taps)) continue;
    const outer = sizeOf(dims.slice(0, d));
    const inner = sizeOf(dims.slice(d + 1));
    values = applyTaps(values, outer, inner, taps, attrs.extrapolationValue);
    dims[d] = axis.outLength;
  }
  return tensorFromFloat64(x.type, outDims, values);
}

/**
 * Float32 images resized over their last two dims run on the WebAssembly module where it loads;
 * everything else, and those where it does not, in these loops. Nearest-mode results (and the
 * module's) take storage from the run's arena where `context` has one.
 */
export function resample(x: DenseTensor, axes: readonly AxisResize[], attrs: ResizeAttributes, context?: KernelContext): DenseTensor {
  const inWasm = resizePlanesInWasm(x, axes, attrs, context);
  if (inWasm) return inWasm;
  return attrs.mode === 'nearest' ? resizeNearest(x, axes, attrs, context) : resizeInterpolated(x, axes, attrs);
}
