/**
 * Gather: whole slices along one axis picked by an index tensor. Each picked slice is a
 * contiguous run (inner elements), copied natively, which keeps embedding lookups fast. The
 * result takes its storage from the run's arena where there is one.
 */
import { KernelInputError } from '../../errors/errors.js';
import { ALL_TENSOR_TYPES, slotsPerElement } from '../../tensor/element-type.js';
import type { Shape } from '../../tensor/shape.js';
import { allocateOutput, kernel } from '../kernel.js';
import { normalizeAxis, tensorInput } from '../support/inputs.js';
import { axisLayout } from './axis-layout.js';
import { derivedFromIndices } from './constant-indices.js';
import { consecutiveRuns } from './index-runs.js';
import { resolvedIndices } from './index-values.js';
import { copyWords, wordsOf } from '../support/block-copy.js';

/** Picks along an axis depend on its size only, given as the key's number. */
const EMPTY_DIMS: readonly number[] = [];

/** data's dims with the axis replaced by the indices' dims. */
function gatheredDims(dataDims: Shape, axis: number, indexDims: Shape): number[] {
  const dims: number[] = [];
  for (let i = 0; i < axis; i++) dims.push(dataDims[i]);
  for (let i = 0; i < indexDims.length; i++) dims.push(indexDims[i]);
  for (let i = axis + 1; i < dataDims.length; i++) dims.push(dataDims[i]);
  return dims;
}

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
    const picks = derivedFromIndices(indices, 'axis', EMPTY_DIMS, size, context, () => resolvedIndices(indices, size, 'indices'));
    const dims = gatheredDims(data.dims, axis, indices.dims);
    const result = allocateOutput(context, data.type, dims);
    const { data: source, width } = wordsOf(data.data);
    const target = wordsOf(result.data).data;
    const block = inner * slotsPerElement(data.type) * width;
    const runs = context?.isConstant?.(indices)
      ? derivedFromIndices(indices, 'axis-runs', EMPTY_DIMS, size, context, () => consecutiveRuns(picks, 1))
      : undefined;
    let dst = 0;
    for (let o = 0; o < outer; o++) {
      const base = o * size;
      if (runs) {
        for (let r = 0; r < runs.length; r += 2) {
          const length = runs[r + 1] * block;
          copyWords(source, (base + picks[runs[r]]) * block, target, dst, length);
          dst += length;
        }
      } else if (block === 1) {
        for (let j = 0; j < picks.length; j++) target[dst++] = source[base + picks[j]];
      } else {
        for (let j = 0; j < picks.length; j++) {
          copyWords(source, (base + picks[j]) * block, target, dst, block);
          dst += block;
        }
      }
    }
    return [result];
  },
});
