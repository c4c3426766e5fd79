/** GatherND: slices of data addressed by index tuples, optionally per batch (batch_dims, opset 12+). */
import { DenseTensor } from '../../tensor/dense-tensor.js';
import { allocateStorage, ALL_TENSOR_TYPES, slotsPerElement } from '../../tensor/element-type.js';
import { kernel } from '../kernel.js';
import { tensorInput } from '../support/inputs.js';
import { ndSlices } from './nd-indices.js';
import { copyBlock } from '../support/block-copy.js';

export const gatherNd = kernel<{ batchDims: number }>({
  domain: '',
  opType: 'GatherND',
  sinceVersion: 11,
  typeConstraints: [{ input: 0, types: ALL_TENSOR_TYPES }, { input: 1, types: ['int32', 'int64'] }],
  parseAttributes: (attrs) => ({ batchDims: attrs.int('batch_dims', 0) }),
  run(inputs, attrs) {
    const data = tensorInput(inputs, 0, 'data');
    const indices = tensorInput(inputs, 1, 'indices');
    const { starts, sliceSize, tupleDims, sliceDims } = ndSlices(data, indices, attrs.batchDims);
    const slots = slotsPerElement(data.type);
    const block = sliceSize * slots;
    const out = allocateStorage(data.type, starts.length * sliceSize);
    for (let t = 0; t < starts.length; t++) copyBlock(data.data, starts[t] * slots, out, t * block, block);
    return [new DenseTensor(data.type, [...tupleDims, ...sliceDims], out)];
  },
});
