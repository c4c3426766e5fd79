/** GatherElements: out[i..] = data[i.. with the axis coordinate replaced by indices[i..]]. */
import { KernelInputError } from '../../errors/errors.js';
import { DenseTensor } from '../../tensor/dense-tensor.js';
import { ALL_TENSOR_TYPES } from '../../tensor/element-type.js';
import { kernel } from '../kernel.js';
import { normalizeAxis, tensorInput } from '../support/inputs.js';
import { takeElements } from './element-copy.js';
import { derivedFromIndices } from './constant-indices.js';
import { elementOffsets } from './element-indices.js';

export const gatherElements = kernel<{ axis: number }>({
  domain: '',
  opType: 'GatherElements',
  sinceVersion: 11,
  typeConstraints: [{ input: 0, types: ALL_TENSOR_TYPES }, { input: 1, types: ['int32', 'int64'] }],
  parseAttributes: (attrs) => ({ axis: attrs.int('axis', 0) }),
  run(inputs, attrs, context) {
    const data = tensorInput(inputs, 0, 'data');
    const indices = tensorInput(inputs, 1, 'indices');
    if (data.rank === 0) throw new KernelInputError('data must have rank >= 1, got a scalar');
    const axis = normalizeAxis(attrs.axis, data.rank);
    const offsets = derivedFromIndices(indices, 'elements', data.dims, axis, context, () => elementOffsets(data, indices, axis));
    return [new DenseTensor(data.type, indices.dims, takeElements(data.type, data.data, offsets))];
  },
});
