/**
 * A result made of parts laid end to end (Concat where every dimension before the axis is 1):
 * where each part's bytes go in it, and whether a part already sits there, so the run's memory
 * (which may have placed a part's storage inside the result's) and the kernel (which then skips
 * its copy) agree on both.
 */
import type { DenseTensor } from '../../tensor/dense-tensor.js';
import { slotsPerElement, type TensorStorage } from '../../tensor/element-type.js';
import { sizeOf } from '../../tensor/shape.js';

/** Bytes a part takes in the result; 0 for storage that is no typed array (strings). */
export function partBytes(part: DenseTensor): number {
  const data = part.data;
  return ArrayBuffer.isView(data) ? sizeOf(part.dims) * slotsPerElement(part.type) * (data as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT : 0;
}

/** Whether `part` is the storage of `whole` from byte `byteOffset` on: same buffer, same place. */
export function sitsAt(part: TensorStorage, whole: TensorStorage, byteOffset: number): boolean {
  return ArrayBuffer.isView(whole) && liesAt(part, whole.buffer, whole.byteOffset + byteOffset);
}

/** Whether `part` is storage of `buffer` starting at byte `byteOffset` of it. */
export function liesAt(part: TensorStorage, buffer: ArrayBufferLike, byteOffset: number): boolean {
  return ArrayBuffer.isView(part) && part.buffer === buffer && part.byteOffset === byteOffset;
}
