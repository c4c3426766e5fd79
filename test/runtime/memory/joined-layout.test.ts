/**
 * The layout's joined ranges (range-sharing.ts): the parts of a Concat result get the slices of
 * its range their bytes go to, in place chains and nested results (DenseNet's dense blocks)
 * included; a part that is no recorded allocation, a value joined twice, a part still written
 * in place after the join, and a result written over in place while a part lives are left to
 * copy. Randomized records check that two allocations alive at once share bytes only where one
 * takes the other over in place or is a result whose part already sits there, and that joining
 * never makes the arena span more than laying everything out on its own.
 */
import { describe, expect, it } from 'vitest';
import { layoutAllocations, type ActivationLayout, type ArenaRange, type JoinedPart, type RecordedAllocation } from '../../../src/runtime/memory/activation-layout.js';
import { planRangeSharing } from '../../../src/runtime/memory/range-sharing.js';
import { Rng } from '../../support/random.js';

interface Spec {
  step: number;
  bytes: number;
  lastStep: number;
  inPlaceOf?: number[];
  parts?: JoinedPart[];
}

const records = (specs: readonly Spec[]): RecordedAllocation[] => specs.map((s) => ({ ordinal: 0, elements: s.bytes / 4, ...s }));

const rangeOf = (layout: ActivationLayout, r: RecordedAllocation): ArenaRange | undefined => layout.rangeOf(r.step, r.ordinal);

/** Joined parts of `sizes` bytes from records `ids` (-1: no recorded allocation). */
function partsOf(ids: readonly number[], sizes: readonly number[]): JoinedPart[] {
  let offset = 0;
  return ids.map((record, i) => {
    const part = { record, offset };
    offset += sizes[i];
    return part;
  });
}

/** Whether record `p`'s range is the slice of `result`'s its part `part` goes to. */
function inSlot(layout: ActivationLayout, rs: readonly RecordedAllocation[], result: number, part: JoinedPart): boolean {
  const whole = rangeOf(layout, rs[result]);
  const slice = part.record >= 0 ? rangeOf(layout, rs[part.record]) : undefined;
  return whole !== undefined && slice !== undefined && slice.offset === whole.offset + part.offset;
}

function withoutParts(rs: readonly RecordedAllocation[]): RecordedAllocation[] {
  return rs.map(({ parts: _parts, ...r }) => r);
}

/**
 * Every pair of allocations alive at once whose bytes meet: the later takes the earlier over in
 * place, or is a joined result and what it meets of the earlier lies in slices of parts in place.
 */
function expectNoClobbering(rs: readonly RecordedAllocation[], layout: ActivationLayout, label: string): void {
  for (let j = 0; j < rs.length; j++) {
    const b = rangeOf(layout, rs[j]);
    if (!b) continue;
    for (let i = 0; i < j; i++) {
      const a = rangeOf(layout, rs[i]);
      if (!a || rs[i].lastStep < rs[j].step) continue;
      const aEnd = a.offset + rs[i].bytes;
      if (aEnd <= b.offset || b.offset + rs[j].bytes <= a.offset) continue;
      if (b.inPlace && rs[j].inPlaceOf?.includes(i) && a.offset === b.offset && rs[i].lastStep === rs[j].step) continue;
      const written = (rs[j].parts ?? [{ record: -1, offset: 0 }])
        .map((part, k, all) => ({ part, start: b.offset + part.offset, end: b.offset + (all[k + 1]?.offset ?? rs[j].bytes) }))
        .filter(({ part, start, end }) => start < aEnd && a.offset < end && !inSlot(layout, rs, j, part));
      expect(written, `${label}: allocation ${j} writes over live allocation ${i}`).toEqual([]);
    }
  }
}

