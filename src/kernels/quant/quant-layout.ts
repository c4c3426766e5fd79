/**
 * Which scale and zero point each element of a QuantizeLinear / DequantizeLinear input uses,
 * from the scale's shape: one for the whole tensor (a single value), one per index along
 * `axis` (a 1-D scale), or one per block of `blockSize` indices along `axis` (a scale of the
 * input's rank, equal to it on every other axis).
 */
import { KernelInputError } from '../../errors/errors.js';
import { formatShape, sameShape, sizeOf, type Shape } from '../../tensor/shape.js';
import { normalizeAxis } from '../support/inputs.js';

export interface QuantLayout {
  /** Elements before the axis, along it, and after it (1, 1, size for per-tensor). */
  readonly outer: number;
  readonly axisLength: number;
  readonly inner: number;
  /** Indices along the axis that share one parameter. */
  readonly block: number;
  /** Parameter-index steps per outer index, per block along the axis, per inner index. */
  readonly outerStride: number;
  readonly blockStride: number;
  readonly innerStride: number;
}

function perTensor(size: number): QuantLayout {
  return { outer: 1, axisLength: 1, inner: size, block: 1, outerStride: 0, blockStride: 0, innerStride: 0 };
}

export function quantLayout(dims: Shape, paramDims: Shape, axisAttr: number, blockSize: number): QuantLayout {
  if (sizeOf(paramDims) === 1) return perTensor(sizeOf(dims));
  const axis = normalizeAxis(axisAttr, dims.length);
  const outer = sizeOf(dims.slice(0, axis));
  const inner = sizeOf(dims.slice(axis + 1));
  const axisLength = dims[axis];
  if (blockSize > 0) {
    const blocks = Math.ceil(axisLength / blockSize);
    const expected = dims.map((d, i) => (i === axis ? blocks : d));
    if (!sameShape(paramDims, expected)) {
      throw new KernelInputError(
        `blocked quantization (block_size ${blockSize}, axis ${axis}) of an input of shape ${formatShape(dims)} needs a scale of shape ${formatShape(expected)}, got ${formatShape(paramDims)}`,
      );
    }
    return { outer, axisLength, inner, block: blockSize, outerStride: blocks * inner, blockStride: inner, innerStride: 1 };
  }
  if (paramDims.length !== 1 || paramDims[0] !== axisLength) {
    throw new KernelInputError(
      `the scale must be a single value or a 1-D tensor of length ${axisLength} (the size of axis ${axis} of the input ${formatShape(dims)}), got shape ${formatShape(paramDims)}`,
    );
  }
  return { outer, axisLength, inner, block: 1, outerStride: 0, blockStride: 1, innerStride: 0 };
}

/**
 * Calls `visit` once per run of `inner` consecutive elements that walk the parameters with a
 * fixed step: the run's first element, its first parameter and the parameter step.
 */
export function forEachQuantRun(layout: QuantLayout, visit: (start: number, param: number, step: number, count: number) => void): void {
  const { outer, axisLength, inner, block, outerStride, blockStride, innerStride } = layout;
  for (let o = 0; o < outer; o++) {
    for (let a = 0; a < axisLength; a++) {
      visit((o * axisLength + a) * inner, o * outerStride + Math.floor(a / block) * blockStride, innerStride, inner);
    }
  }
}

/** The zero point, when given, must have the scale's shape. */
export function checkZeroPointShape(scaleDims: Shape, zeroPointDims: Shape | undefined, what = 'zero point'): void {
  if (zeroPointDims === undefined || sameShape(scaleDims, zeroPointDims)) return;
  if (sizeOf(scaleDims) === 1 && sizeOf(zeroPointDims) === 1) return;
  throw new KernelInputError(`the ${what} must have the scale's shape ${formatShape(scaleDims)}, got ${formatShape(zeroPointDims)}`);
}
