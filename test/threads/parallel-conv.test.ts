/**
 * The parallel convolution against the one-thread WebAssembly Conv: bit-identical Y for every
 * kernel (implicit GEMM cut by rows and by positions, Winograd F(2x2), F(4x4) and stride 2 cut by
 * tiles and by output channels, depthwise cut by channels) on odd sizes, groups, strides, pads,
 * residuals and activations; and a helper that dies holding its range costing time, never a
 * hang or a wrong result.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { GemmPool } from '../../src/backends/threads/gemm-pool.js';
import { closeIntraOpThreads, provideIntraOpThreads, withIntraOpThreads } from '../../src/backends/threads/intra-op.js';
import type { ConvActivation } from '../../src/backends/wasm/conv-activation.js';
import { RangeKernel } from '../../src/backends/wasm/conv-ranges.js';
import { instantiateConv } from '../../src/backends/wasm/conv-module.js';
import { WasmConv, wasmConv2dF32, wasmConvVariant, type ConvWeightCache, type WasmConvOperands } from '../../src/backends/wasm/wasm-conv.js';
import { convTraffic } from '../../src/backends/wasm/conv-operands.js';
import { wasmGemmHeap, wasmGemmVariant } from '../../src/backends/wasm/wasm-gemm.js';
import { isSharedMemory } from '../../src/backends/wasm/wasm-instance.js';
import { slideWindow, type SlidingWindow } from '../../src/kernels/conv/sliding-window.js';
import { createNodeWorkerStarter } from '../../src/platform/node-worker-host.js';
import { Rng } from '../support/random.js';
import { watchedStallingStarter } from './support/stalling-starter.js';
import { workerScripts } from './support/worker-scripts.js';

const gemmVariant = wasmGemmVariant();
const convVariant = wasmConvVariant();
let scripts: URL;
let pool: GemmPool;
let single: WasmConv;

beforeAll(async () => {
  scripts = await workerScripts();
  pool = await GemmPool.start(2, createNodeWorkerStarter(scripts), gemmVariant!);
  single = new WasmConv(instantiateConv(convVariant!)!);
});

afterAll(async () => {
  await pool?.close();
  await closeIntraOpThreads();
});

interface Case {
  readonly name: string;
  readonly batch: number;
  readonly group: number;
  readonly inPerGroup: number;
  readonly outPerGroup: number;
  readonly spatial: readonly number[];
  readonly kernel: readonly number[];
  readonly strides?: readonly number[];
  readonly dilations?: readonly number[];
  readonly pads?: readonly number[];
  readonly residual?: boolean;
  readonly activation?: ConvActivation;
  /** The kernels cut calls must run, where the case is there to test them. */
  readonly cut?: readonly RangeKernel[];
}

function windowOf(c: Case): SlidingWindow {
  const rank = c.spatial.length;
  const ones = new Array<number>(rank).fill(1);
  return slideWindow(
    { autoPad: 'NOTSET', kernelShape: c.kernel, strides: c.strides ?? ones, dilations: c.dilations ?? ones, pads: c.pads ?? new Array<number>(2 * rank).fill(0) },
    c.spatial, c.kernel,
  );
}

function randomFloats(rng: Rng, length: number): Float32Array {
  return Float32Array.from({ length }, () => rng.uniform(-1, 1));
}

function operands(c: Case, win: SlidingWindow, rng: Rng): WasmConvOperands {
  const size = (dims: readonly number[]): number => dims.reduce((a, b) => a * b, 1);
  const outputs = c.group * c.outPerGroup;
  const ySize = c.batch * outputs * size(win.grid);
  return {
    x: randomFloats(rng, c.batch * c.group * c.inPerGroup * size(c.spatial)),
    w: randomFloats(rng, outputs * c.inPerGroup * size(c.kernel)),
    bias: randomFloats(rng, outputs),
    residual: c.residual ? randomFloats(rng, ySize) : undefined,
    y: new Float32Array(ySize).fill(NaN),
    batch: c.batch, group: c.group, inPerGroup: c.inPerGroup, outPerGroup: c.outPerGroup, activation: c.activation,
  };
}

function withFreshY(op: WasmConvOperands): WasmConvOperands {
  return { ...op, y: new Float32Array(op.y.length).fill(NaN) };
}

function expectBitIdentical(actual: Float32Array, expected: Float32Array, what: string): void {
  const a = new Uint32Array(actual.buffer, actual.byteOffset, actual.length);
  const e = new Uint32Array(expected.buffer, expected.byteOffset, expected.length);
  for (let i = 0; i < e.length; i++) {
    if (a[i] !== e[i]) expect.fail(`${what}: y[${i}] is ${actual[i]}, one thread gives ${expected[i]}`);
  }
}

