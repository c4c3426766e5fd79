/**
 * Builds a tensor by picking, on each dim independently, which input index every output index
 * copies (-1: none, the element takes a fill value). Elements are only copied, never computed,
 * so one loop serves every element type; nearest Resize and CenterCropPad are both this.
 */
import { DenseTensor } from '../../tensor/dense-tensor.js';
import { allocateStorage, isBigIntType, slotsPerElement, type DataType } from '../../tensor/element-type.js';
import { sizeOf, stridesOf } from '../../tensor/shape.js';
import { allocateOutput, type KernelContext } from '../kernel.js';
import { wordsOf } from '../support/block-copy.js';
import { computeBuffer, storageFromCompute } from '../support/numeric.js';

/** `value` as one stored element of `type` (its first slot; a complex fill has imaginary part 0). */
export function storedValue(type: DataType, value: number): unknown {
  if (type === 'string') return '';
  if (type === 'bool') return value !== 0 ? 1 : 0;
  if (isBigIntType(type)) return Number.isFinite(value) ? BigInt(Math.trunc(value)) : 0n;
  const buffer = computeBuffer(type, 1);
  buffer[0] = value;
  return storageFromCompute(type, buffer)[0];
}

/**
 * `maps[d][j]` is the input index output index j of dim d copies, or -1 for `fill`. Runs of
 * output rows that read the same input row (upsampling) copy the first such row instead of
 * gathering again.
 */
export function gatherIndexMaps(x: DenseTensor, maps: readonly Int32Array[], fill: number, context?: KernelContext): DenseTensor {
  const outDims = maps.map((m) => m.length);
  const size = sizeOf(outDims);
  const result = allocateOutput(context, x.type, outDims);
  const storage = result.data;
  const { data: source, width } = wordsOf(x.data);
  const slots = slotsPerElement(x.type) * width;
  const rank = outDims.length;
  if (size === 0) return result;
  // Word arrays of every kind are indexed alike; the casts only name one for the compiler.
  const out = wordsOf(storage).data as Int32Array;
  const src = source as Int32Array;
  if (rank === 0) {
    for (let s = 0; s < slots; s++) out[s] = src[s];
    return result;
  }
  const filler = allocateStorage(x.type, 1);
  (filler as unknown[])[0] = storedValue(x.type, fill);
  const fillWords = wordsOf(filler).data as Int32Array;
  const strides = stridesOf(x.dims);
  // Source offsets in words per dim; -1 stays the fill marker.
  const offsets = maps.map((m, d) => Int32Array.from(m, (i) => (i < 0 ? -1 : i * strides[d] * slots)));
  const last = offsets[rank - 1];
  const lastInside = last.every((offset) => offset >= 0);
  const rowLength = outDims[rank - 1];
  const rowWords = rowLength * slots;
  const counter = new Array<number>(rank - 1).fill(0);
  let previousBase = -2;
  for (let row = 0, k = 0; row < size / rowLength; row++, k += rowWords) {
    let base = 0;
    for (let d = 0; d < rank - 1; d++) base = offsets[d][counter[d]] < 0 || base < 0 ? -1 : base + offsets[d][counter[d]];
    if (base === previousBase) out.copyWithin(k, k - rowWords, k);
    else if (slots === 1 && base >= 0 && lastInside) {
      for (let j = 0; j < rowLength; j++) out[k + j] = src[base + last[j]];
    } else {
      for (let j = 0, w = k; j < rowLength; j++, w += slots) {
        const from = base < 0 || last[j] < 0 ? -1 : base + last[j];
        for (let s = 0; s < slots; s++) out[w + s] = from < 0 ? fillWords[s] : src[from + s];
      }
    }
    previousBase = base;
    for (let d = rank - 2; d >= 0; d--) {
      if (++counter[d] < outDims[d]) break;
      counter[d] = 0;
    }
  }
  return result;
}
