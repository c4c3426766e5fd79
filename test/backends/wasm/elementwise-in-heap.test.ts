/**
 * The elementwise module on operands that live in the GEMM heap (a run's activations): they are
 * passed by address, with no copies, and give exactly the results of the copying path (same
 * module code), on randomized odd sizes, offsets not on vector boundaries, broadcasting and
 * in-place outputs; nothing past an output's end is written; while a run holds the heap (it
 * may not grow) the copying instance takes calls whose scratch would need growth; and
 * env.wasm.simd = false keeps everything in TypeScript.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { env } from '../../../src/api/env.js';
import {
  wasmBinaryF32, wasmNormalizeRowsF32, wasmSoftmaxRowsF32, wasmUnaryF32,
  type RowNormalization, type WasmBinaryOp, type WasmUnaryOp,
} from '../../../src/backends/wasm/elementwise-host.js';
import { wasmElementwiseTraffic } from '../../../src/backends/wasm/elementwise-instances.js';
import { wasmGemmHeap } from '../../../src/backends/wasm/wasm-gemm.js';
import { broadcastRuns } from '../../../src/kernels/support/broadcast.js';
import { expectGuardsIntact, placeInHeap } from '../../support/heap-guards.js';
import { Rng } from '../../support/random.js';

afterEach(() => {
  delete env.wasm.simd;
});

function copiedSince(before: number): number {
  return wasmElementwiseTraffic().copiedFloats - before;
}

const heap = wasmGemmHeap();
const run = heap ? it : it.skip;
const UNARY: WasmUnaryOp[] = ['relu', 'sigmoid', 'gelu', 'tanh', 'exp'];
const BINARY: WasmBinaryOp[] = ['add', 'sub', 'mul', 'div', 'max', 'prelu'];

describe('elementwise module in the GEMM heap', () => {
  run('unary ops match the copying path without copies, in place too, on odd sizes', () => {
    const rng = new Rng(3);
    for (let trial = 0; trial < 24; trial++) {
      const n = rng.int(64, 3000) | 1;
      const op = UNARY[trial % UNARY.length];
      const x = rng.floats(n, -3, 3);
      const want = new Float32Array(n);
      expect(wasmUnaryF32(op, x, want), `${op}[${n}] copying`).toBe(true);
      const [hx, hout] = placeInHeap(heap!, [x, new Float32Array(n)], () => rng.int(0, 3));
      const before = wasmElementwiseTraffic().copiedFloats;
      expect(wasmUnaryF32(op, hx, hout)).toBe(true);
      expect(copiedSince(before), `${op}[${n}] copied floats`).toBe(0);
      expect(hout, `${op}[${n}]`).toEqual(want);
      expectGuardsIntact(hout, `${op}[${n}] out`);
      expect(wasmUnaryF32(op, hx, hx)).toBe(true);
      expect(hx, `${op}[${n}] in place`).toEqual(want);
      expectGuardsIntact(hx, `${op}[${n}] in place`);
    }
  });

  run('binary ops over broadcast shapes match the copying path, with out in place of A', () => {
    const rng = new Rng(5);
    for (let trial = 0; trial < 30; trial++) {
      const rows = rng.int(1, 9);
      const cols = rng.int(16, 300);
      const aDims = [rows, cols];
      const bDims = [[rows, cols], [cols], [rows, 1], [1, cols]][trial % 4];
      const op = BINARY[trial % BINARY.length];
      const runs = broadcastRuns(aDims, bDims);
      const a = rng.floats(rows * cols, -3, 3);
      const b = rng.floats(bDims.reduce((s, d) => s * d, 1), 0.5, 3);
      const want = new Float32Array(runs.size);
      const ran = wasmBinaryF32(op, runs, a, b, want);
      if (!ran) continue;
      const what = `${op} [${aDims}] and [${bDims}]`;
      const [ha, hb, hout] = placeInHeap(heap!, [a, b, new Float32Array(runs.size)], () => rng.int(0, 3));
      const before = wasmElementwiseTraffic().copiedFloats;
      expect(wasmBinaryF32(op, runs, ha, hb, hout)).toBe(true);
      expect(copiedSince(before), `${what}: copied floats`).toBe(0);
      expect(hout, what).toEqual(want);
      expectGuardsIntact(hout, what);
      // Only A (never broadcast here) may share the output's storage.
      expect(wasmBinaryF32(op, runs, ha, b, ha)).toBe(true);
      expect(ha, `${what} in place`).toEqual(want);
      expectGuardsIntact(ha, `${what} in place`);
    }
  });

  run('softmax and log-softmax rows match the copying path', () => {
    const rng = new Rng(7);
    for (let trial = 0; trial < 12; trial++) {
      const rows = rng.int(1, 40);
      const length = rng.int(8, 200);
      const log = trial % 2 === 1;
      const x = rng.floats(rows * length, -8, 8);
      if (x.length < 64) continue;
      const want = new Float32Array(x.length);
      expect(wasmSoftmaxRowsF32(x, want, rows, length, log)).toBe(true);
      const [hx, hout] = placeInHeap(heap!, [x, new Float32Array(x.length)], () => rng.int(0, 3));
      const before = wasmElementwiseTraffic().copiedFloats;
      expect(wasmSoftmaxRowsF32(hx, hout, rows, length, log)).toBe(true);
      expect(copiedSince(before)).toBe(0);
      expect(hout, `softmax ${rows} x ${length} log ${log}`).toEqual(want);
      expectGuardsIntact(hout, 'softmax out');
    }
  });

  run('skip layer normalization leaves x alone, writes the sum output, and matches the copying path', () => {
    const rng = new Rng(11);
    for (let trial = 0; trial < 12; trial++) {
      const rows = rng.int(1, 20);
      const length = rng.int(8, 300);
      if (rows * length < 64) continue;
      const x = rng.floats(rows * length, -3, 3);
      const skip = rng.floats(trial % 2 ? length : rows * length, -3, 3);
      const norm = (o: Partial<RowNormalization>, out: Float32Array, sum?: Float32Array): RowNormalization => ({
        x, skip, bias: randomBias, scale, beta, out, sum, length, epsilon: 1e-5, centered: trial % 3 !== 0,
        mean: new Float64Array(rows), invStdDev: new Float64Array(rows), ...o,
      });
      const randomBias = rng.floats(length, -3, 3);
      const scale = rng.floats(length, -3, 3);
      const beta = rng.floats(length, -3, 3);
      const want = norm({}, new Float32Array(x.length), new Float32Array(x.length));
      expect(wasmNormalizeRowsF32(want)).toBe(true);
      const [hx, hskip, hout, hsum] = placeInHeap(heap!, [x, skip, new Float32Array(x.length), new Float32Array(x.length)], () => rng.int(0, 3));
      const got = norm({ x: hx, skip: hskip }, hout, hsum);
      const before = wasmElementwiseTraffic().copiedFloats;
      expect(wasmNormalizeRowsF32(got)).toBe(true);
      // Only the per-element parameters (bias, scale, beta) are copied.
      expect(copiedSince(before)).toBe(3 * length);
      const what = `skip layer norm ${rows} x ${length}`;
      expect(hx, `${what}: x untouched`).toEqual(x);
      expect(hout, what).toEqual(want.out);
      expect(hsum, `${what}: sum`).toEqual(want.sum);
      expect(got.mean).toEqual(want.mean);
      expect(got.invStdDev).toEqual(want.invStdDev);
      for (const [view, name] of [[hout, 'out'], [hsum, 'sum'], [hx, 'x']] as const) expectGuardsIntact(view, `${what} ${name}`);
      // x in the heap, the sum output outside: the sum goes to scratch, x stays as it was.
      const outside = norm({ x: hx, skip: hskip }, new Float32Array(x.length), new Float32Array(x.length));
      expect(wasmNormalizeRowsF32(outside)).toBe(true);
      expect(hx).toEqual(x);
      expect(outside.out).toEqual(want.out);
      expect(outside.sum).toEqual(want.sum);
    }
  });

  run('while a run holds the heap, calls whose scratch would grow it go to the copying instance', () => {
    const rng = new Rng(13);
    const n = (4 << 20) + 5;
    const x = rng.floats(n, -3, 3);
    const b = rng.floats(n, -3, 3);
    const want = new Float32Array(n);
    env.wasm.simd = false;
    const runs = broadcastRuns([n], [n]);
    expect(wasmBinaryF32('add', runs, x, b, want)).toBe(false);
    for (let i = 0; i < n; i++) want[i] = Math.fround(x[i] + b[i]);
    delete env.wasm.simd;
    heap!.begin();
    try {
      const got = new Float32Array(n);
      expect(wasmBinaryF32('add', runs, x, b, got)).toBe(true);
      let mismatches = 0;
      for (let i = 0; i < n; i++) if (got[i] !== want[i]) mismatches++;
      expect(mismatches, `add [${n}] while the heap is held`).toBe(0);
    } finally {
      heap!.end();
    }
  });

  run('keeps working after the heap grows between calls (the old views detach)', () => {
    const rng = new Rng(17);
    const x = rng.floats(1001, -3, 3);
    const want = new Float32Array(x.length);
    expect(wasmUnaryF32('sigmoid', x, want)).toBe(true);
    const before = heap!.buffer;
    const region = heap!.reserveRegion(before.byteLength + (1 << 20));
    expect(region, 'a region past the end grows the memory').toBeDefined();
    expect(heap!.buffer).not.toBe(before);
    try {
      const got = new Float32Array(x.length);
      expect(wasmUnaryF32('sigmoid', x, got)).toBe(true);
      expect(got).toEqual(want);
      const [hx, hout] = placeInHeap(heap!, [x, new Float32Array(x.length)], () => rng.int(0, 3));
      expect(wasmUnaryF32('sigmoid', hx, hout)).toBe(true);
      expect(hout).toEqual(want);
    } finally {
      heap!.releaseRegion(region!);
    }
  });

  it('stays in TypeScript with env.wasm.simd = false', () => {
    env.wasm.simd = false;
    const x = new Float32Array(256);
    expect(wasmUnaryF32('relu', x, new Float32Array(256))).toBe(false);
    expect(wasmSoftmaxRowsF32(x, new Float32Array(256), 16, 16, false)).toBe(false);
  });
});
