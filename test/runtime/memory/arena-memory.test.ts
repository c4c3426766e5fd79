/**
 * ArenaMemory's check that a range it hands out is free: with layouts whose ranges overlap (as a
 * run whose shapes or branches differ from the recorded one meets them), an allocation over
 * storage something still holds gets storage of its own, and one over storage let go of comes
 * from the arena, however many allocations came and went before (entries nothing holds are
 * dropped from its list lazily); a joined result (Concat) comes from the arena over live parts
 * in their places in it, and not where something live lies where it must write.
 */
import { describe, expect, it } from 'vitest';
import type { ActivationLayout, ArenaRange } from '../../../src/runtime/memory/activation-layout.js';
import { ArenaMemory } from '../../../src/runtime/memory/run-memory.js';
import { DenseTensor } from '../../../src/tensor/dense-tensor.js';
import { Rng } from '../../support/random.js';

const BYTES = 64;

/** Every allocation at the same offset: all ranges overlap. */
function overlappingLayout(count: number): ActivationLayout {
  const ranges: ArenaRange[] = Array.from({ length: count }, (_, index) => ({ offset: 0, bytes: BYTES, inPlace: false, index }));
  return { totalBytes: BYTES, placed: count, bytesWithoutReuse: count * BYTES, rangeOf: (step) => ranges[step] };
}

/** Allocation i at offset (i % 2) * BYTES: even ones overlap each other, and odd ones. */
function alternatingLayout(count: number): ActivationLayout {
  const ranges: ArenaRange[] = Array.from({ length: count }, (_, index) => ({ offset: (index % 2) * BYTES, bytes: BYTES, inPlace: false, index }));
  return { totalBytes: 2 * BYTES, placed: count, bytesWithoutReuse: count * BYTES, rangeOf: (step) => ranges[step] };
}

describe('ArenaMemory', () => {
  it('hands out a range only when nothing holds what overlaps it, across many steps', () => {
    const steps = 300;
    const buffer = new ArrayBuffer(2 * BYTES);
    const memory = new ArenaMemory(alternatingLayout(steps), { buffer, base: 0 });
    const rng = new Rng(4);
    // What the test holds: arena tensors with their offset and the step that lets go of them.
    let held: { tensor: DenseTensor; offset: number; until: number }[] = [];
    for (let step = 0; step < steps; step++) {
      memory.beginStep(step, false, []);
      const offset = (step % 2) * BYTES;
      const tensor = memory.allocate(step, 0, 'float32', [BYTES / 4]);
      const fromArena = (tensor.data as Float32Array).buffer === buffer;
      expect(fromArena, `step ${step}`).toBe(!held.some((h) => h.offset === offset));
      for (const h of held) if (h.until === step) memory.drop(h.tensor, step);
      held = held.filter((h) => h.until !== step);
      // Held for a few steps now and then, so entries come and go while others stay held.
      if (fromArena && rng.next() < 0.3) {
        memory.hold(tensor);
        held.push({ tensor, offset, until: step + rng.int(1, 4) });
      }
      memory.endStep(step);
    }
    expect(memory.counts.fromArena + memory.counts.onTheirOwn).toBe(steps);
    expect(memory.counts.onTheirOwn).toBeGreaterThan(0);
  });

  it('finds a subarray of a held allocation, and not once it is let go of', () => {
    const buffer = new ArrayBuffer(BYTES);
    const memory = new ArenaMemory(overlappingLayout(40), { buffer, base: 0 });
    for (let step = 0; step < 40; step++) {
      memory.beginStep(step, false, []);
      const whole = memory.allocate(step, 0, 'float32', [BYTES / 4]);
      expect((whole.data as Float32Array).buffer, `step ${step}`).toBe(buffer);
      const half = { ...whole, data: (whole.data as Float32Array).subarray(8) } as DenseTensor;
      memory.hold(whole);
      memory.hold(half);
      memory.endStep(step);
      memory.drop(whole, step);
      // Still held through the subarray: the next step's allocation over it must go on its own.
      memory.beginStep(step, false, []);
      const blocked = memory.allocate(step + 1, 0, 'float32', [BYTES / 4]);
      expect((blocked.data as Float32Array).buffer, `step ${step}: allocation over a held subarray`).not.toBe(buffer);
      memory.endStep(step);
      memory.drop(half, step);
    }
  });

  it('hands out a joined range over live parts in their places, and not over live bytes it must write', () => {
    expect(joinedFromArena((made) => made, true), 'both parts in their places').toBe(true);
    expect(joinedFromArena((made) => [made[1], made[0]], true), 'the live parts joined the other way round').toBe(false);
    const fresh = DenseTensor.zeros('float32', [16]);
    expect(joinedFromArena((made) => [made[0], fresh], true), 'another part where a live allocation lies').toBe(false);
    expect(joinedFromArena((made) => [made[0], fresh], false), 'another part where nothing live lies').toBe(true);
  });
});

/**
 * Allocations 0 and 1 at [0, 64) and [64, 128), then allocation 2 over [0, 128) joined from
 * `parts` of them: whether it comes from the arena. `keepSecond`: whether 1 is still held then.
 */
function joinedFromArena(parts: (made: DenseTensor[]) => DenseTensor[], keepSecond: boolean): boolean {
  const ranges: ArenaRange[] = [
    { offset: 0, bytes: 64, inPlace: false, index: 0 },
    { offset: 64, bytes: 64, inPlace: false, index: 1 },
    { offset: 0, bytes: 128, inPlace: false, index: 2 },
  ];
  const layout: ActivationLayout = { totalBytes: 128, placed: 3, bytesWithoutReuse: 256, rangeOf: (step) => ranges[step] };
  const buffer = new ArrayBuffer(128);
  const memory = new ArenaMemory(layout, { buffer, base: 0 });
  const made: DenseTensor[] = [];
  for (let step = 0; step < 2; step++) {
    memory.beginStep(step, false, []);
    made.push(memory.allocate(step, 0, 'float32', [16]));
    memory.hold(made[step]);
    memory.endStep(step);
  }
  if (!keepSecond) memory.drop(made[1], 1);
  memory.beginStep(2, false, []);
  const result = memory.allocateJoined(2, 0, 'float32', [32], parts(made));
  return (result.data as Float32Array).buffer === buffer;
}
