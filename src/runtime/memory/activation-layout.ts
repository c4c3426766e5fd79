/**
 * Lays out the allocations one run made (as recorded by the first run with an input-shape
 * signature) in one arena: each gets a byte range, first fit in the order they were made,
 * reusing the ranges of allocations no value referred to any more by then; an elementwise
 * step's output takes over the range of an input of its size that dies at that step (in
 * place, as memory-plan.ts plans it). An allocation that
 * outlived the run (a graph output, or storage a graph output aliases) gets no range: later
 * runs allocate it on its own, so what they return never points into an arena.
 */
import { RangeAllocator } from '../../backends/wasm/range-allocator.js';

/** Ranges start on cache lines and at offsets every typed array accepts (BigInt64Array: 8). */
export const ARENA_ALIGN_BYTES = 64;

/** What the recording run saw of one allocation. */
export interface RecordedAllocation {
  readonly step: number;
  /** Which of the step's allocate() calls made it, from 0. */
  readonly ordinal: number;
  readonly bytes: number;
  /** Elements it holds: an in-place partner must match them and `bytes` exactly (so it is no broadcast operand). */
  readonly elements: number;
  /** The step after which no value referred to its storage; Infinity where it outlived the run. */
  readonly lastStep: number;
  /** Earlier allocations (indices in the record) whose range it may take over: inputs of an elementwise step. */
  readonly inPlaceOf?: readonly number[];
}

export interface ArenaRange {
  readonly offset: number;
  readonly bytes: number;
  /** Whether it is the range of an input dying at its step, taken over in place. */
  readonly inPlace: boolean;
  /** Which of the layout's placed allocations it is, from 0: where a run keeps what it knows of it. */
  readonly index: number;
}

export interface ActivationLayout {
  /** Bytes the arena spans. */
  readonly totalBytes: number;
  /** Allocations that got a range. */
  readonly placed: number;
  /** What their ranges would take if none shared bytes. */
  readonly bytesWithoutReuse: number;
  /** Byte offset and size of the allocation a step's ordinal-th allocate() call gets; undefined: allocate it on its own. */
  rangeOf(step: number, ordinal: number): ArenaRange | undefined;
}

export function alignedBytes(bytes: number): number {
  return Math.ceil(bytes / ARENA_ALIGN_BYTES) * ARENA_ALIGN_BYTES;
}

/** `records` in the order the run made them. */
export function layoutAllocations(records: readonly RecordedAllocation[]): ActivationLayout {
  const ranges = new RangeAllocator();
  // Indexed by step (a dense array: steps are 0..n), then by ordinal.
  const byStep: (ArenaRange | undefined)[][] = [];
  const placedAt: (ArenaRange | undefined)[] = [];
  const takenOver = new Set<number>();
  let live: { index: number; lastStep: number; offset: number; bytes: number }[] = [];
  let placed = 0;
  let bytesWithoutReuse = 0;
  records.forEach((record, index) => {
    const slots = (byStep[record.step] ??= []);
    if (!Number.isFinite(record.lastStep)) return;
    // Storage last referred to by an earlier step is free by the time this step allocates.
    const stillLive: typeof live = [];
    for (const range of live) {
      if (range.lastStep < record.step) ranges.release(range.offset, range.bytes);
      else stillLive.push(range);
    }
    live = stillLive;
    const bytes = alignedBytes(record.bytes);
    const partner = record.inPlaceOf?.find(
      (p) => !takenOver.has(p) && placedAt[p] !== undefined && records[p].lastStep === record.step &&
        records[p].bytes === record.bytes && records[p].elements === record.elements,
    );
    let range: ArenaRange;
    if (partner !== undefined) {
      takenOver.add(partner);
      live = live.filter((l) => l.index !== partner);
      range = { offset: (placedAt[partner] as ArenaRange).offset, bytes, inPlace: true, index: placed };
    } else {
      range = { offset: ranges.allocate(bytes), bytes, inPlace: false, index: placed };
    }
    live.push({ index, lastStep: record.lastStep, offset: range.offset, bytes });
    placedAt[index] = range;
    slots[record.ordinal] = range;
    placed++;
    bytesWithoutReuse += bytes;
  });
  return {
    totalBytes: ranges.peak,
    placed,
    bytesWithoutReuse,
    rangeOf: (step, ordinal) => byStep[step]?.[ordinal],
  };
}