const relu: ConvActivation = { kind: 'Relu' };
/** Winograd cut by output channels: the input transform cut by input channels first, then the products. */
const TWO_PHASES = [RangeKernel.winogradInput, RangeKernel.winogradProducts];
const CASES: readonly Case[] = [
  { name: '1x1 cut by rows (more channels than positions)', batch: 1, group: 1, inPerGroup: 301, outPerGroup: 333, spatial: [9, 7], kernel: [1, 1], activation: relu },
  { name: '1x1 cut by positions', batch: 2, group: 1, inPerGroup: 67, outPerGroup: 45, spatial: [61, 59], kernel: [1, 1], residual: true },
  { name: '3x3 stride 2, padded, 2 groups', batch: 1, group: 2, inPerGroup: 24, outPerGroup: 37, spatial: [41, 37], kernel: [3, 3], strides: [2, 2], pads: [1, 1, 0, 1], residual: true, activation: relu },
  { name: '1-D, dilated', batch: 1, group: 1, inPerGroup: 53, outPerGroup: 61, spatial: [701], kernel: [5], dilations: [2], pads: [3, 1] },
  { name: 'Winograd F(2x2) cut by tiles', batch: 1, group: 1, inPerGroup: 15, outPerGroup: 14, spatial: [80, 79], kernel: [3, 3], pads: [1, 1, 1, 1], residual: true, activation: relu, cut: [RangeKernel.winograd] },
  { name: 'Winograd F(2x2) cut by channels (few tiles)', batch: 1, group: 1, inPerGroup: 256, outPerGroup: 251, spatial: [11, 9], kernel: [3, 3], pads: [1, 1, 1, 1], cut: TWO_PHASES },
  { name: 'Winograd F(4x4) cut by tiles', batch: 2, group: 1, inPerGroup: 36, outPerGroup: 33, spatial: [41, 39], kernel: [3, 3], pads: [1, 0, 1, 2], activation: { kind: 'LeakyRelu', alpha: 0.1 }, cut: [RangeKernel.winograd] },
  { name: 'Winograd F(4x4) cut by channels', batch: 2, group: 1, inPerGroup: 128, outPerGroup: 67, spatial: [14, 13], kernel: [3, 3], pads: [1, 1, 1, 1], residual: true, activation: relu, cut: TWO_PHASES },
  { name: 'Winograd stride 2 cut by tiles', batch: 1, group: 1, inPerGroup: 48, outPerGroup: 45, spatial: [45, 43], kernel: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], residual: true, activation: relu, cut: [RangeKernel.winograd] },
  { name: 'Winograd stride 2 cut by channels', batch: 2, group: 1, inPerGroup: 256, outPerGroup: 131, spatial: [14, 13], kernel: [3, 3], strides: [2, 2], pads: [1, 1, 1, 2], cut: TWO_PHASES },
  { name: 'depthwise 5x5 dilated, with Z', batch: 1, group: 97, inPerGroup: 1, outPerGroup: 2, spatial: [57, 45], kernel: [5, 5], dilations: [2, 2], pads: [4, 4, 4, 4], residual: true, activation: relu },
  { name: 'depthwise 3x3 stride 2', batch: 2, group: 193, inPerGroup: 1, outPerGroup: 1, spatial: [113, 111], kernel: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] },
  { name: 'Winograd F(4x4) cut by channels, odd counts', batch: 1, group: 1, inPerGroup: 93, outPerGroup: 133, spatial: [15, 13], kernel: [3, 3], pads: [1, 1, 1, 1], residual: true, activation: relu, cut: TWO_PHASES },
  { name: 'Winograd F(4x4) with tiles as rows, cut by channels', batch: 2, group: 1, inPerGroup: 301, outPerGroup: 141, spatial: [7, 7], kernel: [3, 3], pads: [1, 1, 1, 1], residual: true, activation: relu, cut: [RangeKernel.winogradRows] },
  { name: '1x1 short k over many positions (row panels sweep the patches), cut by positions', batch: 1, group: 1, inPerGroup: 70, outPerGroup: 127, spatial: [45, 47], kernel: [1, 1], residual: true, activation: relu },
];

