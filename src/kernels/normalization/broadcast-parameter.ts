/**
 * A parameter tensor (Scale, B) broadcast one way to the input X, as LayerNormalization and
 * RMSNormalization allow. A parameter usually spans only X's trailing dimensions, so its index
 * covers just that tail and repeats with it, instead of one entry per element of X.
 */
import { KernelInputError } from '../../errors/errors.js';
import type { DenseTensor } from '../../tensor/dense-tensor.js';
import { formatShape, sizeOf, type Shape } from '../../tensor/shape.js';
import { broadcastIndex, broadcastsOneWay } from '../support/broadcast.js';
import { computeValues, type NumberArray } from '../support/numeric.js';

export interface BroadcastParameter {
  readonly values: NumberArray;
  /** Element i of X uses values[index[i % period]] (values[i % period] without an index). */
  readonly index: Int32Array | undefined;
  readonly period: number;
}

export function broadcastParameter(param: DenseTensor, xDims: Shape, what: string): BroadcastParameter {
  if (!broadcastsOneWay(param.dims, xDims)) {
    throw new KernelInputError(`${what} ${formatShape(param.dims)} does not broadcast one way to X ${formatShape(xDims)}`);
  }
  let lead = 0;
  while (lead < param.rank && param.dims[lead] === 1) lead++;
  const dims = param.dims.slice(lead);
  const tail = xDims.slice(xDims.length - dims.length);
  return { values: computeValues(param) as NumberArray, index: broadcastIndex(dims, tail), period: sizeOf(tail) };
}

/** The parameter's value for element i of X. */
export function parameterAt(p: BroadcastParameter, i: number): number {
  const j = i % p.period;
  return p.values[p.index ? p.index[j] : j];
}
