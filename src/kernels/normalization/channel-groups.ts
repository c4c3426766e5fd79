/**
 * The computation InstanceNormalization and GroupNormalization share: X is [N, C, D1, ...]; its
 * channels split into `groups` equal groups per instance, each group is standardized over its
 * channels and spatial positions (one contiguous run), then scaled and shifted per channel.
 */
import { KernelInputError } from '../../errors/errors.js';
import type { DenseTensor } from '../../tensor/dense-tensor.js';
import { formatShape, sizeOf } from '../../tensor/shape.js';
import { computeBuffer, computeValues, tensorFromCompute, type NumberArray } from '../support/numeric.js';
import { groupMoments } from './moments.js';

export function channelCountOf(x: DenseTensor): number {
  if (x.rank < 2) throw new KernelInputError(`X must be [N, C, D1, ...] (rank >= 2), got ${formatShape(x.dims)}`);
  return x.dims[1];
}

/** The values of a 1-D per-channel (or per-group) parameter of `count` elements. */
export function vectorParameter(t: DenseTensor, count: number, what: string): NumberArray {
  if (t.rank !== 1 || t.dims[0] !== count) {
    throw new KernelInputError(`${what} must have shape [${count}], got ${formatShape(t.dims)}`);
  }
  return computeValues(t) as NumberArray;
}

export function normalizeChannelGroups(
  x: DenseTensor, groups: number, scale: ArrayLike<number>, bias: ArrayLike<number>, epsilon: number,
): DenseTensor {
  const channels = channelCountOf(x);
  const spatial = sizeOf(x.dims.slice(2));
  const batch = x.dims[0];
  const groupSize = (channels / groups) * spatial;
  const xv = computeValues(x) as NumberArray;
  const { mean, invStdDev } = groupMoments(xv, batch * groups, groupSize, epsilon);
  const y = computeBuffer(x.type, x.size) as NumberArray;
  for (let n = 0, i = 0; n < batch; n++) {
    for (let c = 0; c < channels; c++) {
      const g = n * groups + Math.floor((c * groups) / channels);
      const mu = mean[g];
      const factor = invStdDev[g] * scale[c];
      const shift = bias[c];
      for (let s = 0; s < spatial; s++, i++) y[i] = (xv[i] - mu) * factor + shift;
    }
  }
  return tensorFromCompute(x.type, x.dims, y);
}
