/**
 * The Pad computation shared by every opset version. Each output coordinate maps, axis by axis,
 * to a source coordinate (or to the fill value), so rows along the last axis copy their in-range
 * run natively and only the padded ends go element by element.
 */
import { KernelInputError } from '../../errors/errors.js';
import type { DenseTensor } from '../../tensor/dense-tensor.js';
import { slotsPerElement, type TensorStorage } from '../../tensor/element-type.js';
import { sizeOf, stridesOf } from '../../tensor/shape.js';
import { fillElements } from './element-copy.js';
import { checkedDims } from '../support/shape-input.js';
import { copyWords, wordsOf } from '../support/block-copy.js';
import { allocateOutput, type KernelContext } from '../kernel.js';

export type PadMode = 'constant' | 'reflect' | 'edge' | 'wrap';

/** Source coordinate for s outside [0, length) under a mode that reads from the input. */
function outsideSource(s: number, length: number, mode: Exclude<PadMode, 'constant'>): number {
  switch (mode) {
    case 'edge':
      return s < 0 ? 0 : length - 1;
    case 'wrap':
      return ((s % length) + length) % length;
    case 'reflect': {
      if (length === 1) return 0;
      const period = 2 * (length - 1);
      const t = ((s % period) + period) % period;
      return t < length ? t : period - t;
    }
  }
}

/**
 * The source coordinate of output coordinate o on an axis whose kept input run (`kept` long,
 * from input coordinate `low`) starts at output coordinate `before`; -1 for constant fill.
 * Worked out per row rather than tabled per axis, so a call allocates no tables.
 */
function sourceIndex(o: number, before: number, low: number, kept: number, mode: PadMode): number {
  const s = o - before;
  if (s >= 0 && s < kept) return low + s;
  return mode === 'constant' ? -1 : low + outsideSource(s, kept, mode);
}

function isZeroElement(value: TensorStorage): boolean {
  for (let i = 0; i < value.length; i++) {
    const v = value[i];
    if (!(Object.is(v, 0) || v === 0n || v === '')) return false;
  }
  return true;
}

/**
 * x padded by begin[d] / end[d] elements on each axis (negative values crop). `fill` is one
 * element's storage, used in constant mode. The output comes from the run's arena where
 * `context` has one.
 */
export function padTensor(
  x: DenseTensor,
  begin: readonly number[],
  end: readonly number[],
  mode: PadMode,
  fill: TensorStorage,
  context?: KernelContext,
): DenseTensor {
  const rank = x.rank;
  if (rank === 0) return x;
  const dims: number[] = [];
  const lows: number[] = [];
  const first: number[] = [];
  const kept: number[] = [];
  for (let d = 0; d < rank; d++) {
    // Negative pads crop first; reflect, edge and wrap then read from what is left, as numpy does.
    const lo = Math.max(0, -begin[d]);
    const length = x.dims[d] - lo - Math.max(0, -end[d]);
    if (length < 0) throw new KernelInputError(`pads crop more than the ${x.dims[d]} elements of axis ${d} (begin ${begin[d]}, end ${end[d]})`);
    const before = Math.max(0, begin[d]);
    const size = before + length + Math.max(0, end[d]);
    if (mode !== 'constant' && length === 0 && size > 0) {
      throw new KernelInputError(`cannot pad axis ${d} in ${mode} mode: it has no elements to read`);
    }
    dims.push(size);
    lows.push(lo);
    first.push(before);
    kept.push(length);
  }
  checkedDims(dims, 'the padded output');
  const total = sizeOf(dims);
  const result = allocateOutput(context, x.type, dims);
  const out = result.data;
  // Arena storage holds what an earlier step left there; fresh storage is zeros already.
  if (mode === 'constant' && (context?.allocate || !isZeroElement(fill))) fillElements(out, 0, total, fill);
  const rowLength = dims[rank - 1];
  if (total === 0) return result;

  const { data: source, width } = wordsOf(x.data);
  const target = wordsOf(out).data;
  const slots = slotsPerElement(x.type) * width;
  const inStrides = stridesOf(x.dims);
  const lastLow = lows[rank - 1];
  const runStart = first[rank - 1];
  const runLength = kept[rank - 1];
  const counter = new Array<number>(rank - 1).fill(0);
  const rows = total / rowLength;
  for (let row = 0; row < rows; row++) {
    let from = 0;
    for (let d = 0; d < rank - 1 && from >= 0; d++) {
      const s = sourceIndex(counter[d], first[d], lows[d], kept[d], mode);
      from = s < 0 ? -1 : from + s * inStrides[d];
    }
    if (from >= 0) {
      const dst = row * rowLength;
      if (runLength > 0) copyWords(source, (from + lastLow) * slots, target, (dst + runStart) * slots, runLength * slots);
      if (mode !== 'constant') {
        for (let o = 0; o < runStart; o++) {
          copyWords(source, (from + sourceIndex(o, runStart, lastLow, runLength, mode)) * slots, target, (dst + o) * slots, slots);
        }
        for (let o = runStart + runLength; o < rowLength; o++) {
          copyWords(source, (from + sourceIndex(o, runStart, lastLow, runLength, mode)) * slots, target, (dst + o) * slots, slots);
        }
      }
    }
    for (let d = rank - 2; d >= 0; d--) {
      if (++counter[d] < dims[d]) break;
      counter[d] = 0;
    }
  }
  return result;
}
