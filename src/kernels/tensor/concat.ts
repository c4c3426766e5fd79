/**
 * Concat joins tensors along an axis: for each index of the axes before it, each input
 * contributes one contiguous block, so the copy is a block copy per (outer index, input):
 * within a run's arena all of an input's blocks in one WebAssembly call, or by copyWithin.
 * Where there is one block per input (every dimension before the axis 1), the run's memory may
 * have had the input's producer write it into its place in the output: that copy is skipped.
 * The axis defaulted to 1 before opset 4 and may be negative since opset 11.
 */
import { KernelInputError } from '../../errors/errors.js';
import { DenseTensor } from '../../tensor/dense-tensor.js';
import { ALL_TENSOR_TYPES, slotsPerElement } from '../../tensor/element-type.js';
import { allocateOutput, kernel, type KernelContext, type KernelDefinition, type KernelInputs } from '../kernel.js';
import { normalizeAxis, tensorInput } from '../support/inputs.js';
import { copyWords, wordsOf, type WordStorage } from '../support/block-copy.js';
import { partBytes, sitsAt } from '../support/joined-parts.js';
import { wasmCopyRuns32 } from '../../backends/wasm/nhwc-wasm.js';

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
  // Index loops, no iterators or closures: Concat often joins a few tiny tensors (shapes, states).
  let total = 0;
  for (let i = 0; i < tensors.length; i++) {
    const t = tensors[i];
    if (t.type !== first.type) throw new KernelInputError(`input ${i} is ${t.type} but input 0 is ${first.type}`);
    if (!matchesOutsideAxis(t, first, axis)) {
      throw new KernelInputError(`input ${i} ${t.describe()} does not match input 0 ${first.describe()} outside axis ${axis}`);
    }
    total += t.dims[axis];
  }
  const dims = first.dims.slice();
  dims[axis] = total;
  let outer = 1;
  for (let j = 0; j < axis; j++) outer *= first.dims[j];
  // With one block per input, an input's producer may have written it into its place in the result.
  const result = outer === 1 && context?.allocateJoined ? context.allocateJoined(first.type, dims, tensors) : allocateOutput(context, first.type, dims);
  let inner = 1;
  for (let j = axis + 1; j < first.rank; j++) inner *= first.dims[j];
  const { data: target, width } = wordsOf(result.data);
  const wordsPerRow = inner * slotsPerElement(first.type) * width;
  const outBlock = total * wordsPerRow;
  let offset = 0;
  let byteOffset = 0;
  for (let i = 0; i < tensors.length; i++) {
    const t = tensors[i];
    const block = t.dims[axis] * wordsPerRow;
    if (block > 0 && !(outer === 1 && sitsAt(t.data, result.data, byteOffset))) copyBlocks(wordsOf(t.data).data, target, outer, block, outBlock, offset);
    offset += block;
    if (outer === 1) byteOffset += partBytes(t);
  }
  return result;
}

function matchesOutsideAxis(t: DenseTensor, first: DenseTensor, axis: number): boolean {
  if (t.rank !== first.rank) return false;
  for (let j = 0; j < t.rank; j++) if (j !== axis && t.dims[j] !== first.dims[j]) return false;
  return true;
}

/** One input's `outer` blocks of `block` words, into the output's blocks of `outBlock` from word `offset` on. */
function copyBlocks(source: WordStorage, target: WordStorage, outer: number, block: number, outBlock: number, offset: number): void {
  if (copyInHeap(source, target, outer, block, outBlock, offset)) return;
  if (block >= MIN_COPY_WITHIN && copyWithinBuffer(source, target, outer, block, outBlock, offset)) return;
  for (let o = 0; o < outer; o++) copyWords(source, o * block, target, o * outBlock + offset, block);
}

/** 4-byte words in the WebAssembly heap (a run's arena): all of one input's blocks in one call. */
function copyInHeap(source: WordStorage, target: WordStorage, outer: number, block: number, outBlock: number, offset: number): boolean {
  return source instanceof Int32Array && target instanceof Int32Array && wasmCopyRuns32(source, 0, block, target, offset, outBlock, outer, block);
}

/** Shorter blocks go faster by copyWords' plain loop than by a copyWithin call each (measured: 2x at 4 words). */
const MIN_COPY_WITHIN = 16;

/**
 * The blocks of one input, when input and output share a buffer (a run's arena), by copyWithin
 * on one view over both: a memmove per block, where set() first makes a subarray for each
 * (twice the time on runs of 16 words, channels-last Concat's). False where they do not.
 */
function copyWithinBuffer(source: WordStorage, target: WordStorage, outer: number, block: number, outBlock: number, offset: number): boolean {
  if (Array.isArray(source) || Array.isArray(target) || source.buffer !== target.buffer || source.constructor !== target.constructor) return false;
  const width = source.BYTES_PER_ELEMENT;
  const start = Math.min(source.byteOffset, target.byteOffset);
  const end = Math.max(source.byteOffset + source.byteLength, target.byteOffset + target.byteLength);
  const View = source.constructor as new (buffer: ArrayBufferLike, byteOffset: number, length: number) => Int32Array;
  const both = new View(source.buffer, start, (end - start) / width);
  const from = (source.byteOffset - start) / width;
  const to = (target.byteOffset - start) / width + offset;
  for (let o = 0; o < outer; o++) both.copyWithin(to + o * outBlock, from + o * block, from + o * block + block);
  return true;
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