describe('parallel f32 Conv', () => {
  it('loads the conv module on shared memory in the caller and every helper', () => {
    expect(pool.convOn(3)).toBeDefined();
  });

  for (const c of CASES) {
    it(`matches one thread bit for bit: ${c.name}`, () => {
      const rng = new Rng(c.name.length);
      const win = windowOf(c);
      const op = operands(c, win, rng);
      const expected = withFreshY(op);
      expect(single.conv2dF32(expected, win)).toBe(true);
      for (const threads of [2, 3]) {
        const conv = pool.convOn(threads)!;
        const run = vi.spyOn(pool, 'run');
        const actual = withFreshY(op);
        // Twice: the second call takes W from the cache the first filled.
        const cache: ConvWeightCache = {};
        expect(conv.conv2dF32(actual, win, cache)).toBe(true);
        expectBitIdentical(actual.y as Float32Array, expected.y as Float32Array, `${c.name}, ${threads} threads`);
        expect(run.mock.calls.length, 'calls cut into ranges').toBeGreaterThan(0);
        expect(run.mock.calls.every(([, ranges]) => ranges.length <= threads)).toBe(true);
        if (c.cut) expect(run.mock.calls.map(([call]) => call.kernel), 'the kernels cut').toEqual(Array.from({ length: c.batch }, () => c.cut).flat());
        const again = withFreshY(op);
        expect(conv.conv2dF32(again, win, cache)).toBe(true);
        expectBitIdentical(again.y as Float32Array, expected.y as Float32Array, `${c.name}, ${threads} threads, cached W`);
        run.mockRestore();
      }
    });
  }

  it('reads X and Z and writes Y where they lie in the GEMM heap, when that memory is shared, bit for bit', () => {
    const heap = wasmGemmHeap()!;
    expect(isSharedMemory(heap.memory), 'Node has shared memory').toBe(true);
    for (const c of [CASES[1], CASES[2], CASES[6], CASES[9], CASES[10]]) {
      const rng = new Rng(c.name.length + 1);
      const win = windowOf(c);
      const op = operands(c, win, rng);
      const expected = withFreshY(op);
      expect(single.conv2dF32(expected, win)).toBe(true);
      const arrays = [op.x, op.y, op.residual ?? new Float32Array(0)] as Float32Array[];
      const sizes = arrays.map((a) => Math.ceil((a.length * 4) / 64) * 64 + 64);
      for (const threads of [2, 3]) {
        const region = heap.reserveRegion(sizes.reduce((a, b) => a + b, 0))!;
        let at = region.byteOffset;
        const [x, y, residual] = arrays.map((a, i) => {
          const view = new Float32Array(heap.buffer, at, a.length);
          view.set(a);
          at += sizes[i];
          return view;
        });
        heap.begin();
        try {
          const before = { ...convTraffic };
          const conv = pool.convOn(threads)!;
          const run = vi.spyOn(pool, 'run');
          expect(conv.conv2dF32({ ...op, x, y, residual: op.residual && residual }, win)).toBe(true);
          expect(run.mock.calls.length, 'calls cut into ranges').toBeGreaterThan(0);
          run.mockRestore();
          expectBitIdentical(y, expected.y as Float32Array, `${c.name}, ${threads} threads, in the GEMM heap`);
          expect(convTraffic.operandsInPlace - before.operandsInPlace, c.name).toBeGreaterThanOrEqual(2 * c.batch);
          expect(convTraffic.copiedFloats - before.copiedFloats, c.name).toBe(0);
        } finally {
          heap.end();
          heap.releaseRegion(region);
        }
      }
    }
  });

  it('runs on one thread, in the instance of its own memory, when the kernel has one', async () => {
    expect(await provideIntraOpThreads(2, createNodeWorkerStarter(scripts))).toBe(2);
    const c = CASES[0];
    const win = windowOf(c);
    const op = operands(c, win, new Rng(9));
    const expected = withFreshY(op);
    expect(single.conv2dF32(expected, win)).toBe(true);
    for (const threads of [1, 2]) {
      const actual = withFreshY(op);
      expect(withIntraOpThreads(threads, () => wasmConv2dF32(actual, win))).toBe(true);
      expectBitIdentical(actual.y as Float32Array, expected.y as Float32Array, `wasmConv2dF32 on ${threads} threads`);
    }
  });

  it('survives a helper that dies in the middle of its range', async () => {
    const { starter: watching, exits } = watchedStallingStarter(scripts);
    const stalling = await GemmPool.start(1, watching, gemmVariant!);
    const c = CASES[4];
    const win = windowOf(c);
    const op = operands(c, win, new Rng(3));
    const expected = withFreshY(op);
    expect(single.conv2dF32(expected, win)).toBe(true);
    const actual = withFreshY(op);
    const conv = stalling.convOn(2);
    expect(conv).toBeDefined();
    expect(conv!.conv2dF32(actual, win)).toBe(true);
    expectBitIdentical(actual.y as Float32Array, expected.y as Float32Array, 'range of a dead helper');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(exits).toHaveLength(1);
    expect(stalling.convOn(2)).toBeUndefined();
    await stalling.close();
  });
});
