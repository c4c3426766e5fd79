/** GatherND: slices of data addressed by index tuples, optionally per batch (batch_dims, opset 12+). */
import { DenseTensor } from '../../tensor/dense-tensor.js';
import { allocateStorage, ALL_TENSOR_TYPES, slotsPerElement } from '../../tensor/element-type.js';
import { kernel } from '../kernel.js';
import { tensorInput } from '../support/inputs.js';
import { derivedFromIndices } from './constant-indices.js';
import { ndSlices } from './nd-indices.js';
import { copyWords, wordsOf } from '../support/block-copy.js';

export const gatherNd = kernel<{ batchDims: number }>({
  domain: '',
  opType: 'GatherND',
  sinceVersion: 11,
  typeConstraints: [{ input: 0, types: ALL_TENSOR_TYPES }, { input: 1, types: ['int32', 'int64'] }],
  parseAttributes: (attrs) => ({ batchDims: attrs.int('batch_dims', 0) }),
  run(inputs, attrs, context) {
    const data = tensorInput(inputs, 0, 'data');
    const indices = tensorInput(inputs, 1, 'indices');
    const { starts, sliceSize, tupleDims, sliceDims } = derivedFromIndices(indices, 'nd', data.dims, attrs.batchDims, context, () => ndSlices(data, indices, attrs.batchDims));
    const out = allocateStorage(data.type, starts.length * sliceSize);
    const { data: source, width } = wordsOf(data.data);
    const target = wordsOf(out).data;
    const slots = slotsPerElement(data.type) * width;
    const block = sliceSize * slots;
    for (let t = 0; t < starts.length; t++) copyWords(source, starts[t] * slots, target, t * block, block);
    return [new DenseTensor(data.type, [...tupleDims, ...sliceDims], out)];
  },
});
