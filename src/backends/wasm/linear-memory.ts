/**
 * A module's linear memory as the host lays buffers out in it for one call: a bump layout from
 * the module's heap base, grown on demand. Growing detaches the old ArrayBuffer, so the float
 * view is re-created after every grow. Memory never shrinks (WebAssembly cannot): the largest
 * product seen sets the footprint, which the zero-copy activation arena will bound.
 */
const PAGE_BYTES = 65536;
/** Buffers start on cache lines, so a packed panel never straddles one more than it must. */
const ALIGN_BYTES = 64;

export class LinearMemory {
  private view: Float32Array;

  constructor(private readonly memory: WebAssembly.Memory, private readonly base: number) {
    this.view = new Float32Array(memory.buffer);
  }

  /** Byte offsets of consecutive aligned buffers of the given float counts, from the heap base. */
  layout(floatCounts: readonly number[]): { readonly offsets: number[]; readonly end: number } {
    let at = alignUp(this.base);
    const offsets = floatCounts.map((count) => {
      const offset = at;
      at = alignUp(at + count * 4);
      return offset;
    });
    return { offsets, end: at };
  }

  /** Makes bytes [0, end) addressable; false where the engine will not grow that far (4 GiB for wasm32). */
  reserve(end: number): boolean {
    const missing = end - this.memory.buffer.byteLength;
    if (missing > 0) {
      try {
        this.memory.grow(Math.ceil(missing / PAGE_BYTES));
      } catch {
        return false;
      }
    }
    if (this.view.buffer !== this.memory.buffer) this.view = new Float32Array(this.memory.buffer);
    return true;
  }

  /** The whole memory as floats; valid until the next reserve(). */
  get f32(): Float32Array {
    return this.view;
  }
}

function alignUp(bytes: number): number {
  return Math.ceil(bytes / ALIGN_BYTES) * ALIGN_BYTES;
}
