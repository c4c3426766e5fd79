/**
 * The bookkeeping of constant B panels kept by GEMM helpers: ids per view of a constant, who
 * holds them, and releases reaching helpers through the control block's ring, including a
 * helper that fell more than a ring behind (it drops everything it keeps).
 */
import { describe, expect, it } from 'vitest';
import { GemmControl, NO_RESIDENT, RELEASE_RING } from '../../src/backends/threads/gemm-control.js';
import { HelperResidents, ResidentIds } from '../../src/backends/threads/resident-panels.js';
import type { WasmGemm } from '../../src/backends/wasm/wasm-gemm.js';
import type { GemmOperands } from '../../src/kernels/linalg/gemm-core.js';

function view(constantB: object | undefined, bOffset: number, n: number): GemmOperands {
  const data = new Float32Array(1);
  return { m: 1, n, k: 4, a: data, aOffset: 0, lda: 4, transA: false, b: data, bOffset, ldb: 64, transB: false, c: data, cOffset: 0, ldc: n, alpha: 1, beta: 0, constantB };
}

/** A helper's side over a stand-in GEMM that records which keys it was told to drop. */
function helperSide(): { residents: HelperResidents; dropped: object[] } {
  const dropped: object[] = [];
  const gemm = { dropResident: (key: object) => dropped.push(key) } as unknown as WasmGemm;
  return { residents: new HelperResidents(gemm), dropped };
}

describe('ResidentIds', () => {
  it('names each view of a constant once, and nothing for a B that is not constant', () => {
    const ids = new ResidentIds();
    const weight = {};
    const first = ids.idOf(view(weight, 0, 32));
    expect(first).not.toBe(NO_RESIDENT);
    expect(ids.idOf(view(weight, 0, 32))).toBe(first);
    const otherColumns = ids.idOf(view(weight, 32, 32));
    expect(otherColumns).not.toBe(first);
    expect(ids.idOf(view({}, 0, 32))).not.toBe(first);
    expect(ids.idOf(view(undefined, 0, 32))).toBe(NO_RESIDENT);
  });

  it('remembers which helper holds an id until it is forgotten', () => {
    const ids = new ResidentIds();
    const id = ids.idOf(view({}, 0, 8));
    expect(ids.holds(id, 1)).toBe(false);
    ids.recordHeld(id, 1);
    expect(ids.holds(id, 1)).toBe(true);
    expect(ids.holds(id, 2)).toBe(false);
    ids.forget(id, 1);
    expect(ids.holds(id, 1)).toBe(false);
    expect(ids.takeReleased()).toEqual([]);
  });
});

describe('HelperResidents', () => {
  it('drops exactly the released ids it keeps, each once', () => {
    const control = GemmControl.allocate();
    const { residents, dropped } = helperSide();
    const [a, b, c] = [residents.keyOf(1), residents.keyOf(2), residents.keyOf(3)];
    expect(residents.keyOf(2)).toBe(b);
    control.writeReleases([2, 99]);
    residents.applyReleases(control);
    expect(dropped).toEqual([b]);
    residents.applyReleases(control);
    expect(dropped).toEqual([b]);
    control.writeReleases([1]);
    residents.applyReleases(control);
    expect(dropped).toEqual([b, a]);
    expect(residents.keyOf(3)).toBe(c);
    // A released id named again (a new constant reusing nothing) gets a fresh key.
    expect(residents.keyOf(2)).not.toBe(b);
  });

  it('drops everything it keeps when more was released than the ring holds', () => {
    const control = GemmControl.allocate();
    const { residents, dropped } = helperSide();
    const keys = [residents.keyOf(1), residents.keyOf(2)];
    control.writeReleases(Array.from({ length: RELEASE_RING + 1 }, (_, i) => 1000 + i));
    residents.applyReleases(control);
    expect(new Set(dropped)).toEqual(new Set(keys));
  });
});
