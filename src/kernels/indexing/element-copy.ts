/**
 * Moving elements between storages of one element type without decoding them, so the
 * data-moving kernels serve every type (strings, float8 codes, complex pairs) with one body.
 * Offsets and counts are in elements; a complex element spans `slots` (2) storage slots.
 */
import { allocateStorage, slotsPerElement, type DataType, type TensorStorage } from '../../tensor/element-type.js';
import { wordsOf } from '../support/block-copy.js';

/** Index access common to every storage kind, for element-by-element loops. */
type Slots = { [index: number]: unknown };

/** A fresh storage of `count` elements where element i is src's element offsets[i]. */
export function takeElements(type: DataType, src: TensorStorage, offsets: ArrayLike<number>): TensorStorage {
  const out = allocateStorage(type, offsets.length);
  const { data: source, width } = wordsOf(src);
  const slots = slotsPerElement(type) * width;
  const d = wordsOf(out).data as Int32Array;
  const s = source as Int32Array;
  if (slots === 1) {
    for (let i = 0; i < offsets.length; i++) d[i] = s[offsets[i]];
  } else {
    for (let i = 0; i < offsets.length; i++) {
      for (let k = 0; k < slots; k++) d[i * slots + k] = s[offsets[i] * slots + k];
    }
  }
  return out;
}

/** Sets elements [start, start + count) of dst to the single element `value` (slots of one element). */
export function fillElements(dst: TensorStorage, start: number, count: number, value: TensorStorage): void {
  const slots = value.length;
  if (slots === 1) {
    (dst as unknown[]).fill(value[0], start, start + count);
    return;
  }
  const d = dst as Slots;
  for (let i = start * slots; i < (start + count) * slots; i += slots) {
    for (let k = 0; k < slots; k++) d[i + k] = value[k];
  }
}
