/** First-fit ranges: reuse of released ranges, merging of neighbours, and the end moving back when the last range goes. */
import { describe, expect, it } from 'vitest';
import { RangeAllocator } from '../../../src/backends/wasm/range-allocator.js';

describe('RangeAllocator', () => {
  it('hands out released ranges first fit, merges neighbours and gives a free tail back to the end', () => {
    const ranges = new RangeAllocator();
    const a = ranges.allocate(64);
    const b = ranges.allocate(128);
    const c = ranges.allocate(64);
    expect([a, b, c]).toEqual([0, 64, 192]);
    ranges.release(a, 64);
    ranges.release(b, 128);
    // a and b merged into one 192-byte block at 0.
    expect(ranges.allocate(160)).toBe(0);
    expect(ranges.allocate(64)).toBe(256);
    ranges.release(256, 64);
    expect(ranges.end).toBe(256);
    expect(ranges.peak).toBe(320);
    // c merges with the 32 free bytes left at 160 into a free tail: the end drops to 160.
    ranges.release(c, 64);
    expect(ranges.end).toBe(160);
    ranges.release(0, 160);
    expect(ranges.end).toBe(0);
    expect(ranges.peak).toBe(320);
  });
});
