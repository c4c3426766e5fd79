/** Expand: broadcast the data against a shape (bidirectionally, as numpy does), by one strided copy. */
import { ALL_TENSOR_TYPES } from '../../tensor/element-type.js';
import { sameShape, stridesOf } from '../../tensor/shape.js';
import { kernel } from '../kernel.js';
import { broadcastShapes } from '../support/broadcast.js';
import { tensorInput } from '../support/inputs.js';
import { checkedDims, vectorInput } from '../support/shape-input.js';
import { gatherStrided } from './strided-copy.js';

export const expandKernel = kernel({
  domain: '',
  opType: 'Expand',
  sinceVersion: 8,
  typeConstraints: [{ input: 0, types: ALL_TENSOR_TYPES }, { input: 1, types: ['int64'] }],
  run(inputs, _attributes, context) {
    const data = tensorInput(inputs, 0, 'input');
    const shape = checkedDims(vectorInput(tensorInput(inputs, 1, 'shape'), 'shape'), 'shape');
    const dims = checkedDims(broadcastShapes(data.dims, shape), 'expanded shape');
    if (sameShape(dims, data.dims)) return [data];
    const inStrides = stridesOf(data.dims);
    const lead = dims.length - data.rank;
    // Leading new axes and size-1 axes repeat the same elements: stride 0.
    const strides = dims.map((_, j) => (j < lead || data.dims[j - lead] === 1 ? 0 : inStrides[j - lead]));
    return [gatherStrided(data, { dims, strides, offset: 0 }, context)];
  },
});
