/**
 * The ai.onnx.ml estimators take a batch as [N, C] and one example as [C]; both are read here
 * as N rows of C features in float64, whatever the numeric input type.
 */
import { KernelInputError } from '../../errors/errors.js';
import type { DenseTensor } from '../../tensor/dense-tensor.js';
import { formatShape } from '../../tensor/shape.js';
import { computeValues } from '../support/numeric.js';

export interface FeatureRows {
  readonly rows: number;
  readonly cols: number;
  readonly values: Float64Array;
}

export function featureRows(x: DenseTensor, what = 'X'): FeatureRows {
  if (x.rank !== 1 && x.rank !== 2) throw new KernelInputError(`${what} must be [N, C] or [C], got ${formatShape(x.dims)}`);
  const rows = x.rank === 2 ? x.dims[0] : 1;
  const cols = x.rank === 2 ? x.dims[1] : x.dims[0];
  return { rows, cols, values: Float64Array.from(computeValues(x) as ArrayLike<number | bigint>, Number) };
}

/** The float types and the two integer types these estimators accept. */
export const ESTIMATOR_INPUT_TYPES = ['float32', 'float64', 'int64', 'int32'] as const;