describe('joined ranges in the activation layout', () => {
  it('places the parts of a Concat in the slices of its range', () => {
    // 0, 1: two branches; 2: their Concat; 3: what reads it.
    const rs = records([
      { step: 0, bytes: 100, lastStep: 2 },
      { step: 1, bytes: 36, lastStep: 2 },
      { step: 2, bytes: 136, lastStep: 3, parts: partsOf([0, 1], [100, 36]) },
      { step: 3, bytes: 64, lastStep: 4 },
    ]);
    const layout = layoutAllocations(rs);
    for (const part of rs[2].parts ?? []) expect(inSlot(layout, rs, 2, part), `part ${part.record}`).toBe(true);
    expect(rangeOf(layout, rs[1])?.bytes).toBe(36);
    expect(layout.totalBytes).toBeLessThan(layoutAllocations(withoutParts(rs)).totalBytes);
    expectNoClobbering(rs, layout, 'simple');
  });

  it('nests the Concats of a dense block in one range, each feature in place for all of them', () => {
    // x0, then per layer: Concat of all features so far, a reader of it, the next feature.
    const specs: Spec[] = [{ step: 0, bytes: 256, lastStep: 0 }];
    const features = [0];
    const sizes = [256];
    const joins: number[] = [];
    let step = 1;
    for (let layer = 0; layer < 5; layer++) {
      const joinStep = step++;
      if (features.length > 1) {
        joins.push(specs.length);
        specs.push({ step: joinStep, bytes: sizes.reduce((a, b) => a + b, 0), lastStep: joinStep + 1, parts: partsOf(features, sizes) });
      }
      specs.push({ step: step++, bytes: 512, lastStep: step });
      features.push(specs.length);
      sizes.push(96);
      specs.push({ step: step++, bytes: 96, lastStep: 0 });
    }
    const last = step;
    specs.push({ step: last, bytes: sizes.reduce((a, b) => a + b, 0), lastStep: last + 1, parts: partsOf(features, sizes) });
    joins.push(specs.length - 1);
    // Features live until the block's last Concat.
    for (const f of features) specs[f].lastStep = last;
    const rs = records(specs);
    const layout = layoutAllocations(rs);
    for (const j of joins) for (const part of rs[j].parts ?? []) expect(inSlot(layout, rs, j, part), `result ${j} part ${part.record}`).toBe(true);
    expect(layout.totalBytes).toBeLessThan(layoutAllocations(withoutParts(rs)).totalBytes);
    expectNoClobbering(rs, layout, 'dense block');
  });

  it('puts the first of an in-place chain where its last one joins', () => {
    // 0: Conv; 1: Relu over it in place; 2: another branch; 3: Concat(1, 2).
    const rs = records([
      { step: 0, bytes: 128, lastStep: 1 },
      { step: 1, bytes: 128, lastStep: 3, inPlaceOf: [0] },
      { step: 2, bytes: 64, lastStep: 3 },
      { step: 3, bytes: 192, lastStep: 4, parts: partsOf([1, 2], [128, 64]) },
    ]);
    const layout = layoutAllocations(rs);
    expect(rangeOf(layout, rs[1])?.inPlace).toBe(true);
    expect(rangeOf(layout, rs[0])?.offset).toBe(rangeOf(layout, rs[1])?.offset);
    for (const part of rs[3].parts ?? []) expect(inSlot(layout, rs, 3, part), `part ${part.record}`).toBe(true);
    expectNoClobbering(rs, layout, 'in-place chain');
  });

  it('copies what must be copied: a part joined twice, one written in place later, one outliving the run, a result written over while a part lives', () => {
    const rs = records([
      { step: 0, bytes: 64, lastStep: 2 },
      { step: 1, bytes: 64, lastStep: Infinity },
      // 2: Concat(0, 0, 1, graph input).
      { step: 2, bytes: 256, lastStep: 3, parts: partsOf([0, 0, 1, -1], [64, 64, 64, 64]) },
      { step: 3, bytes: 64, lastStep: 6 },
      { step: 4, bytes: 64, lastStep: 6 },
      // 5: Concat(3, 4); 6: Relu over it in place while 3 and 4 live on (read at 6 too).
      { step: 5, bytes: 128, lastStep: 6, parts: partsOf([3, 4], [64, 64]) },
      { step: 6, bytes: 128, lastStep: 7, inPlaceOf: [5] },
      // 8: Concat(7, graph input); 9: Abs over 7 in place, after the join.
      { step: 7, bytes: 64, lastStep: 9 },
      { step: 8, bytes: 128, lastStep: 9, parts: partsOf([7, -1], [64, 64]) },
      { step: 9, bytes: 64, lastStep: 10, inPlaceOf: [7] },
    ]);
    // Asked of the plan itself: the layout may also leave results unjoined to span less.
    const sharing = planRangeSharing(rs);
    const holder = (record: number) => sharing.parentOf[sharing.groupOf[record]];
    expect(holder(0), 'a part joined twice: its first place').toBe(2);
    expect(holder(1), 'a part outliving the run').toBe(-1);
    expect([holder(3), holder(4)], 'parts of a result written over in place while they live').toEqual([-1, -1]);
    expect(holder(7), 'a part written in place after the join').toBe(-1);
    const layout = layoutAllocations(rs);
    const [first, twice, output] = rs[2].parts ?? [];
    expect(inSlot(layout, rs, 2, first)).toBe(true);
    expect(inSlot(layout, rs, 2, twice)).toBe(false);
    expect(rangeOf(layout, rs[output.record])).toBeUndefined();
    expectNoClobbering(rs, layout, 'copies');
  });

  it('never lets live allocations clobber each other, nor spans more than without joining, over random records', () => {
    const rng = new Rng(21);
    for (let trial = 0; trial < 300; trial++) {
      const count = rng.int(4, 40);
      const specs: Spec[] = [];
      for (let step = 0; step < count; step++) {
        const lastStep = rng.next() < 0.05 ? Infinity : step + rng.int(0, 6);
        const alive = specs.map((s, i) => i).filter((i) => specs[i].lastStep >= step && specs[i].step < step);
        const dying = alive.filter((i) => specs[i].lastStep === step);
        const roll = rng.next();
        if (roll < 0.35 && alive.length > 0) {
          const ids = Array.from({ length: rng.int(1, 4) }, () => (rng.next() < 0.1 ? -1 : alive[rng.int(0, alive.length - 1)]));
          const sizes = ids.map((id) => (id >= 0 ? specs[id].bytes : 4 * rng.int(1, 20)));
          specs.push({ step, bytes: sizes.reduce((a, b) => a + b, 0), lastStep, parts: partsOf(ids, sizes) });
        } else if (roll < 0.6 && dying.length > 0) {
          const partner = dying[rng.int(0, dying.length - 1)];
          specs.push({ step, bytes: specs[partner].bytes, lastStep, inPlaceOf: dying });
        } else {
          specs.push({ step, bytes: 4 * rng.int(1, 40), lastStep });
        }
      }
      const rs = records(specs);
      const layout = layoutAllocations(rs);
      expectNoClobbering(rs, layout, `trial ${trial}`);
      expect(layout.totalBytes, `trial ${trial}: span`).toBeLessThanOrEqual(layoutAllocations(withoutParts(rs)).totalBytes);
    }
  });
});
