/**
 * The float32 memory the parallel GEMM stages operands and results in, shared with every
 * helper. It is a growable SharedArrayBuffer where the engine has them (Node 20, Chrome 111,
 * Firefox 128, Safari 16.4): it grows in place to the largest product seen, and the helpers'
 * length-tracking views follow without being told. Elsewhere it is a fixed buffer, and a
 * product that does not fit runs on one thread.
 */
const MiB = 1 << 20;
const INITIAL_BYTES = 16 * MiB;
/** Address space reserved, not memory used: pages are only committed as the buffer grows. */
const MAX_GROWABLE_BYTES = 1024 * MiB;
const FIXED_BYTES = 64 * MiB;
/** Regions start on cache lines. */
const ALIGN_FLOATS = 16;

type GrowableSharedArrayBuffer = SharedArrayBuffer & { readonly growable?: boolean; readonly maxByteLength?: number; grow?(bytes: number): void };

export class ScratchMemory {
  /** Float view of the whole buffer; length-tracking where the buffer grows. */
  readonly f32: Float32Array;

  private constructor(readonly buffer: GrowableSharedArrayBuffer) {
    this.f32 = new Float32Array(buffer);
  }

  static allocate(): ScratchMemory {
    try {
      const Growable = SharedArrayBuffer as unknown as new (bytes: number, options: { maxByteLength: number }) => GrowableSharedArrayBuffer;
      const buffer = new Growable(INITIAL_BYTES, { maxByteLength: MAX_GROWABLE_BYTES });
      if (buffer.growable) return new ScratchMemory(buffer);
    } catch {
      // No room for the reservation (a 32-bit host): a fixed buffer still works.
    }
    return new ScratchMemory(new SharedArrayBuffer(FIXED_BYTES));
  }

  /** Makes floats [0, count) addressable; false where the buffer cannot hold that many. */
  reserve(count: number): boolean {
    const bytes = count * 4;
    const buffer = this.buffer;
    if (bytes <= buffer.byteLength) return true;
    if (!buffer.growable || buffer.grow === undefined || bytes > (buffer.maxByteLength ?? 0)) return false;
    try {
      buffer.grow(Math.min(buffer.maxByteLength ?? bytes, Math.max(bytes, buffer.byteLength * 2)));
    } catch {
      return false;
    }
    return true;
  }
}

/** Float offsets of consecutive regions of the given sizes, each aligned; and where they end. */
export function layoutRegions(sizes: readonly number[]): { readonly at: number[]; readonly end: number } {
  let end = 0;
  const at = sizes.map((size) => {
    const start = end;
    end = Math.ceil((start + size) / ALIGN_FLOATS) * ALIGN_FLOATS;
    return start;
  });
  return { at, end };
}
