/**
 * Gather: whole slices along one axis picked by an index tensor. Each picked slice is a
 * contiguous run (inner elements), copied natively, which keeps embedding lookups fast. The
 * result takes its storage from the run's arena where there is one.
 */
import { KernelInputError } from '../../errors/errors.js';
import { ALL_TENSOR_TYPES, slotsPerElement } from '../../tensor/element-type.js';
import { allocateOutput, kernel } from '../kernel.js';
import { normalizeAxis, tensorInput } from '../support/inputs.js';
import { axisLayout } from './axis-layout.js';
import { derivedFromIndices } from './constant-indices.js';
import { resolvedIndices } from './index-values.js';
import { copyWords, wordsOf } from '../support/block-copy.js';

export const gather = kernel<{ axis: number }>({
  domain: '',
  opType: 'Gather',
  sinceVersion: 1,
  typeConstraints: [{ input: 0, types: ALL_TENSOR_TYPES }, { input: 1, types: ['int32', 'int64'] }],
  parseAttributes: (attrs) => ({ axis: attrs.int('axis', 0) }),
  run(inputs, attrs, context) {
    const data = tensorInput(inputs, 0, 'data');
    const indices = tensorInput(inputs, 1, 'indices');
    if (data.rank === 0) throw new KernelInputError('data must have rank >= 1, got a scalar');
    const axis = normalizeAxis(attrs.axis, data.rank);
    const { outer, size, inner } = axisLayout(data.dims, axis);
    const picks = derivedFromIndices(indices, `axis of ${size}`, context, () => resolvedIndices(indices, size, 'indices'));
    const dims = [...data.dims.slice(0, axis), ...indices.dims, ...data.dims.slice(axis + 1)];
    const result = allocateOutput(context, data.type, dims);
    const { data: source, width } = wordsOf(data.data);
    const target = wordsOf(result.data).data;
    const block = inner * slotsPerElement(data.type) * width;
    let dst = 0;
    for (let o = 0; o < outer; o++) {
      const base = o * size;
      for (let j = 0; j < picks.length; j++) {
        copyWords(source, (base + picks[j]) * block, target, dst, block);
        dst += block;
      }
    }
    return [result];
  },
});
