/** Copying a run of storage slots between storages of one element type, without decoding. */
import type { TensorStorage } from '../../tensor/element-type.js';

interface BlockStorage {
  [index: number]: unknown;
  set(source: ArrayLike<unknown>, offset: number): void;
  subarray(begin: number, end: number): ArrayLike<unknown>;
}

/** Below this many slots a plain loop beats creating a subarray for `set`. */
const MIN_BLOCK = 16;

/** Copies `length` storage slots from `source[from..]` to `target[to..]`. */
export function copyBlock(source: TensorStorage, from: number, target: TensorStorage, to: number, length: number): void {
  if (Array.isArray(source) || length < MIN_BLOCK) {
    const input = source as unknown as BlockStorage;
    const output = target as unknown as BlockStorage;
    for (let i = 0; i < length; i++) output[to + i] = input[from + i];
    return;
  }
  (target as unknown as BlockStorage).set((source as unknown as BlockStorage).subarray(from, from + length), to);
}
