import { describe, expect, it } from 'vitest';
import { broadcastIndex, broadcastRuns, forEachRun } from '../../../src/kernels/support/broadcast.js';
import { sizeOf } from '../../../src/tensor/shape.js';
import { Rng } from '../../support/random.js';

/** The flat indices into A and B of every output element, as forEachRun walks them. */
function walk(a: number[], b: number[]): { ia: number[]; ib: number[]; runs: ReturnType<typeof broadcastRuns> } {
  const runs = broadcastRuns(a, b);
  const ia: number[] = [];
  const ib: number[] = [];
  let expectedOut = 0;
  forEachRun(runs, (o, ai, bi) => {
    expect(o).toBe(expectedOut);
    expectedOut += runs.block;
    for (let i = 0; i < runs.block; i++) {
      ia.push(ai + i * runs.aStep);
      ib.push(bi + i * runs.bStep);
    }
  });
  return { ia, ib, runs };
}

function identity(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

describe('broadcastRuns', () => {
  it('visits the same elements as the per-element index, on random shapes', () => {
    const rng = new Rng(5);
    for (let trial = 0; trial < 300; trial++) {
      const rank = rng.int(0, 5);
      const out = rng.shape(rank, 5);
      const a = out.map((d) => (rng.next() < 0.4 ? 1 : d)).slice(rng.int(0, rank));
      const b = out.map((d) => (rng.next() < 0.4 ? 1 : d)).slice(rng.int(0, rank));
      const { ia, ib, runs } = walk(a, b);
      const dims = runs.dims;
      expect(ia.length, `${a} with ${b}`).toBe(sizeOf(dims));
      expect(ia, `A of ${a} against ${b}`).toEqual(Array.from(broadcastIndex(a, dims) ?? identity(sizeOf(dims))));
      expect(ib, `B of ${b} against ${a}`).toEqual(Array.from(broadcastIndex(b, dims) ?? identity(sizeOf(dims))));
    }
  });

  it('makes one run per channel for [N,C,H,W] against [C,1,1]', () => {
    const runs = broadcastRuns([2, 3, 5, 7], [3, 1, 1]);
    expect({ block: runs.block, aStep: runs.aStep, bStep: runs.bStep, outer: runs.outer }).toEqual({ block: 35, aStep: 1, bStep: 0, outer: [2, 3] });
  });

  it('makes one run for same shapes and for a scalar', () => {
    expect(broadcastRuns([4, 5, 6], [4, 5, 6])).toMatchObject({ block: 120, aStep: 1, bStep: 1, outer: [] });
    expect(broadcastRuns([], [4, 5])).toMatchObject({ block: 20, aStep: 0, bStep: 1, outer: [] });
  });

  it('has no runs for an empty output and one element for scalars', () => {
    let visits = 0;
    forEachRun(broadcastRuns([0, 3], [3]), () => visits++);
    expect(visits).toBe(0);
    const { ia, ib } = walk([], [1, 1]);
    expect([ia, ib]).toEqual([[0], [0]]);
  });

  it('rejects shapes that do not broadcast', () => {
    expect(() => broadcastRuns([2, 3], [4])).toThrow(/cannot be broadcast/);
    expect(() => broadcastRuns([2, 3], [4])).toThrow(/cannot be broadcast/);
  });

  it('answers from its cache as it computed, for more shape pairs than the cache holds', () => {
    const rng = new Rng(11);
    const pairs: [number[], number[]][] = [];
    for (let i = 0; i < 1500; i++) {
      const out = rng.shape(rng.int(0, 6), 9);
      pairs.push([out.map((d) => (rng.next() < 0.3 ? 1 : d)), out.slice(rng.int(0, out.length)).map((d) => (rng.next() < 0.3 ? 1 : d))]);
    }
    const first = pairs.map(([a, b]) => structuredClone(broadcastRuns(a, b)));
    for (let round = 0; round < 3; round++) {
      for (let k = 0; k < pairs.length; k++) {
        const i = rng.int(0, pairs.length - 1);
        const [a, b] = pairs[i];
        expect(broadcastRuns([...a], [...b]), `${a} with ${b}`).toEqual(first[i]);
      }
    }
  });

  it('keys its cache by shape values, not by the arrays passed', () => {
    const a = [3, 1, 5];
    expect(broadcastRuns(a, [4, 1]).dims).toEqual([3, 4, 5]);
    a[1] = 4;
    expect(broadcastRuns(a, [4, 1]).dims).toEqual([3, 4, 5]);
    a[2] = 1;
    expect(broadcastRuns(a, [4, 1]).dims).toEqual([3, 4, 1]);
    a[0] = 7;
    expect(broadcastRuns(a, [4, 1])).toMatchObject({ dims: [7, 4, 1], block: 4, outer: [7] });
  });
});
