/**
 * Gather: whole slices along one axis picked by an index tensor. Each picked slice is a
 * contiguous run (inner elements), copied natively, which keeps embedding lookups fast.
 */
import { KernelInputError } from '../../errors/errors.js';
import { DenseTensor } from '../../tensor/dense-tensor.js';
import { allocateStorage, ALL_TENSOR_TYPES, slotsPerElement } from '../../tensor/element-type.js';
import { sizeOf } from '../../tensor/shape.js';
import { kernel } from '../kernel.js';
import { normalizeAxis, tensorInput } from '../support/inputs.js';
import { axisLayout } from './axis-layout.js';
import { resolvedIndices } from './index-values.js';
import { copyBlock } from '../support/block-copy.js';

export const gather = kernel<{ axis: number }>({
  domain: '',
  opType: 'Gather',
  sinceVersion: 1,
  typeConstraints: [{ input: 0, types: ALL_TENSOR_TYPES }, { input: 1, types: ['int32', 'int64'] }],
  parseAttributes: (attrs) => ({ axis: attrs.int('axis', 0) }),
  run(inputs, attrs) {
    const data = tensorInput(inputs, 0, 'data');
    const indices = tensorInput(inputs, 1, 'indices');
    if (data.rank === 0) throw new KernelInputError('data must have rank >= 1, got a scalar');
    const axis = normalizeAxis(attrs.axis, data.rank);
    const { outer, size, inner } = axisLayout(data.dims, axis);
    const picks = resolvedIndices(indices, size, 'indices');
    const dims = [...data.dims.slice(0, axis), ...indices.dims, ...data.dims.slice(axis + 1)];
    const out = allocateStorage(data.type, sizeOf(dims));
    const block = inner * slotsPerElement(data.type);
    let dst = 0;
    for (let o = 0; o < outer; o++) {
      const base = o * size;
      for (let j = 0; j < picks.length; j++) {
        copyBlock(data.data, (base + picks[j]) * block, out, dst, block);
        dst += block;
      }
    }
    return [new DenseTensor(data.type, dims, out)];
  },
});
