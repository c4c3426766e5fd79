/**
 * First-fit byte ranges over one address space that only grows at its end: released ranges
 * merge with their free neighbours and are handed out again before the end moves. Serves the
 * static memory plan, the per-run activation layout and the WebAssembly heap's regions alike.
 */
export class RangeAllocator {
  private free: { offset: number; size: number }[] = [];
  /** One past the last byte in use or free-but-inside; what backing memory must cover. */
  end = 0;
  /** The largest `end` ever reached: the memory a layout needs. */
  peak = 0;

  allocate(bytes: number): number {
    const i = this.free.findIndex((b) => b.size >= bytes);
    if (i < 0) {
      const offset = this.end;
      this.end += bytes;
      this.peak = Math.max(this.peak, this.end);
      return offset;
    }
    const block = this.free[i];
    if (block.size === bytes) this.free.splice(i, 1);
    else this.free[i] = { offset: block.offset + bytes, size: block.size - bytes };
    return block.offset;
  }

  release(offset: number, bytes: number): void {
    this.free.push({ offset, size: bytes });
    this.free.sort((a, b) => a.offset - b.offset);
    const merged: { offset: number; size: number }[] = [];
    for (const b of this.free) {
      const last = merged[merged.length - 1];
      if (last && last.offset + last.size === b.offset) last.size += b.size;
      else merged.push({ ...b });
    }
    // A free block at the end gives its bytes back to the end, so the next growth starts lower.
    const tail = merged[merged.length - 1];
    if (tail && tail.offset + tail.size === this.end) {
      this.end = tail.offset;
      merged.pop();
    }
    this.free = merged;
  }
}
