/**
 * The float multiplier of each element of a quantized matrix product: a_scale (per tensor or
 * per row of A) x b_scale (per tensor or per column of B) / divisor (y_scale, or 1 for float
 * outputs), each step rounded to the scales' precision.
 */
import { sizeOf, type Shape } from '../../tensor/shape.js';
import type { NumberArray } from '../support/numeric.js';
import type { Rounding } from './float-precision.js';
import { paramIndex, rowParamDims } from './param-index.js';

export interface ScaleOperand {
  readonly values: NumberArray;
  readonly dims: Shape;
}

export function productMultipliers(
  a: ScaleOperand, aMatrixDims: Shape, b: ScaleOperand, divisor: number, outDims: Shape, round: Rounding,
): (index: number) => number {
  const as = a.values;
  const bs = b.values;
  if (as.length === 1 && bs.length === 1) {
    const multiplier = round(round(as[0] * bs[0]) / divisor);
    return () => multiplier;
  }
  const ai = paramIndex(as.length === 1 ? [] : rowParamDims(a.dims, aMatrixDims), outDims, 'the scale of A');
  const bi = paramIndex(bs.length === 1 ? [] : b.dims, outDims, 'the scale of B');
  const values = new Float64Array(sizeOf(outDims));
  for (let i = 0; i < values.length; i++) values[i] = round(round(as[ai ? ai[i] : i] * bs[bi ? bi[i] : i]) / divisor);
  return (index) => values[index];
}
