/**
 * Split cuts a tensor along an axis into consecutive parts. The sizes come from the `split`
 * attribute (1-12; opset 1 also took them as a second input), the `split` input (13+), equal
 * parts of ceil(dim / num_outputs) with a smaller last part (18+), or else equal parts, one
 * per node output. Each part is one strided copy (a block copy per outer index).
 */
import { KernelInputError } from '../../errors/errors.js';
import type { DenseTensor } from '../../tensor/dense-tensor.js';
import { ALL_TENSOR_TYPES } from '../../tensor/element-type.js';
import { stridesOf } from '../../tensor/shape.js';
import { kernel, type KernelContext, type KernelDefinition, type KernelInputs } from '../kernel.js';
import { normalizeAxis, optionalTensorInput, tensorInput } from '../support/inputs.js';
import { computeValues } from '../support/numeric.js';
import { vectorInput } from '../support/shape-input.js';
import { gatherStrided } from './strided-copy.js';

interface SplitAttributes {
  readonly axis: number;
  readonly allowNegative: boolean;
  readonly split: readonly number[] | undefined;
  readonly numOutputs: number | undefined;
  /** How many outputs the node declares. */
  readonly outputCount: number;
}

function partSizes(dim: number, attrs: SplitAttributes, split: readonly number[] | undefined): number[] {
  if (split !== undefined) {
    if (split.some((s) => !Number.isSafeInteger(s) || s < 0)) throw new KernelInputError(`split [${split.join(',')}] must hold non-negative integers`);
    const sum = split.reduce((a, b) => a + b, 0);
    if (sum !== dim) throw new KernelInputError(`split [${split.join(',')}] sums to ${sum}, but the axis has ${dim} elements`);
    if (split.length !== attrs.outputCount) {
      throw new KernelInputError(`split has ${split.length} sizes but the node has ${attrs.outputCount} outputs`);
    }
    return [...split];
  }
  if (attrs.numOutputs !== undefined) {
    const n = attrs.numOutputs;
    const chunk = Math.ceil(dim / n);
    const last = dim - chunk * (n - 1);
    if (last < 0) throw new KernelInputError(`an axis of ${dim} elements cannot be split into ${n} parts of ${chunk} with a smaller last part`);
    return [...new Array<number>(n - 1).fill(chunk), last];
  }
  const n = attrs.outputCount;
  if (dim % n !== 0) throw new KernelInputError(`an axis of ${dim} elements cannot be split into ${n} equal parts`);
  return new Array<number>(n).fill(dim / n);
}

function split(data: DenseTensor, attrs: SplitAttributes, sizes: readonly number[] | undefined, context: KernelContext): DenseTensor[] {
  if (attrs.axis < 0 && !attrs.allowNegative) throw new KernelInputError(`axis must be non-negative at this opset, got ${attrs.axis}`);
  if (data.rank === 0) throw new KernelInputError('cannot split a scalar');
  const axis = normalizeAxis(attrs.axis, data.rank);
  const parts = partSizes(data.dims[axis], attrs, sizes);
  if (parts.length === 1) return [data];
  const strides = stridesOf(data.dims);
  let start = 0;
  return parts.map((size) => {
    const dims = data.dims.map((d, i) => (i === axis ? size : d));
    const part = gatherStrided(data, { dims, strides, offset: start * strides[axis] }, context);
    start += size;
    return part;
  });
}

function sizesFromInput(inputs: KernelInputs): number[] | undefined {
  const tensor = optionalTensorInput(inputs, 1, 'split');
  if (tensor === undefined) return undefined;
  // Opset 1 typed the sizes like the data (a float tensor), so read them as numbers.
  return tensor.type === 'int64' ? vectorInput(tensor, 'split') : Array.from(computeValues(tensor), Number);
}

function splitKernel(
  sinceVersion: number,
  untilVersion: number | undefined,
  form: { allowNegative: boolean; splitAttribute: boolean; splitInput: boolean; numOutputs: boolean },
): KernelDefinition {
  return kernel<SplitAttributes>({
    domain: '',
    opType: 'Split',
    sinceVersion,
    untilVersion,
    typeConstraints: [{ input: 0, types: ALL_TENSOR_TYPES }, ...(sinceVersion >= 13 ? [{ input: 1, types: ['int64' as const] }] : [])],
    parseAttributes(attrs, context) {
      const numOutputs = form.numOutputs ? attrs.int('num_outputs') : undefined;
      if (numOutputs !== undefined && numOutputs < 1) throw new KernelInputError(`num_outputs must be at least 1, got ${numOutputs}`);
      const outputCount = context.outputCount;
      if (numOutputs !== undefined && numOutputs !== outputCount) {
        throw new KernelInputError(`num_outputs is ${numOutputs} but the node has ${outputCount} outputs`);
      }
      return {
        axis: attrs.int('axis', 0),
        allowNegative: form.allowNegative,
        split: form.splitAttribute ? attrs.ints('split') : undefined,
        numOutputs,
        outputCount,
      };
    },
    run(inputs, attrs, context) {
      const sizes = form.splitInput ? sizesFromInput(inputs) : undefined;
      if (sizes !== undefined && attrs.numOutputs !== undefined) throw new KernelInputError('give either the split input or num_outputs, not both');
      return split(tensorInput(inputs, 0, 'input'), attrs, sizes ?? attrs.split, context);
    },
  });
}

export const splitKernels: KernelDefinition[] = [
  splitKernel(1, 1, { allowNegative: false, splitAttribute: true, splitInput: true, numOutputs: false }),
  splitKernel(2, 10, { allowNegative: false, splitAttribute: true, splitInput: false, numOutputs: false }),
  splitKernel(11, 12, { allowNegative: true, splitAttribute: true, splitInput: false, numOutputs: false }),
  splitKernel(13, 17, { allowNegative: true, splitAttribute: false, splitInput: true, numOutputs: false }),
  splitKernel(18, undefined, { allowNegative: true, splitAttribute: false, splitInput: true, numOutputs: true }),
];
