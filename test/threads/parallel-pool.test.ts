/**
 * MaxPool and AveragePool cut into ranges of planes across the pool's threads, against the
 * one-thread WebAssembly kernel on a memory of its own: bit-identical Y (each plane is pooled by
 * the same code either way) on odd sizes, padded and unpadded windows, strides and dilations,
 * at 2 and 3 threads; and through the intra-op thread count, as a session's kernels run it.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { GemmPool } from '../../src/backends/threads/gemm-pool.js';
import { closeIntraOpThreads, provideIntraOpThreads, withIntraOpThreads } from '../../src/backends/threads/intra-op.js';
import { RangeKernel } from '../../src/backends/wasm/conv-ranges.js';
import { instantiateConv, parallelConvModule } from '../../src/backends/wasm/conv-module.js';
import { wasmConvVariant } from '../../src/backends/wasm/wasm-conv.js';
import { wasmGemmVariant } from '../../src/backends/wasm/wasm-gemm.js';
import { WasmPool, wasmAveragePool2dF32, wasmMaxPool2dF32 } from '../../src/backends/wasm/wasm-pool.js';
import { slideWindow, type SlidingWindow } from '../../src/kernels/conv/sliding-window.js';
import { createNodeWorkerStarter } from '../../src/platform/node-worker-host.js';
import { Rng } from '../support/random.js';
import { workerScripts } from './support/worker-scripts.js';

let scripts: URL;
let pool: GemmPool;
let single: WasmPool;
let onShared: WasmPool;

beforeAll(async () => {
  scripts = await workerScripts();
  pool = await GemmPool.start(2, createNodeWorkerStarter(scripts), wasmGemmVariant()!);
  single = new WasmPool(instantiateConv(wasmConvVariant()!)!);
  onShared = new WasmPool(parallelConvModule()!);
});

afterAll(async () => {
  await pool?.close();
  await closeIntraOpThreads();
});

interface Case {
  readonly name: string;
  readonly max: boolean;
  readonly planes: number;
  readonly spatial: readonly number[];
  readonly kernel: readonly number[];
  readonly strides: readonly number[];
  readonly pads: readonly number[];
  readonly dilations?: readonly number[];
  readonly countIncludePad?: boolean;
}

// Each big enough (padded elements x planes) for three ranges.
const CASES: readonly Case[] = [
  { name: 'MaxPool 3x3 stride 2, padded (a ResNet stem)', max: true, planes: 97, spatial: [75, 71], kernel: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] },
  { name: 'MaxPool 2x2 stride 2, unpadded, odd sizes', max: true, planes: 281, spatial: [57, 43], kernel: [2, 2], strides: [2, 2], pads: [0, 0, 0, 0] },
  { name: 'MaxPool 5x5 stride 1 dilated, uneven pads', max: true, planes: 45, spatial: [83, 77], kernel: [5, 5], strides: [1, 1], pads: [4, 3, 2, 5], dilations: [2, 2] },
  { name: 'MaxPool 1-D', max: true, planes: 461, spatial: [1031], kernel: [3], strides: [2], pads: [1, 1] },
  { name: 'AveragePool 3x3 stride 1, padded, pads counted', max: false, planes: 53, spatial: [79, 73], kernel: [3, 3], strides: [1, 1], pads: [1, 1, 1, 1], countIncludePad: true },
  { name: 'AveragePool 3x3 stride 2, padded, pads not counted', max: false, planes: 101, spatial: [65, 67], kernel: [3, 3], strides: [2, 2], pads: [0, 1, 1, 0] },
];

function windowOf(c: Case): SlidingWindow {
  return slideWindow(
    { autoPad: 'NOTSET', kernelShape: c.kernel, strides: c.strides, dilations: c.dilations ?? c.kernel.map(() => 1), pads: c.pads },
    c.spatial, c.kernel,
  );
}

function pooled(kernel: WasmPool, c: Case, x: Float32Array, win: SlidingWindow, threads: number): Float32Array {
  const y = new Float32Array(c.planes * win.grid.reduce((a, b) => a * b, 1)).fill(NaN);
  const splitter = threads > 1 ? pool.splitterOn(kernel.memory, threads) : undefined;
  if (threads > 1) expect(splitter, 'the pool works in the GEMM heap').toBeDefined();
  const op = { x, y, planes: c.planes };
  const ran = c.max ? kernel.maxPool2dF32(op, win, splitter) : kernel.averagePool2dF32(op, win, c.countIncludePad ?? false, splitter);
  expect(ran, c.name).toBe(true);
  return y;
}

function expectBitIdentical(actual: Float32Array, expected: Float32Array, what: string): void {
  const a = new Uint32Array(actual.buffer, actual.byteOffset, actual.length);
  const e = new Uint32Array(expected.buffer, expected.byteOffset, expected.length);
  for (let i = 0; i < e.length; i++) {
    if (a[i] !== e[i]) expect.fail(`${what}: y[${i}] is ${actual[i]}, one thread gives ${expected[i]}`);
  }
}

describe('parallel f32 pooling', () => {
  for (const c of CASES) {
    it(`matches one thread bit for bit: ${c.name}`, () => {
      const rng = new Rng(c.name.length);
      const win = windowOf(c);
      const x = Float32Array.from({ length: c.planes * c.spatial.reduce((a, b) => a * b, 1) }, () => rng.uniform(-1, 1));
      const expected = pooled(single, c, x, win, 1);
      for (const threads of [2, 3]) {
        const run = vi.spyOn(pool, 'run');
        try {
          const actual = pooled(onShared, c, x, win, threads);
          expectBitIdentical(actual, expected, `${c.name}, ${threads} threads`);
          expect(run.mock.calls.length, 'calls cut into ranges').toBeGreaterThan(0);
          expect(run.mock.calls.every(([call, ranges]) => call.kernel === RangeKernel.pool && ranges.length <= threads)).toBe(true);
          expect(run.mock.calls.some(([, ranges]) => ranges.length === threads), `cut into ${threads}`).toBe(true);
        } finally {
          run.mockRestore();
        }
      }
    });
  }

  it('stays on one thread for a call too small to pay for a helper', () => {
    const c: Case = { name: 'MaxPool 3x3 on 5 planes of 9x7', max: true, planes: 5, spatial: [9, 7], kernel: [3, 3], strides: [1, 1], pads: [1, 1, 1, 1] };
    const win = windowOf(c);
    const x = Float32Array.from({ length: 5 * 63 }, (_, i) => Math.sin(i));
    const run = vi.spyOn(pool, 'run');
    try {
      expectBitIdentical(pooled(onShared, c, x, win, 2), pooled(single, c, x, win, 1), c.name);
      expect(run).not.toHaveBeenCalled();
    } finally {
      run.mockRestore();
    }
  });

  it('runs on the threads the running kernel has (wasmMaxPool2dF32, wasmAveragePool2dF32)', async () => {
    expect(await provideIntraOpThreads(2, createNodeWorkerStarter(scripts))).toBe(2);
    for (const c of [CASES[0], CASES[5]]) {
      const win = windowOf(c);
      const rng = new Rng(7);
      const x = Float32Array.from({ length: c.planes * c.spatial.reduce((a, b) => a * b, 1) }, () => rng.uniform(-1, 1));
      const expected = pooled(single, c, x, win, 1);
      for (const threads of [1, 2]) {
        const y = new Float32Array(expected.length);
        const op = { x, y, planes: c.planes };
        const run = vi.spyOn(GemmPool.prototype, 'run');
        try {
          const ran = withIntraOpThreads(threads, () => (c.max ? wasmMaxPool2dF32(op, win) : wasmAveragePool2dF32(op, win, c.countIncludePad ?? false)));
          expect(ran).toBe(true);
          expect(run.mock.calls.length, `calls cut at ${threads} threads`).toBe(threads - 1);
        } finally {
          run.mockRestore();
        }
        expectBitIdentical(y, expected, `${c.name} through the intra-op threads (${threads})`);
      }
    }
  });
});
