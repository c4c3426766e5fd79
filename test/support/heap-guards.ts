/**
 * Operands placed in a WebAssembly heap with canary floats around each, for tests of kernels
 * that address the heap directly: a changed canary means a write out of bounds.
 */
import { expect } from 'vitest';
import type { WasmHeap } from '../../src/backends/wasm/wasm-heap.js';

/** A value written around every heap operand. */
const CANARY = 12345.5;
/** Canary floats before and after each operand. */
const GUARD = 7;
/** The largest float offset `placeInHeap` accepts past the guard (so alignment varies). */
const MAX_SHIFT = 3;

/**
 * Views over one new heap region holding copies of `arrays`, each `shift(i)` floats (0 to 3)
 * past its leading guard, canaries around it.
 */
export function placeInHeap(heap: WasmHeap, arrays: readonly Float32Array[], shift: (index: number) => number): Float32Array[] {
  const slots = arrays.map((a) => a.length + 2 * GUARD + MAX_SHIFT);
  const region = heap.reserveRegion(slots.reduce((s, n) => s + n, 0) * 4);
  if (!region) throw new Error('no heap region');
  const all = new Float32Array(heap.buffer, region.byteOffset, region.byteLength / 4).fill(CANARY);
  let at = 0;
  return arrays.map((a, i) => {
    const start = at + GUARD + Math.min(MAX_SHIFT, shift(i));
    const placed = all.subarray(start, start + a.length);
    placed.set(a);
    at += slots[i];
    return placed;
  });
}

/** Fails unless the canaries on both sides of `view` (placed by placeInHeap) are unchanged. */
export function expectGuardsIntact(view: Float32Array, what: string): void {
  const around = new Float32Array(view.buffer, view.byteOffset - GUARD * 4, view.length + 2 * GUARD);
  for (let i = 0; i < GUARD; i++) {
    expect(around[i], `${what}: float ${GUARD - i} before the start`).toBe(CANARY);
    expect(around[GUARD + view.length + i], `${what}: float ${i} past the end`).toBe(CANARY);
  }
}
