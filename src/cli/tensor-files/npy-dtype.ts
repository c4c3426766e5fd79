/**
 * NumPy dtype descriptors ('<f4', '|b1', '>U7') <-> element types. Multi-byte values are
 * swapped `swapWidth` bytes at a time (per component for complex numbers).
 */
import type { DataType } from '../../tensor/element-type.js';

export interface NpyNumericType {
  readonly type: DataType;
  readonly itemSize: number;
  readonly swapWidth: number;
}

const BY_CODE: ReadonlyMap<string, NpyNumericType> = new Map([
  ['f2', { type: 'float16', itemSize: 2, swapWidth: 2 }],
  ['f4', { type: 'float32', itemSize: 4, swapWidth: 4 }],
  ['f8', { type: 'float64', itemSize: 8, swapWidth: 8 }],
  ['i1', { type: 'int8', itemSize: 1, swapWidth: 1 }],
  ['i2', { type: 'int16', itemSize: 2, swapWidth: 2 }],
  ['i4', { type: 'int32', itemSize: 4, swapWidth: 4 }],
  ['i8', { type: 'int64', itemSize: 8, swapWidth: 8 }],
  ['u1', { type: 'uint8', itemSize: 1, swapWidth: 1 }],
  ['u2', { type: 'uint16', itemSize: 2, swapWidth: 2 }],
  ['u4', { type: 'uint32', itemSize: 4, swapWidth: 4 }],
  ['u8', { type: 'uint64', itemSize: 8, swapWidth: 8 }],
  ['b1', { type: 'bool', itemSize: 1, swapWidth: 1 }],
  ['c8', { type: 'complex64', itemSize: 8, swapWidth: 4 }],
  ['c16', { type: 'complex128', itemSize: 16, swapWidth: 8 }],
] as [string, NpyNumericType][]);

const CODE_OF = new Map([...BY_CODE].map(([code, t]) => [t.type, code]));

export const SUPPORTED_DTYPES = `${[...BY_CODE.keys()].join(' ')} U<n>`;

export type NpyDtype =
  | ({ readonly kind: 'numeric'; readonly bigEndian: boolean } & NpyNumericType)
  /** Fixed-width UTF-32 strings of `length` code points, NUL-padded. */
  | { readonly kind: 'string'; readonly bigEndian: boolean; readonly length: number; readonly itemSize: number };

/** Parses a descriptor; undefined when it is not one this reader supports. */
export function parseDescr(descr: string): NpyDtype | undefined {
  const match = /^([<>|=]?)([a-zA-Z])(\d+)$/.exec(descr);
  if (!match) return undefined;
  const bigEndian = match[1] === '>';
  if (match[2] === 'U') {
    const length = Number(match[3]);
    return { kind: 'string', bigEndian, length, itemSize: 4 * length };
  }
  const numeric = BY_CODE.get(match[2] + match[3]);
  return numeric && { kind: 'numeric', bigEndian, ...numeric };
}

/** The descriptor code ('f4') of a type .npy stores as is; undefined for the others. */
export function npyCodeOf(type: DataType): string | undefined {
  return CODE_OF.get(type);
}

/** Reverses the byte order of every `width`-byte group, in place. */
export function swapBytes(bytes: Uint8Array, width: number): void {
  if (width === 1) return;
  for (let start = 0; start < bytes.length; start += width) {
    for (let i = start, j = start + width - 1; i < j; i++, j--) {
      const t = bytes[i];
      bytes[i] = bytes[j];
      bytes[j] = t;
    }
  }
}
