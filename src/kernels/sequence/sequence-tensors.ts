/**
 * Between sequences and tensors: SplitToSequence (11+), ConcatFromSequence (11+). Chunks and
 * joins are block copies, shared with Concat.
 */
import { KernelInputError } from '../../errors/errors.js';
import type { DenseTensor } from '../../tensor/dense-tensor.js';
import { SequenceValue } from '../../tensor/value.js';
import { kernel } from '../kernel.js';
import { integersOf, normalizeAxis, optionalTensorInput, tensorInput } from '../support/inputs.js';
import { chunkAlong } from '../tensor/axis-chunk.js';
import { concatTensors } from '../tensor/concat.js';
import { sequenceInput } from './sequence-ops.js';

function chunkSizes(dim: number, split: DenseTensor | undefined): number[] {
  if (!split) return new Array<number>(dim).fill(1);
  const values = integersOf(split, 'split');
  if (split.rank === 0) {
    const size = values[0];
    if (size <= 0) throw new KernelInputError(`split must be positive, got ${size}`);
    const sizes = new Array<number>(Math.floor(dim / size)).fill(size);
    if (dim % size) sizes.push(dim % size);
    return sizes;
  }
  if (values.some((v) => v < 0) || values.reduce((a, b) => a + b, 0) !== dim) {
    throw new KernelInputError(`split sizes [${values.join(',')}] must be non-negative and sum to the axis length ${dim}`);
  }
  return values;
}

export const sequenceTensorKernels = [
  kernel<{ axis: number; keepdims: boolean }>({
    domain: '', opType: 'SplitToSequence', sinceVersion: 11,
    parseAttributes: (attrs) => ({ axis: attrs.int('axis', 0), keepdims: attrs.int('keepdims', 1) !== 0 }),
    run(inputs, attrs) {
      const input = tensorInput(inputs, 0, 'input');
      const split = optionalTensorInput(inputs, 1, 'split');
      const axis = normalizeAxis(attrs.axis, input.rank);
      let start = 0;
      const parts = chunkSizes(input.dims[axis], split).map((length) => {
        const part = chunkAlong(input, axis, start, length, split !== undefined || attrs.keepdims);
        start += length;
        return part;
      });
      return [new SequenceValue(parts, input.type)];
    },
  }),
  kernel<{ axis: number; newAxis: boolean }>({
    domain: '', opType: 'ConcatFromSequence', sinceVersion: 11,
    parseAttributes: (attrs) => ({ axis: attrs.requiredInt('axis'), newAxis: attrs.int('new_axis', 0) !== 0 }),
    run(inputs, attrs) {
      const seq = sequenceInput(inputs, 0);
      const tensors = seq.elements.map((e, i) => {
        if (e.kind !== 'tensor') throw new KernelInputError(`sequence element ${i} is a ${e.kind}, not a tensor`);
        return e;
      });
      if (tensors.length === 0) throw new KernelInputError('cannot concatenate an empty sequence');
      if (!attrs.newAxis) return [concatTensors(tensors, attrs.axis)];
      const axis = normalizeAxis(attrs.axis, tensors[0].rank + 1);
      return [concatTensors(tensors.map((t) => t.reshaped([...t.dims.slice(0, axis), 1, ...t.dims.slice(axis)])), axis)];
    },
  }),
];
