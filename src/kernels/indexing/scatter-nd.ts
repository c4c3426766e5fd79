/** ScatterND (opset 11+, reductions from 16): the inverse of GatherND. */
import { KernelInputError } from '../../errors/errors.js';
import { ALL_TENSOR_TYPES } from '../../tensor/element-type.js';
import { formatShape, sameShape } from '../../tensor/shape.js';
import { kernel } from '../kernel.js';
import { tensorInput } from '../support/inputs.js';
import { derivedFromIndices } from './constant-indices.js';
import { ndSlices } from './nd-indices.js';
import { parseReduction, scatterSlices, type ScatterReduction } from './scatter-slices.js';

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
    const { starts, sliceSize, tupleDims, sliceDims } = derivedFromIndices(indices, `nd ${data.dims.join(',')}`, context, () => ndSlices(data, indices, 0));
    const expected = [...tupleDims, ...sliceDims];
    if (!sameShape(updates.dims, expected)) {
      throw new KernelInputError(`updates shape ${formatShape(updates.dims)} must be ${formatShape(expected)} (indices.shape[:-1] + data.shape[k:])`);
    }
    return [scatterSlices(data, updates, starts, sliceSize, attrs.reduction, context)];
  },
});
