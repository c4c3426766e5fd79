/**
 * Copying storage slots between storages of one element type, without decoding. Loops that
 * move elements one by one work on word views (wordsOf): every numeric storage seen as
 * Int32Array, Uint16Array or Uint8Array words, so such a loop meets at most those three array
 * kinds and string[] and V8 keeps its element accesses polymorphic instead of megamorphic
 * (several times faster), and 8-byte elements (int64, float64) move as two int32 words, bit for
 * bit, instead of as BigInts or through float registers.
 */
import type { TensorStorage } from '../../tensor/element-type.js';
import { wasmCopyRuns32 } from '../../backends/wasm/nhwc-wasm.js';

interface BlockStorage {
  [index: number]: unknown;
  set(source: ArrayLike<unknown>, offset: number): void;
  subarray(begin: number, end: number): ArrayLike<unknown>;
}

/** Storage as words: a typed array of 4, 2 or 1-byte words, or the string[] storage itself. */
export type WordStorage = Int32Array | Uint16Array | Uint8Array | string[];

export interface Words {
  readonly data: WordStorage;
  /** Words per storage slot: 2 for 8-byte slots, else 1. */
  readonly width: number;
}

/** `storage` as words over the same memory (string[] as itself). */
export function wordsOf(storage: TensorStorage): Words {
  if (Array.isArray(storage)) return { data: storage, width: 1 };
  const bytes = storage.BYTES_PER_ELEMENT;
  const { buffer, byteOffset, length } = storage;
  if (bytes === 8) return { data: new Int32Array(buffer, byteOffset, length * 2), width: 2 };
  if (bytes === 4) return { data: storage instanceof Int32Array ? storage : new Int32Array(buffer, byteOffset, length), width: 1 };
  if (bytes === 2) return { data: storage instanceof Uint16Array ? storage : new Uint16Array(buffer, byteOffset, length), width: 1 };
  return { data: storage instanceof Uint8Array ? storage : new Uint8Array(buffer, byteOffset, length), width: 1 };
}

/** Below this many slots a plain loop beats creating a subarray for `set`. */
const MIN_BLOCK = 16;

/**
 * From this many words on, a copy between two views of one buffer tries the WebAssembly module:
 * over a shared heap set() copies about 10x slower (nhwc-wasm.ts), but finding out whether both
 * views lie in the heap costs about 0.3 us, as long as set() takes for some 500 words there.
 */
const MIN_MODULE_COPY = 1024;

/**
 * Copies `length` words from `source[from..]` to `target[to..]` (both views of one element type).
 * Long runs of 4-byte words that both lie in the WebAssembly heap (a run's arena) go through the
 * module's copy.
 */
export function copyWords(source: WordStorage, from: number, target: WordStorage, to: number, length: number): void {
  if (length < MIN_BLOCK || Array.isArray(source)) {
    for (let i = 0; i < length; i++) target[to + i] = source[from + i];
    return;
  }
  if (
    length >= MIN_MODULE_COPY && source instanceof Int32Array && target instanceof Int32Array && source.buffer === target.buffer &&
    wasmCopyRuns32(source, from, length, target, to, length, 1, length)
  ) {
    return;
  }
  (target as Int32Array).set((source as Int32Array).subarray(from, from + length), to);
}

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
