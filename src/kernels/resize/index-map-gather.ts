/**
 * Builds a tensor by picking, on each dim independently, which input index every output index
 * copies (-1: none, the element takes a fill value). Elements are only copied, never computed,
 * so one loop serves every element type; nearest Resize and CenterCropPad are both this.
 */
import { DenseTensor } from '../../tensor/dense-tensor.js';
import { allocateStorage, isBigIntType, slotsPerElement, type DataType } from '../../tensor/element-type.js';
import { sizeOf, stridesOf } from '../../tensor/shape.js';
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

/** `maps[d][j]` is the input index output index j of dim d copies, or -1 for `fill`. */
export function gatherIndexMaps(x: DenseTensor, maps: readonly Int32Array[], fill: number): DenseTensor {
  const outDims = maps.map((m) => m.length);
  const size = sizeOf(outDims);
  const slots = slotsPerElement(x.type);
  const storage = allocateStorage(x.type, size);
  // Every storage kind is handled as an array of opaque values.
  const out = storage as unknown[];
  const src = x.data as unknown[];
  const rank = outDims.length;
  if (size === 0) return new DenseTensor(x.type, outDims, storage);
  if (rank === 0) {
    for (let s = 0; s < slots; s++) out[s] = src[s];
    return new DenseTensor(x.type, outDims, storage);
  }
  const filler = storedValue(x.type, fill);
  const strides = stridesOf(x.dims);
  // Source offsets in storage slots per dim; -1 stays the fill marker.
  const offsets = maps.map((m, d) => Array.from(m, (i) => (i < 0 ? -1 : i * strides[d] * slots)));
  const last = offsets[rank - 1];
  const rowLength = outDims[rank - 1];
  const counter = new Array<number>(rank - 1).fill(0);
  for (let row = 0, k = 0; row < size / rowLength; row++) {
    let base = 0;
    for (let d = 0; d < rank - 1; d++) base = offsets[d][counter[d]] < 0 || base < 0 ? -1 : base + offsets[d][counter[d]];
    for (let j = 0; j < rowLength; j++, k += slots) {
      const from = base < 0 || last[j] < 0 ? -1 : base + last[j];
      if (from < 0) out[k] = filler;
      else for (let s = 0; s < slots; s++) out[k + s] = src[from + s];
    }
    for (let d = rank - 2; d >= 0; d--) {
      if (++counter[d] < outDims[d]) break;
      counter[d] = 0;
    }
  }
  return new DenseTensor(x.type, outDims, storage);
}
