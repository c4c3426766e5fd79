/**
 * Where each element of a tensor finds its quantization parameter when the parameters are
 * broadcast numpy-style over it (one per row, per column, per channel...).
 */
import { KernelInputError } from '../../errors/errors.js';
import { formatShape, type Shape } from '../../tensor/shape.js';
import { broadcastIndex, broadcastsOneWay } from '../support/broadcast.js';

export function checkBroadcastable(paramDims: Shape, dims: Shape, what: string): void {
  if (!broadcastsOneWay(paramDims, dims)) {
    throw new KernelInputError(`${what} has shape ${formatShape(paramDims)}, which does not fit ${formatShape(dims)} (it must broadcast to it)`);
  }
}

/** Per element of `dims`, the index into parameters of shape `paramDims`; undefined when they coincide. */
export function paramIndex(paramDims: Shape, dims: Shape, what: string): Int32Array | undefined {
  checkBroadcastable(paramDims, dims, what);
  return broadcastIndex(paramDims, dims);
}

/** The spec gives per-row parameters of a 2-D [M, K] matrix as an M-vector, which numpy would broadcast along K. */
export function rowParamDims(paramDims: Shape, matrixDims: Shape): Shape {
  return paramDims.length === 1 && paramDims[0] !== 1 && matrixDims.length >= 2 ? [paramDims[0], 1] : paramDims;
}
