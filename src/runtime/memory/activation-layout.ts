/**
 * Lays out the allocations one run made (as recorded by the first run with an input-shape
 * signature) in one arena: each gets a byte range, first fit in the order they were made,
 * reusing the ranges of allocations no value referred to any more by then; an elementwise
 * step's output takes over the range of an input of its size that dies at that step (in
 * place, as memory-plan.ts plans it), and the parts of a joined result (Concat) get the
 * slices of its range their bytes go to (range-sharing.ts). An allocation that
 * outlived the run (a graph output, or storage a graph output aliases) gets no range: later
 * runs allocate it on its own, so what they return never points into an arena.
 */
import { RangeAllocator } from '../../backends/wasm/range-allocator.js';
import { planRangeSharing, treeSegments, type RangeSharing } from './range-sharing.js';

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
  /** For a joined result (KernelContext.allocateJoined): its parts' bytes from `offset` on; `record` -1 where the part is no whole recorded allocation. */
  readonly parts?: readonly JoinedPart[];
}

export interface JoinedPart {
  readonly record: number;
  readonly offset: number;
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

/**
 * `records` in the order the run made them. A joined result's range is fixed when its first part
 * is made, which can strand free bytes below it (first fit places later, larger allocations past
 * it): where the layout then spans more than it would without joined ranges, results are left
 * unjoined one by one, each where that makes the span smaller.
 */
export function layoutAllocations(records: readonly RecordedAllocation[]): ActivationLayout {
  const joined = planRangeSharing(records);
  let best = placeAll(records, joined);
  if (!joined.inTree.some(Boolean)) return best;
  const unjoined = placeAll(records, planRangeSharing(records, new Set(records.keys())));
  if (unjoined.totalBytes >= best.totalBytes) return best;
  const left = new Set<number>();
  records.forEach((record, index) => {
    if (!record.parts || best.totalBytes <= unjoined.totalBytes) return;
    left.add(index);
    const layout = placeAll(records, planRangeSharing(records, left));
    if (layout.totalBytes < best.totalBytes) best = layout;
    else left.delete(index);
  });
  return best.totalBytes <= unjoined.totalBytes ? best : unjoined;
}

function placeAll(records: readonly RecordedAllocation[], sharing: RangeSharing): ActivationLayout {
  const ranges = new RangeAllocator();
  const { groupOf, parentOf, offsetInParent, inTree } = sharing;
  // Indexed by step (a dense array: steps are 0..n), then by ordinal.
  const byStep: (ArenaRange | undefined)[][] = [];
  /** Per group: where its range starts. */
  const groupOffset: number[] = [];
  /** Per group not in a tree, and per tree's top: what holds its range and until when. */
  let live: { group: number; lastStep: number; offset: number; bytes: number }[] = [];
  let placed = 0;
  let bytesWithoutReuse = 0;
  const placeTree = (group: number): number => {
    let top = group;
    let within = 0;
    while (parentOf[top] >= 0) {
      within += offsetInParent[top];
      top = parentOf[top];
    }
    if (groupOffset[top] === undefined) {
      const bytes = alignedBytes(records[top].bytes);
      const offset = ranges.allocate(bytes);
      groupOffset[top] = offset;
      for (const s of treeSegments(sharing, records, top, bytes)) live.push({ group: top, lastStep: s.lastStep, offset: offset + s.offset, bytes: s.bytes });
    }
    return groupOffset[top] + within;
  };
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
    const group = groupOf[index];
    const aligned = alignedBytes(record.bytes);
    // Slices of a tree's range are exactly as long as what they hold: the next part starts there.
    const bytes = inTree[group] ? record.bytes : aligned;
    let offset: number;
    if (group !== index) {
      offset = groupOffset[group];
      if (!inTree[group]) for (const l of live) if (l.group === group) l.lastStep = record.lastStep;
    } else if (inTree[group]) {
      offset = placeTree(group);
      groupOffset[group] = offset;
    } else {
      offset = ranges.allocate(aligned);
      groupOffset[group] = offset;
      live.push({ group, lastStep: record.lastStep, offset, bytes: aligned });
    }
    slots[record.ordinal] = { offset, bytes, inPlace: group !== index, index: placed };
    placed++;
    bytesWithoutReuse += aligned;
  });
  return {
    totalBytes: ranges.peak,
    placed,
    bytesWithoutReuse,
    rangeOf: (step, ordinal) => byStep[step]?.[ordinal],
  };
}
