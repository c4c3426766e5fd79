/** ScatterND (opset 11+, reductions from 16): the inverse of GatherND. */
import { KernelInputError } from '../../errors/errors.js';
import { ALL_TENSOR_TYPES } from '../../tensor/element-type.js';
import { formatShape, type Shape } from '../../tensor/shape.js';
import { kernel } from '../kernel.js';
import { tensorInput } from '../support/inputs.js';
import { derivedFromIndices } from './constant-indices.js';
import { consecutiveRuns } from './index-runs.js';
import { ndSlices } from './nd-indices.js';
import { parseReduction, scatterSlices, type ScatterReduction } from './scatter-slices.js';

/** Whether `dims` is `head` followed by `tail` (checked on every call, so without building it). */
function isConcatenation(dims: Shape, head: Shape, tail: Shape): boolean {
  if (dims.length !== head.length + tail.length) return false;
  for (let i = 0; i < head.length; i++) if (dims[i] !== head[i]) return false;
  for (let i = 0; i < tail.length; i++) if (dims[head.length + i] !== tail[i]) return false;
  return true;
}

export const scatterNd = kernel<{ reduction: ScatterReduction }>({
  domain: '',
  opType: 'ScatterND',
  sinceVersion: 11,
  typeConstraints: [
    { input: 0, types: ALL_TENSOR_TYPES },
    { input: 1, types: ['int32', 'int64'] },
    { input: 2, types: ALL_TENSOR_TYPES },
  ],
  parseAttributes: (attrs, ctx) => ({ reduction: parseReduction(attrs, ctx.opset) }),
  run(inputs, attrs, context) {
    const data = tensorInput(inputs, 0, 'data');
    const indices = tensorInput(inputs, 1, 'indices');
    const updates = tensorInput(inputs, 2, 'updates');
    const { starts, sliceSize, tupleDims, sliceDims } = derivedFromIndices(indices, 'nd', data.dims, 0, context, () => ndSlices(data, indices, 0));
    if (!isConcatenation(updates.dims, tupleDims, sliceDims)) {
      throw new KernelInputError(`updates shape ${formatShape(updates.dims)} must be ${formatShape([...tupleDims, ...sliceDims])} (indices.shape[:-1] + data.shape[k:])`);
    }
    const runs = context?.isConstant?.(indices)
      ? derivedFromIndices(indices, 'nd-runs', data.dims, 0, context, () => consecutiveRuns(starts, sliceSize))
      : undefined;
    return [scatterSlices(data, updates, starts, sliceSize, attrs.reduction, context, runs)];
  },
});
