/**
 * Which recorded allocations share bytes, decided before any is placed (activation-layout.ts
 * places them). Two kinds:
 * - in place: an elementwise step's output takes over the range of an input of its size that
 *   dies there; such a chain of allocations is one group with one range.
 * - joined: a result made of parts end to end (Concat with every dimension before the axis 1)
 *   gets a range whose slices are its parts' ranges, so their producers write them where the
 *   result needs them and the kernel copies nothing. A group sits in one result's range only,
 *   but results nest: a result that is a part of a later one, or (DenseNet's dense blocks, where
 *   each Concat joins the features of the one before and one more) a result whose parts the
 *   later one joins at the same relative offsets, sits inside the later one's range.
 * Each tree of nested results is laid out as one range, reserved from the first allocation
 * of any of its groups; each byte of it is free again once every group holding it has died
 * (treeSegments), so a part that outlives its result does not keep the whole range.
 */
import type { RecordedAllocation } from './activation-layout.js';

export interface RangeSharing {
  /** The first allocation of each allocation's in-place group (itself where it starts one). */
  readonly groupOf: readonly number[];
  /** Per group: the group whose range holds it and its byte offset there; -1 where none does. */
  readonly parentOf: readonly number[];
  readonly offsetInParent: readonly number[];
  /** Per group: whether it is in a tree (holds or is held by another). */
  readonly inTree: readonly boolean[];
  /** Per group at the top of a tree: the last step any group in the tree is referred to. */
  readonly treeEnd: readonly number[];
  /** Per group: the last step any of its allocations is referred to. */
  readonly groupEnd: readonly number[];
}

/** A slice of a tree's range and the last step a group holding it is referred to. */
export interface TreeSegment {
  readonly offset: number;
  readonly bytes: number;
  readonly lastStep: number;
}

/** `unjoined`: joined results (indices in `records`) to leave as plain allocations. */
export function planRangeSharing(records: readonly RecordedAllocation[], unjoined?: ReadonlySet<number>): RangeSharing {
  const groups = inPlaceGroups(records);
  const { groupOf, groupEnd, lastMemberStep, successorStep } = groups;
  const parentOf = records.map(() => -1);
  const offsetInParent = records.map(() => 0);
  const inTree = records.map(() => false);
  const treeEnd = [...groupEnd];
  const wholly = records.map(() => false);

  const topOf = (group: number): { top: number; offset: number } => {
    let top = group;
    let offset = 0;
    while (parentOf[top] >= 0) {
      offset += offsetInParent[top];
      top = parentOf[top];
    }
    return { top, offset };
  };

  records.forEach((result, joined) => {
    const parts = result.parts;
    if (!parts || !Number.isFinite(result.lastStep) || groupOf[joined] !== joined || unjoined?.has(joined)) return;
    const groupAt = new Map<number, number>();
    for (const part of parts) if (part.record >= 0) groupAt.set(part.offset, groupOf[part.record]);
    // A group nested inside must be done being written and dead before anything writes over the whole result in place.
    const canNest = (group: number, at: number, direct: boolean): boolean => {
      if (at < 0 || at + records[group].bytes > result.bytes) return false;
      if (lastMemberStep[group] >= result.step || treeEnd[group] >= successorStep[joined]) return false;
      if (direct) return true;
      // An earlier result, nested whole: the parts it joined must be this one's at the same offsets.
      const earlier = records[group].parts;
      return wholly[group] && earlier !== undefined && earlier.every((p) => groupAt.get(at + p.offset) === groupOf[p.record]);
    };
    let all = true;
    for (const part of parts) {
      if (part.record < 0 || !Number.isFinite(records[part.record].lastStep)) {
        all = false;
        continue;
      }
      const group = groupOf[part.record];
      const { top, offset } = topOf(group);
      if (top === joined) {
        if (offset !== part.offset) all = false;
        continue;
      }
      const at = part.offset - offset;
      if (!canNest(top, at, top === group)) {
        all = false;
        continue;
      }
      parentOf[top] = joined;
      offsetInParent[top] = at;
      inTree[top] = true;
      inTree[joined] = true;
      treeEnd[joined] = Math.max(treeEnd[joined], treeEnd[top]);
    }
    wholly[joined] = all;
  });
  return { groupOf, parentOf, offsetInParent, inTree, treeEnd, groupEnd };
}

/** The slices of the range of tree `top` (offsets from its start, `bytes` long in all) by when they are free again. */
export function treeSegments(sharing: RangeSharing, records: readonly RecordedAllocation[], top: number, bytes: number): TreeSegment[] {
  const children = new Map<number, number[]>();
  sharing.parentOf.forEach((parent, group) => {
    if (parent >= 0) (children.get(parent) ?? children.set(parent, []).get(parent) as number[]).push(group);
  });
  const segments: TreeSegment[] = [];
  const walk = (group: number, start: number, end: number, heldUntil: number): void => {
    const lastStep = Math.max(heldUntil, sharing.groupEnd[group]);
    let at = start;
    const inside = (children.get(group) ?? []).slice().sort((a, b) => sharing.offsetInParent[a] - sharing.offsetInParent[b]);
    for (const child of inside) {
      const from = start + sharing.offsetInParent[child];
      if (from > at) segments.push({ offset: at, bytes: from - at, lastStep });
      walk(child, from, from + records[child].bytes, lastStep);
      at = from + records[child].bytes;
    }
    if (end > at) segments.push({ offset: at, bytes: end - at, lastStep });
  };
  walk(top, 0, bytes, -Infinity);
  return segments;
}

interface InPlaceGroups {
  readonly groupOf: number[];
  /** Per group: the last step any of its allocations is referred to. */
  readonly groupEnd: number[];
  /** Per group: the step of its last allocation. */
  readonly lastMemberStep: number[];
  /** Per group: the step its second allocation takes its range over; Infinity where none does. */
  readonly successorStep: number[];
}

/** Each allocation's in-place partner, chosen as the layout always chose it: the first eligible dying input. */
function inPlaceGroups(records: readonly RecordedAllocation[]): InPlaceGroups {
  const groupOf = records.map((_, i) => i);
  const groupEnd = records.map((r) => r.lastStep);
  const lastMemberStep = records.map((r) => r.step);
  const successorStep = records.map(() => Infinity);
  const takenOver = new Set<number>();
  records.forEach((record, index) => {
    if (!Number.isFinite(record.lastStep)) return;
    const partner = record.inPlaceOf?.find(
      (p) => !takenOver.has(p) && Number.isFinite(records[p].lastStep) && records[p].lastStep === record.step &&
        records[p].bytes === record.bytes && records[p].elements === record.elements,
    );
    if (partner === undefined) return;
    takenOver.add(partner);
    const group = groupOf[partner];
    groupOf[index] = group;
    groupEnd[group] = Math.max(groupEnd[group], record.lastStep);
    lastMemberStep[group] = record.step;
    successorStep[group] = Math.min(successorStep[group], record.step);
  });
  return { groupOf, groupEnd, lastMemberStep, successorStep };
}
