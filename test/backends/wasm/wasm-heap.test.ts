/**
 * The GEMM module's heap: operands that lie in it are passed by address (no copies) and give
 * exactly the results of the copying path, on randomized shapes, strides, offsets and
 * transposes; and the heap never grows while a run holds views over it.
 */
import { describe, expect, it } from 'vitest';
import { instantiateGemm, type GemmVariant } from '../../../src/backends/wasm/gemm-module.js';
import { WasmGemm, wasmGemmF32, wasmGemmHeap, wasmGemmVariant } from '../../../src/backends/wasm/wasm-gemm.js';
import type { WasmHeap } from '../../../src/backends/wasm/wasm-heap.js';
import { isSharedMemory } from '../../../src/backends/wasm/wasm-instance.js';
import type { GemmOperands } from '../../../src/kernels/linalg/gemm-core.js';
import { Rng } from '../../support/random.js';

const VARIANTS: GemmVariant[] = ['relaxed-simd', 'simd'];
const SIZES = [1, 3, 5, 8, 9, 17, 33, 64, 67, 130];

function randomFloats(length: number, rng: Rng): Float32Array {
  return Float32Array.from({ length }, () => rng.uniform(-1, 1));
}

/** Copies of `arrays` laid out in one region of the heap, as views over its memory. */
function intoHeap(heap: WasmHeap, arrays: readonly Float32Array[]): Float32Array[] {
  const sizes = arrays.map((a) => Math.ceil((a.length * 4) / 64) * 64);
  const region = heap.reserveRegion(sizes.reduce((s, b) => s + b, 0));
  if (!region) throw new Error('no heap region');
  let at = region.byteOffset;
  return arrays.map((a, i) => {
    const view = new Float32Array(heap.buffer, at, a.length);
    view.set(a);
    at += sizes[i];
    return view;
  });
}

describe.each(VARIANTS)('wasm GEMM on operands in its heap (%s)', (variant) => {
  const module = instantiateGemm(variant);
  const run = module ? it : it.skip;

  run('gives the copying path\'s results exactly, without copying', () => {
    const wasm = new WasmGemm(module!);
    const rng = new Rng(17);
    for (let trial = 0; trial < 60; trial++) {
      const pick = () => SIZES[Math.floor(rng.uniform(0, SIZES.length))];
      const [m, n, k] = [pick(), pick(), pick()];
      const transA = rng.uniform(0, 1) < 0.5;
      const transB = rng.uniform(0, 1) < 0.5;
      const pad = trial % 3 === 0 ? 0 : Math.floor(rng.uniform(0, 5));
      const offset = Math.floor(rng.uniform(0, 4));
      const beta = [0, 1, 0.5][trial % 3];
      const alpha = trial % 4 === 0 ? -1.5 : 1;
      const [aRows, aCols] = transA ? [k, m] : [m, k];
      const [bRows, bCols] = transB ? [n, k] : [k, n];
      const lda = aCols + pad;
      const ldb = bCols + pad;
      const ldc = n + pad;
      const a = randomFloats(offset + aRows * lda, rng);
      const b = randomFloats(offset + bRows * ldb, rng);
      const c = randomFloats(offset + m * ldc + 2, rng);
      const op = (a2: Float32Array, b2: Float32Array, c2: Float32Array): GemmOperands => ({
        m, n, k, a: a2, aOffset: offset, lda, transA, b: b2, bOffset: offset, ldb, transB, c: c2, cOffset: offset, ldc, alpha, beta,
      });
      const copied = c.slice();
      expect(wasm.gemmF32(op(a, b, copied))).toBe(true);

      const [aHere, bHere, cHere] = intoHeap(wasm.heap, [a, b, c]);
      wasm.heap.begin();
      const before = { ...wasm.traffic };
      expect(wasm.gemmF32(op(aHere, bHere, cHere))).toBe(true);
      wasm.heap.end();
      expect(wasm.traffic.operandsInPlace - before.operandsInPlace).toBe(3);
      expect(wasm.traffic.copiedFloats).toBe(before.copiedFloats);
      const label = `${m}x${n}x${k} transA=${transA} transB=${transB} pad=${pad} offset=${offset} beta=${beta}`;
      expect(Array.from(cHere), label).toEqual(Array.from(copied));
    }
  });

  run('passes an operand in place beside others that are copied', () => {
    const wasm = new WasmGemm(module!);
    const rng = new Rng(5);
    const [m, n, k] = [37, 29, 41];
    const a = randomFloats(m * k, rng);
    const b = randomFloats(k * n, rng);
    const copied = new Float32Array(m * n);
    const op = (a2: Float32Array, c2: Float32Array): GemmOperands => ({
      m, n, k, a: a2, aOffset: 0, lda: k, transA: false, b, bOffset: 0, ldb: n, transB: false, c: c2, cOffset: 0, ldc: n, alpha: 1, beta: 0,
    });
    wasm.gemmF32(op(a, copied));
    const [aHere, cHere] = intoHeap(wasm.heap, [a, new Float32Array(m * n).fill(NaN)]);
    const before = wasm.traffic.copiedFloats;
    wasm.gemmF32(op(aHere, cHere));
    expect(wasm.traffic.copiedFloats - before).toBe(k * n);
    expect(Array.from(cHere)).toEqual(Array.from(copied));
  });
});

