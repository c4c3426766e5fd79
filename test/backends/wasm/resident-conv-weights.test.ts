import { describe, expect, it } from 'vitest';
import { ResidentConvWeights } from '../../../src/backends/wasm/resident-conv-weights.js';
import { WasmHeap } from '../../../src/backends/wasm/wasm-heap.js';

const PAGE = 65536;

function heapOf(pages: number, maximum: number): WasmHeap {
  return new WasmHeap(new WebAssembly.Memory({ initial: pages, maximum }), 1024);
}

describe('ResidentConvWeights', () => {
  it('prepares each form of a constant once and finds it again, apart from other forms and constants', () => {
    const resident = new ResidentConvWeights(heapOf(1, 16));
    const w = {}, v = {};
    const prepared: string[] = [];
    const prepare = (name: string) => (at: number): boolean => {
      prepared.push(`${name}@${at}`);
      return true;
    };
    const panels = resident.address(w, 'panels 1 7 27', 7 * 27, prepare('w panels'));
    const winograd = resident.address(w, 'winograd 3 7 2', 16 * 10 * 3, prepare('w winograd'));
    const other = resident.address(v, 'panels 1 7 27', 7 * 27, prepare('v panels'));
    expect(new Set([panels, winograd, other]).size).toBe(3);
    expect(resident.address(w, 'panels 1 7 27', 7 * 27, prepare('again'))).toBe(panels);
    expect(resident.address(v, 'panels 1 7 27', 7 * 27, prepare('again'))).toBe(other);
    expect(prepared).toEqual([`w panels@${panels}`, `w winograd@${winograd}`, `v panels@${other}`]);
    expect(resident.residentBytes).toBeGreaterThanOrEqual(4 * (2 * 7 * 27 + 16 * 10 * 3));
  });

  it('keeps nothing where the memory will not grow, and gives back the region of a failed preparation', () => {
    const resident = new ResidentConvWeights(heapOf(1, 2));
    let calls = 0;
    // Three pages of floats: past a memory of at most two.
    expect(resident.address({}, 'big', (3 * PAGE) / 4, () => ++calls > 0)).toBeUndefined();
    expect(calls).toBe(0);
    let failedAt = -1;
    const failed = resident.address({}, 'failing', 1000, (at) => {
      failedAt = at;
      return false;
    });
    expect(failed).toBeUndefined();
    expect(resident.residentBytes).toBe(0);
    expect(resident.address({}, 'fits', 1000, () => true)).toBe(failedAt);
    expect(resident.residentBytes).toBe(4032);
  });

  it('finds room in the next run for forms a run asked for while it held the heap, each counted once', () => {
    const heap = heapOf(1, 64);
    const resident = new ResidentConvWeights(heap);
    const keys = [{}, {}, {}];
    const floats = PAGE / 2;
    heap.begin();
    const bytes = heap.buffer.byteLength;
    // Asked for on every call of a loop: counted once per form.
    for (let call = 0; call < 5; call++) for (const key of keys) expect(resident.address(key, 'panels', floats, () => true)).toBeUndefined();
    heap.end();
    const grown = heap.buffer.byteLength;
    expect(grown).toBeGreaterThanOrEqual(bytes + 3 * floats * 4);
    expect(grown).toBeLessThan(bytes + 5 * floats * 4 + PAGE);
    heap.begin();
    for (const key of keys) expect(resident.address(key, 'panels', floats, () => true)).toBeDefined();
    expect(heap.buffer.byteLength).toBe(grown);
    heap.end();
  });
});
