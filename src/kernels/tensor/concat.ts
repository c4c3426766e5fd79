/**
 * Concat joins tensors along an axis: for each index of the axes before it, each input
 * contributes one contiguous block, so the copy is a block copy per (outer index, input).
 * The axis defaulted to 1 before opset 4 and may be negative since opset 11.
 */
import { KernelInputError } from '../../errors/errors.js';
import { DenseTensor } from '../../tensor/dense-tensor.js';
import { ALL_TENSOR_TYPES, slotsPerElement } from '../../tensor/element-type.js';
import { sizeOf } from '../../tensor/shape.js';
import { allocateOutput, kernel, type KernelContext, type KernelDefinition, type KernelInputs } from '../kernel.js';
import { normalizeAxis, tensorInput } from '../support/inputs.js';
import { copyWords, wordsOf } from '../support/block-copy.js';

function concat(inputs: KernelInputs, axisAttribute: number, allowNegative: boolean, context: KernelContext): DenseTensor {
  if (inputs.length === 0) throw new KernelInputError('Concat needs at least one input');
  if (axisAttribute < 0 && !allowNegative) throw new KernelInputError(`axis must be non-negative at this opset, got ${axisAttribute}`);
  return concatTensors(inputs.map((_, i) => tensorInput(inputs, i, `input ${i}`)), axisAttribute, context);
}

/** Joins tensors of one type and matching shapes (but along `axis`, which may be negative); output storage from the run's arena where `context` has one. */
export function concatTensors(tensors: readonly DenseTensor[], axisAttribute: number, context?: KernelContext): DenseTensor {
  const first = tensors[0];
  if (first.rank === 0) throw new KernelInputError('Concat inputs must have rank 1 or more, got a scalar');
  const axis = normalizeAxis(axisAttribute, first.rank);
  let total = 0;
  for (const [i, t] of tensors.entries()) {
    if (t.type !== first.type) throw new KernelInputError(`input ${i} is ${t.type} but input 0 is ${first.type}`);
    if (t.rank !== first.rank || t.dims.some((d, j) => j !== axis && d !== first.dims[j])) {
      throw new KernelInputError(`input ${i} ${t.describe()} does not match input 0 ${first.describe()} outside axis ${axis}`);
    }
    total += t.dims[axis];
  }
  const dims = first.dims.map((d, j) => (j === axis ? total : d));
  const result = allocateOutput(context, first.type, dims);
  const outer = sizeOf(first.dims.slice(0, axis));
  const { data: target, width } = wordsOf(result.data);
  const wordsPerRow = sizeOf(first.dims.slice(axis + 1)) * slotsPerElement(first.type) * width;
  const outBlock = total * wordsPerRow;
  let offset = 0;
  for (const t of tensors) {
    const source = wordsOf(t.data).data;
    const block = t.dims[axis] * wordsPerRow;
    for (let o = 0; o < outer && block > 0; o++) copyWords(source, o * block, target, o * outBlock + offset, block);
    offset += block;
  }
  return result;
}

function concatKernel(sinceVersion: number, untilVersion: number | undefined, defaultAxis: number | undefined, allowNegative: boolean): KernelDefinition {
  return kernel<number>({
    domain: '',
    opType: 'Concat',
    sinceVersion,
    untilVersion,
    typeConstraints: [{ input: 0, types: ALL_TENSOR_TYPES }],
    parseAttributes: (attrs) => (defaultAxis === undefined ? attrs.requiredInt('axis') : attrs.int('axis', defaultAxis)),
    run: (inputs, axis, context) => [concat(inputs, axis, allowNegative, context)],
  });
}

export const concatKernels: KernelDefinition[] = [
  concatKernel(1, 3, 1, false),
  concatKernel(4, 10, undefined, false),
  concatKernel(11, undefined, undefined, true),
];
