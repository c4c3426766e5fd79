/**
 * The write half of ScatterElements, ScatterND and Scatter: a copy of data where each update
 * slice is stored at (or combined by the reduction into) its target slice, in update order.
 */
import { KernelInputError } from '../../errors/errors.js';
import { DenseTensor } from '../../tensor/dense-tensor.js';
import { slotsPerElement } from '../../tensor/element-type.js';
import type { AttributeReader } from '../attributes.js';
import { allocateOutput, type KernelContext } from '../kernel.js';
import { pickFn, type ElementFn, type ElementFns } from '../support/elementwise.js';
import { computeValues, storageFromCompute } from '../support/numeric.js';
import { copyWords, wordsOf } from '../support/block-copy.js';

export type ScatterReduction = 'none' | 'add' | 'mul' | 'max' | 'min';

/** The opset that introduced each reduction. */
const INTRODUCED: Record<ScatterReduction, number> = { none: 1, add: 16, mul: 16, max: 18, min: 18 };

export function parseReduction(attrs: AttributeReader, opset: number): ScatterReduction {
  const name = attrs.string('reduction', 'none');
  if (!Object.prototype.hasOwnProperty.call(INTRODUCED, name)) {
    throw new KernelInputError(`attribute 'reduction' must be none, add, mul, max or min, got '${name}'`);
  }
  const reduction = name as ScatterReduction;
  if (opset < INTRODUCED[reduction]) {
    throw new KernelInputError(`attribute 'reduction' = '${reduction}' needs opset ${INTRODUCED[reduction]} or later, the model uses ${opset}`);
  }
  return reduction;
}

// Booleans combine logically: add and max are "or", mul and min are "and". A double product of
// two 32-bit integers can lose the low bits the stored result keeps, hence Math.imul.
const COMBINERS: Record<Exclude<ScatterReduction, 'none'>, ElementFns<ElementFn>> = {
  add: { float: (a, b) => a + b, bool: (a, b) => a | b },
  mul: { float: (a, b) => a * b, int32: Math.imul, bool: (a, b) => a & b },
  max: { float: Math.max, bigint: (a, b) => (a > b ? a : b), bool: (a, b) => a | b },
  min: { float: Math.min, bigint: (a, b) => (a < b ? a : b), bool: (a, b) => a & b },
};

/**
 * Output = data with update slice t (elements [t*sliceSize, (t+1)*sliceSize) of updates) written
 * at element offset starts[t]; without a reduction its storage comes from the run's arena where
 * `context` has one. `runs`: consecutiveRuns(starts, sliceSize), where the caller keeps them
 * (constant indices); without a reduction each run is written as one copy.
 */
export function scatterSlices(
  data: DenseTensor,
  updates: DenseTensor,
  starts: Int32Array,
  sliceSize: number,
  reduction: ScatterReduction,
  context?: KernelContext,
  runs?: Int32Array,
): DenseTensor {
  if (updates.type !== data.type) throw new KernelInputError(`updates is ${updates.type} but data is ${data.type}; they must match`);
  if (reduction === 'none') {
    const result = allocateOutput(context, data.type, data.dims);
    const target = wordsOf(result.data).data;
    copyWords(wordsOf(data.data).data, 0, target, 0, target.length);
    const { data: source, width } = wordsOf(updates.data);
    const slots = slotsPerElement(data.type) * width;
    const block = sliceSize * slots;
    if (runs) {
      for (let r = 0; r < runs.length; r += 2) {
        const t = runs[r];
        copyWords(source, t * block, target, starts[t] * slots, runs[r + 1] * block);
      }
    } else if (block === 1) {
      const from = source as Int32Array;
      const to = target as Int32Array;
      for (let t = 0; t < starts.length; t++) to[starts[t]] = from[t];
    } else {
      for (let t = 0; t < starts.length; t++) copyWords(source, t * block, target, starts[t] * slots, block);
    }
    return result;
  }
  if (data.type === 'string' || slotsPerElement(data.type) !== 1) {
    throw new KernelInputError(`reduction '${reduction}' is not defined for ${data.type} tensors`);
  }
  const combine = pickFn(COMBINERS[reduction], data.type);
  const out = computeValues(data).slice();
  const upd = computeValues(updates);
  for (let t = 0; t < starts.length; t++) {
    const start = starts[t];
    const from = t * sliceSize;
    for (let i = 0; i < sliceSize; i++) out[start + i] = combine(out[start + i], upd[from + i]);
  }
  return new DenseTensor(data.type, data.dims, storageFromCompute(data.type, out));
}
