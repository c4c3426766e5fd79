/**
 * Packing a B from outside the module's memory a slice at a time must write exactly the panels
 * packB writes from all of B at once (bit for bit, padding included): the slices follow the
 * packed layout's KC blocks and NR panels, and PACK_BLOCK_ROWS must equal the module's KC.
 */
import { describe, expect, it } from 'vitest';
import { instantiateGemm, type GemmVariant } from '../../../src/backends/wasm/gemm-module.js';
import { PACK_BLOCK_ROWS, packOutsideB } from '../../../src/backends/wasm/pack-outside-b.js';
import { WasmHeap } from '../../../src/backends/wasm/wasm-heap.js';
import { Rng } from '../../support/random.js';

interface Case {
  readonly k: number;
  readonly n: number;
  readonly transB: boolean;
  /** Extra floats at the end of every stored row. */
  readonly pad: number;
  /** Floats before B in its array. */
  readonly offset: number;
}

const rng = new Rng(4242);
const odd = (low: number, high: number) => 2 * rng.int(low, high) + 1;
const cases: Case[] = [];
for (const transB of [false, true]) {
  for (const k of [1, 7, PACK_BLOCK_ROWS - 1, PACK_BLOCK_ROWS, PACK_BLOCK_ROWS + 1, odd(300, 600), 2 * PACK_BLOCK_ROWS + 3]) {
    cases.push({ k, n: odd(1, 40), transB, pad: 0, offset: 0 });
    // Wide enough that one slice cannot take all of B.
    cases.push({ k, n: odd(600, 900), transB, pad: rng.int(0, 3), offset: rng.int(0, 5) });
  }
  cases.push({ k: 5, n: 70001, transB, pad: 1, offset: 3 });
}

describe.each(['simd', 'relaxed-simd'] as GemmVariant[])('packOutsideB (%s build)', (variant) => {
  const module = instantiateGemm(variant);
  it.skipIf(!module).each(cases)('k $k, n $n, transB $transB, pad $pad, offset $offset: the panels of packB', (c) => {
    const { exports } = module!;
    const heap = new WasmHeap(exports.memory, exports.heapBase());
    const [rows, cols] = c.transB ? [c.n, c.k] : [c.k, c.n];
    const ldb = cols + c.pad;
    const b = rng.floats(c.offset + rows * ldb);
    const length = exports.packedBLength(c.k, c.n);
    const whole = heap.reserveRegion(length * 4)!;
    const sliced = heap.reserveRegion(length * 4)!;
    const source = heap.reserveRegion(b.length * 4)!;
    heap.f32.fill(NaN, whole.byteOffset / 4, whole.byteOffset / 4 + length);
    heap.f32.fill(-1, sliced.byteOffset / 4, sliced.byteOffset / 4 + length);
    heap.f32.set(b, source.byteOffset / 4);
    exports.packB(source.byteOffset + c.offset * 4, ldb, c.transB, c.k, c.n, whole.byteOffset);
    const copied = packOutsideB(exports, heap, sliced.byteOffset, b, c.offset, ldb, c.transB, c.k, c.n);
    expect(copied).toBeGreaterThanOrEqual(c.k * c.n);
    const f32 = heap.f32;
    const expected = f32.slice(whole.byteOffset / 4, whole.byteOffset / 4 + length);
    const actual = f32.slice(sliced.byteOffset / 4, sliced.byteOffset / 4 + length);
    const first = actual.findIndex((v, i) => !Object.is(v, expected[i]));
    expect(first, `first differing panel float (of ${length})`).toBe(-1);
  });
});