describe('wasm GEMM with a constant B', () => {
  const module = instantiateGemm('simd') ?? instantiateGemm('relaxed-simd');
  const run = module ? it : it.skip;

  run('packs a constant B once, keeps its panels in the heap and gives the per-call results exactly', () => {
    const wasm = new WasmGemm(module!);
    const rng = new Rng(23);
    for (const [m, n, k, transB, bOffset] of [[13, 37, 29, false, 0], [5, 70, 130, true, 3], [64, 9, 17, false, 5]] as const) {
      const [bRows, bCols] = transB ? [n, k] : [k, n];
      const b = randomFloats(bOffset + bRows * bCols + 2, rng);
      const constant = {};
      for (let call = 0; call < 3; call++) {
        const a = randomFloats(m * k, rng);
        const op = (c: Float32Array, constantB?: object): GemmOperands => ({
          m, n, k, a, aOffset: 0, lda: k, transA: false, b, bOffset, ldb: bCols, transB, c, cOffset: 0, ldc: n, alpha: 1, beta: 0, constantB,
        });
        const perCall = new Float32Array(m * n);
        wasm.gemmF32(op(perCall));
        const kept = new Float32Array(m * n);
        const before = wasm.traffic.copiedFloats;
        wasm.gemmF32(op(kept, constant));
        const copied = wasm.traffic.copiedFloats - before;
        // A in, C out; B only on the first product that meets it.
        expect(copied, `${m}x${n}x${k} call ${call}`).toBe(m * k + m * n + (call === 0 ? bRows * bCols : 0));
        expect(Array.from(kept)).toEqual(Array.from(perCall));
      }
    }
    expect(wasm.traffic.residentB).toBe(9);
  });

  run('keeps separate panels for separate views of one constant', () => {
    const wasm = new WasmGemm(module!);
    const rng = new Rng(3);
    const [m, n, k] = [6, 11, 7];
    const b = randomFloats(2 * k * n, rng);
    const a = randomFloats(m * k, rng);
    const constant = {};
    for (const bOffset of [0, k * n, 0]) {
      const op = (c: Float32Array, constantB?: object): GemmOperands => ({
        m, n, k, a, aOffset: 0, lda: k, transA: false, b, bOffset, ldb: n, transB: false, c, cOffset: 0, ldc: n, alpha: 1, beta: 0, constantB,
      });
      const perCall = new Float32Array(m * n);
      const kept = new Float32Array(m * n);
      wasm.gemmF32(op(perCall));
      wasm.gemmF32(op(kept, constant));
      expect(Array.from(kept), `bOffset ${bOffset}`).toEqual(Array.from(perCall));
    }
  });
});

