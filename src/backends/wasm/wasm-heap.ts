/**
 * The GEMM module's linear memory as one heap for everything that lives in it: the host's
 * per-call scratch (packed panels, operands that arrive from outside) and the activation
 * arenas of runs, so a kernel whose operands already live here passes pointers, not copies.
 *
 * Growing detaches the old ArrayBuffer and every view over it. Runs hand out views over this
 * memory as tensor storage, so while any run is between begin() and end() the memory does not
 * grow: a region or scratch request that would need it is refused, and the caller falls back
 * (an arena in an ordinary ArrayBuffer; the copying path or the TypeScript GEMM). Between runs
 * it grows freely; views are created from `buffer` after begin(), never kept across runs.
 * What was refused during runs is made room for when the last of them ends: a constant's
 * prepared weights first asked for in a run (a W is kept from its second call on) then find
 * their region in the next run (wantRoom), and a larger scratch its bytes.
 *
 * A shared memory (where the engine has one: the GEMM heap is then shared with helper threads)
 * detaches nothing when it grows: views over its old SharedArrayBuffer stay valid, only shorter
 * than the memory. So it grows during runs too, and a view over any buffer it has handed out
 * still lies in it (holds).
 */
import { RangeAllocator } from './range-allocator.js';
import { isSharedMemory } from './wasm-instance.js';

const PAGE_BYTES = 65536;
/** Regions start on cache lines, so a packed panel never straddles one more than it must. */
export const HEAP_ALIGN_BYTES = 64;
/** Bytes past the last region a SIMD load at an operand's end may touch. */
const TAIL_BYTES = 64;

export interface HeapRegion {
  readonly byteOffset: number;
  readonly byteLength: number;
}

export class WasmHeap {
  private readonly ranges = new RangeAllocator();
  private readonly base: number;
  /** Per scratch slot (see scratch()), its region. */
  private readonly scratchRegions: (HeapRegion | undefined)[] = [];
  private view: Float32Array;
  private activeRuns = 0;
  /** Whether the memory is shared (a SharedArrayBuffer under every view), as threads need. */
  readonly shared: boolean;
  /** Of a shared memory, every buffer handed out: views over each address the same memory. */
  private readonly buffers = new WeakSet<ArrayBufferLike>();
  /** Bytes of regions wanted while runs held the memory, and per scratch slot the largest scratch refused. */
  private refusedBytes = 0;
  private refusedScratch: number[] = [];

  constructor(readonly memory: WebAssembly.Memory, heapBase: number) {
    this.base = alignUp(heapBase);
    this.shared = isSharedMemory(memory);
    this.view = new Float32Array(memory.buffer);
  }

  /** The memory's current buffer; views over it stay valid until end() of the last active run. */
  get buffer(): ArrayBuffer {
    const buffer = this.memory.buffer;
    if (this.shared) this.buffers.add(buffer);
    return buffer;
  }

  /** The whole memory as floats; valid until memory grows. */
  get f32(): Float32Array {
    if (this.view.buffer !== this.memory.buffer) this.view = new Float32Array(this.buffer);
    return this.view;
  }

  /** A run starts handing out views: no growth until the matching end(). */
  begin(): void {
    this.activeRuns++;
  }

  end(): void {
    if (--this.activeRuns > 0) return;
    this.refusedScratch.forEach((bytes, slot) => this.scratch([bytes / 4], slot));
    if (this.refusedBytes > 0) this.growBy(this.refusedBytes);
    this.refusedBytes = 0;
    this.refusedScratch = [];
  }

  /** Whether a run holds views now and growing would detach them, so the memory may not grow. */
  growthHeld(): boolean {
    return this.activeRuns > 0 && !this.shared;
  }

  /** A region of `bytes` for a run's arena, or undefined where that would need growth during a run. */
  reserveRegion(bytes: number): HeapRegion | undefined {
    const size = alignUp(Math.max(bytes, 1));
    const offset = this.ranges.allocate(size);
    if (!this.cover()) {
      this.ranges.release(offset, size);
      return undefined;
    }
    return { byteOffset: this.base + offset, byteLength: size };
  }

  /**
   * A region of `bytes` was refused during a run and will be asked for again: the memory grows
   * for it when the last run ends. Callers say so once per thing they keep, not per refusal.
   */
  wantRoom(bytes: number): void {
    if (this.growthHeld()) this.refusedBytes += alignUp(bytes) + HEAP_ALIGN_BYTES;
  }

  releaseRegion(region: HeapRegion): void {
    this.ranges.release(region.byteOffset - this.base, region.byteLength);
  }

  /**
   * Byte offsets of consecutive aligned buffers of the given float counts in the scratch region,
   * valid for one call; undefined where the region would have to grow during a run or past 4 GiB.
   * Each `slot` has a region of its own: the parallel convolution gives its helper threads
   * scratch that no one else on this thread writes while a late helper may still be using it.
   */
  scratch(floatCounts: readonly number[], slot = 0): number[] | undefined {
    let at = 0;
    const relative = floatCounts.map((count) => {
      const offset = at;
      at = alignUp(at + count * 4);
      return offset;
    });
    let region = this.scratchRegions[slot];
    if (!region || region.byteLength < at) {
      if (this.growthHeld()) {
        this.refusedScratch[slot] = Math.max(this.refusedScratch[slot] ?? 0, at);
        return undefined;
      }
      if (region) this.releaseRegion(region);
      region = this.reserveRegion(Math.max(at, 2 * (region?.byteLength ?? 0)));
      this.scratchRegions[slot] = region;
      if (!region) return undefined;
    }
    const start = region.byteOffset;
    return relative.map((offset) => start + offset);
  }

  /** Whether `view` lies in this memory (so the module can address it where it is). */
  holds(view: ArrayBufferView): boolean {
    return view.buffer === this.memory.buffer || (this.shared && this.buffers.has(view.buffer));
  }

  /** Grows memory over every range; false (nothing grown) where a run is active or the engine refuses. */
  private cover(): boolean {
    return this.growBy(0);
  }

  /** Grows memory over every range and `extra` bytes past them; false as cover(). */
  private growBy(extra: number): boolean {
    const missing = this.base + this.ranges.end + extra + TAIL_BYTES - this.memory.buffer.byteLength;
    if (missing <= 0) return true;
    if (this.growthHeld()) return false;
    const needed = Math.ceil(missing / PAGE_BYTES);
    // By half the current size at least: where the engine cannot grow in place it copies the
    // whole memory, and packing a model's weights asks for room a few megabytes at a time.
    const generous = Math.max(needed, Math.ceil(this.memory.buffer.byteLength / PAGE_BYTES / 2));
    for (const pages of [generous, needed]) {
      try {
        this.memory.grow(pages);
        return true;
      } catch {
        // Past the engine's limit (4 GiB for wasm32): try the exact need.
      }
    }
    return false;
  }
}

function alignUp(bytes: number): number {
  return Math.ceil(bytes / HEAP_ALIGN_BYTES) * HEAP_ALIGN_BYTES;
}