describe('wasm heap', () => {
  const module = instantiateGemm('simd') ?? instantiateGemm('relaxed-simd');
  const run = module ? it : it.skip;

  run('does not grow while a run holds views, and grows again after', () => {
    const heap = new WasmGemm(module!).heap;
    const small = heap.reserveRegion(1024)!;
    const view = new Float32Array(heap.buffer, small.byteOffset, 256).fill(3);
    heap.begin();
    const bytes = heap.buffer.byteLength;
    expect(heap.reserveRegion(bytes * 2)).toBeUndefined();
    expect(heap.buffer.byteLength).toBe(bytes);
    expect(view[255]).toBe(3);
    heap.end();
    const large = heap.reserveRegion(bytes * 2);
    expect(large).toBeDefined();
    expect(large!.byteOffset).toBeGreaterThanOrEqual(small.byteOffset + small.byteLength);
    expect(heap.buffer.byteLength).toBeGreaterThan(bytes * 2);
    heap.releaseRegion(large!);
    expect(heap.reserveRegion(64)!.byteOffset).toBe(small.byteOffset + small.byteLength);
  });

  run('makes room, once the last run ends, for what it refused during runs', () => {
    const heap = new WasmGemm(module!).heap;
    heap.begin();
    heap.begin();
    const bytes = heap.buffer.byteLength;
    expect(heap.reserveRegion(bytes * 2)).toBeUndefined();
    heap.wantRoom(bytes * 2);
    expect(heap.scratch([bytes / 4, bytes / 2])).toBeUndefined();
    heap.end();
    expect(heap.buffer.byteLength, 'another run still holds views').toBe(bytes);
    heap.end();
    const grown = heap.buffer.byteLength;
    expect(grown).toBeGreaterThan(bytes * 3);
    heap.begin();
    expect(heap.scratch([bytes / 4, bytes / 2])).toBeDefined();
    expect(heap.reserveRegion(bytes * 2)).toBeDefined();
    expect(heap.buffer.byteLength).toBe(grown);
    heap.end();
  });

  run('grows the shared heap during a run, leaving the views made before it valid and in the heap', () => {
    const heap = wasmGemmHeap()!;
    expect(isSharedMemory(heap.memory), 'Node has shared memory').toBe(true);
    const rng = new Rng(9);
    const [m, n, k] = [150, 170, 190];
    const a = randomFloats(m * k, rng);
    const b = randomFloats(k * n, rng);
    const op = (a2: Float32Array, c: Float32Array): GemmOperands => ({
      m, n, k, a: a2, aOffset: 0, lda: k, transA: false, b, bOffset: 0, ldb: n, transB: false, c, cOffset: 0, ldc: n, alpha: 1, beta: 0,
    });
    const expected = new Float32Array(m * n);
    new WasmGemm(instantiateGemm(wasmGemmVariant()!)!).gemmF32(op(a, expected));
    const region = heap.reserveRegion(a.length * 4)!;
    const before = new Float32Array(heap.buffer, region.byteOffset, a.length);
    before.set(a);
    heap.begin();
    try {
      const bytes = heap.buffer.byteLength;
      const grown = heap.reserveRegion(bytes);
      expect(grown, 'a region past the memory, during a run').toBeDefined();
      expect(heap.buffer.byteLength).toBeGreaterThan(bytes);
      expect(heap.holds(before)).toBe(true);
      expect(Array.from(before)).toEqual(Array.from(a));
      const c = new Float32Array(m * n);
      expect(wasmGemmF32(op(before, c))).toBe(true);
      expect(Array.from(c)).toEqual(Array.from(expected));
      heap.releaseRegion(grown!);
    } finally {
      heap.end();
      heap.releaseRegion(region);
    }
  });
});
