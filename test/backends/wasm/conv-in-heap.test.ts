/**
 * Conv and pooling on operands that lie in the conv module's memory (a run's activation arena
 * in the GEMM heap): X, Y and the residual are read and written where they are, and every
 * result is bit-identical to the same instance's on ordinary arrays (which it copies in and
 * out), for the implicit GEMM, grouped, depthwise and every Winograd kernel, padded and not,
 * batch > 1, odd sizes, a residual that shares Y's storage, and an X so near the memory's end
 * that the slack its loads read past it is not there (copied instead).
 */
import { describe, expect, it } from 'vitest';
import type { ConvActivation } from '../../../src/backends/wasm/conv-activation.js';
import { convHeap } from '../../../src/backends/wasm/conv-heap.js';
import { instantiateConv } from '../../../src/backends/wasm/conv-module.js';
import { convTraffic } from '../../../src/backends/wasm/conv-operands.js';
import { planeWindow } from '../../../src/backends/wasm/plane-window.js';
import { WasmConv, type WasmConvOperands } from '../../../src/backends/wasm/wasm-conv.js';
import { winogradApplies, winogradTile, WINOGRAD_STRIDE_2 } from '../../../src/backends/wasm/winograd-choice.js';
import type { HeapRegion, WasmHeap } from '../../../src/backends/wasm/wasm-heap.js';
import type { SimdVariant } from '../../../src/backends/wasm/wasm-instance.js';
import { WasmPool } from '../../../src/backends/wasm/wasm-pool.js';
import { slideWindow, type SlidingWindow } from '../../../src/kernels/conv/sliding-window.js';
import { describeWindow, randomWindow, type WindowCase } from '../../kernels/conv/window-cases.js';
import { Rng } from '../../support/random.js';

interface ConvCase extends WindowCase {
  readonly batch: number;
  readonly group: number;
  readonly inPerGroup: number;
  readonly outPerGroup: number;
  readonly residual?: boolean;
  readonly activation?: ConvActivation;
  /** An implicit GEMM case: its ranges copy a residual in the heap into Y themselves, and nothing is copied at all. */
  readonly copiesNothing?: boolean;
}

interface Operands extends WasmConvOperands {
  readonly x: Float32Array;
  readonly y: Float32Array;
  readonly residual?: Float32Array;
}

/** Where each image operand lies for one check: in the heap or in an ordinary array; `alias`: Z is Y's own storage. */
interface Placement {
  readonly x: boolean;
  readonly y: boolean;
  readonly z: boolean;
  readonly alias?: boolean;
}

const PLACEMENTS: Placement[] = [
  { x: true, y: true, z: true },
  { x: true, y: false, z: false },
  { x: false, y: true, z: true },
  { x: true, y: true, z: false },
  { x: true, y: true, z: true, alias: true },
];

const size = (dims: readonly number[]): number => dims.reduce((a, b) => a * b, 1);

function windowOf(c: WindowCase): SlidingWindow {
  return slideWindow({ autoPad: c.autoPad ?? 'NOTSET', kernelShape: c.kernel, strides: c.strides, dilations: c.dilations, pads: c.pads }, c.spatial, c.kernel);
}

function describeCase(c: ConvCase): string {
  return `${describeWindow(c)} n${c.batch} g${c.group} ${c.inPerGroup}->${c.outPerGroup}${c.residual ? ' Z' : ''}${c.activation ? ` ${c.activation.kind}` : ''}`;
}

function operands(c: ConvCase, win: SlidingWindow, rng: Rng): Operands {
  const outputs = c.batch * c.group * c.outPerGroup * size(win.grid);
  return {
    x: rng.floats(c.batch * c.group * c.inPerGroup * size(c.spatial), -1, 1),
    w: rng.floats(c.group * c.outPerGroup * c.inPerGroup * size(c.kernel), -1, 1),
    bias: rng.floats(c.group * c.outPerGroup, -1, 1),
    residual: c.residual ? rng.floats(outputs, -1, 1) : undefined,
    y: new Float32Array(outputs).fill(NaN),
    batch: c.batch, group: c.group, inPerGroup: c.inPerGroup, outPerGroup: c.outPerGroup, activation: c.activation,
  };
}

/** Copies of `arrays` in one fresh region of the heap, as views over its memory, each on a cache line of its own. */
function intoHeap(heap: WasmHeap, arrays: readonly Float32Array[]): { views: Float32Array[]; region: HeapRegion } {
  const sizes = arrays.map((a) => Math.ceil((a.length * 4) / 64) * 64 + 64);
  const region = heap.reserveRegion(sizes.reduce((s, b) => s + b, 0));
  if (!region) throw new Error('no heap region');
  let at = region.byteOffset;
  const views = arrays.map((a, i) => {
    const view = new Float32Array(heap.buffer, at, a.length);
    view.set(a);
    at += sizes[i];
    return view;
  });
  return { views, region };
}

/** Runs `call` with the operands placed as `where` says (heap held as during a run) and returns Y as an ordinary array. */
function runPlaced(heap: WasmHeap, op: Operands, where: Placement, call: (op: Operands) => boolean): { y: Float32Array; ran: boolean } {
  const z = op.residual;
  const { views, region } = intoHeap(heap, [op.x, where.alias && z ? z : op.y, z ?? new Float32Array(0)]);
  const [x, y, residual] = views;
  const placed: Operands = {
    ...op,
    x: where.x ? x : op.x,
    y: where.y ? y : op.y.slice(),
    residual: z && (where.alias && where.y ? y : where.z ? residual : z),
  };
  heap.begin();
  try {
    const ran = call(placed);
    return { y: placed.y.slice(), ran };
  } finally {
    heap.end();
    heap.releaseRegion(region);
  }
}

const CASES: ConvCase[] = [
  { spatial: [13, 11], kernel: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], batch: 2, group: 1, inPerGroup: 5, outPerGroup: 7, residual: true, activation: { kind: 'Relu' } },
  { spatial: [17, 15], kernel: [1, 1], strides: [1, 1], batch: 1, group: 1, inPerGroup: 9, outPerGroup: 10, residual: true },
  { spatial: [9, 10], kernel: [3, 2], strides: [1, 2], dilations: [2, 1], pads: [2, 0, 1, 1], batch: 2, group: 3, inPerGroup: 2, outPerGroup: 3, residual: true },
  { spatial: [11, 9], kernel: [3, 3], strides: [1, 1], pads: [1, 1, 1, 1], batch: 2, group: 6, inPerGroup: 1, outPerGroup: 1, residual: true, activation: { kind: 'HardSwish' } },
  { spatial: [12, 13], kernel: [3, 3], strides: [2, 2], batch: 1, group: 5, inPerGroup: 1, outPerGroup: 2, residual: true },
  { spatial: [10, 9], kernel: [3, 3], strides: [1, 1], pads: [1, 1, 1, 1], batch: 2, group: 1, inPerGroup: 16, outPerGroup: 17, residual: true, activation: { kind: 'Clip', min: -0.5, max: 0.5 } },
  { spatial: [17, 19], kernel: [3, 3], strides: [1, 1], pads: [1, 1, 1, 1], batch: 1, group: 1, inPerGroup: 40, outPerGroup: 36, residual: true },
  { spatial: [21, 20], kernel: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], batch: 2, group: 1, inPerGroup: 64, outPerGroup: 33, residual: true },
  { spatial: [29], kernel: [5], strides: [1], batch: 3, group: 1, inPerGroup: 3, outPerGroup: 5, residual: true },
  { spatial: [15, 13], kernel: [1, 1], strides: [1, 1], batch: 2, group: 1, inPerGroup: 40, outPerGroup: 36, residual: true, copiesNothing: true },
  { spatial: [17, 14], kernel: [3, 3], strides: [2, 2], pads: [1, 0, 1, 1], batch: 1, group: 1, inPerGroup: 24, outPerGroup: 41, residual: true, activation: { kind: 'Relu' }, copiesNothing: true },
  // Z apart from Y is read by the first of several k blocks (k over 256), across position blocks (over 1024) and row blocks (over 120), edge tiles included.
  { spatial: [37, 31], kernel: [1, 1], strides: [1, 1], batch: 1, group: 1, inPerGroup: 270, outPerGroup: 123, residual: true, activation: { kind: 'Relu' }, copiesNothing: true },
  { spatial: [23, 21], kernel: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], batch: 2, group: 1, inPerGroup: 33, outPerGroup: 11, residual: true, activation: { kind: 'Sigmoid' }, copiesNothing: true },
  // Short k over many positions: row panels sweep the block of patches, reading Z where it lies.
  { spatial: [29, 23], kernel: [1, 1], strides: [1, 1], batch: 1, group: 1, inPerGroup: 70, outPerGroup: 127, residual: true, activation: { kind: 'Relu' }, copiesNothing: true },
];

function randomCase(rng: Rng): ConvCase {
  const depthwise = rng.next() < 0.3;
  const group = depthwise ? rng.int(1, 6) : rng.int(1, 2);
  return {
    ...randomWindow(rng, { ranks: [1, 2], maxSpatial: 13 }),
    batch: rng.int(1, 2), group, inPerGroup: depthwise ? 1 : rng.int(1, 7), outPerGroup: rng.int(1, depthwise ? 3 : 9),
    residual: rng.next() < 0.5,
  };
}

const variants: SimdVariant[] = ['simd', 'relaxed-simd'];
for (const variant of variants) {
  const module = instantiateConv(variant);
  const run = module ? it : it.skip;

  describe(`wasm Conv on operands in its memory, ${variant} build`, () => {
    run('picks every kernel the cases are there for', () => {
      const picked = CASES.map((c) => {
        const plane = planeWindow(windowOf(c))!;
        if (c.inPerGroup === 1) return 'depthwise';
        return winogradApplies(plane, c) ? `winograd ${winogradTile(plane, c)}` : 'gemm';
      });
      expect(picked).toEqual(['gemm', 'gemm', 'gemm', 'depthwise', 'depthwise', 'winograd 2', 'winograd 4', `winograd ${WINOGRAD_STRIDE_2}`, 'gemm', 'gemm', 'gemm', 'gemm', 'gemm', 'gemm']);
    });

    run('gives the copying path\'s results bit for bit, with X, Y and Z where they lie', () => {
      const conv = new WasmConv(module!);
      const heap = convHeap(module!);
      const rng = new Rng(23);
      const cases = [...CASES, ...Array.from({ length: 30 }, () => randomCase(rng))];
      for (const c of cases) {
        const win = windowOf(c);
        const op = operands(c, win, rng);
        const expected = op.y.slice();
        expect(conv.conv2dF32({ ...op, y: expected }, win), describeCase(c)).toBe(true);
        for (const where of PLACEMENTS) {
          const label = `${describeCase(c)} placed ${JSON.stringify(where)}`;
          const before = { ...convTraffic };
          const { y, ran } = runPlaced(heap, op, where, (placed) => conv.conv2dF32(placed, win));
          expect(ran, label).toBe(true);
          expect(y, label).toEqual(expected);
          const inPlace = c.batch * (Number(where.x) + Number(where.y));
          expect(convTraffic.operandsInPlace - before.operandsInPlace, label).toBeGreaterThanOrEqual(inPlace);
          // Images and outputs in the heap are never copied; a residual is, by the kernels that add it onto Y (Winograd).
          const copied = convTraffic.copiedFloats - before.copiedFloats;
          if (where.x && where.y) expect(copied, label).toBeLessThanOrEqual(op.residual?.length ?? 0);
          if (c.copiesNothing && where.x && where.y && where.z) expect(copied, label).toBe(0);
        }
      }
    });

    run('copies an X whose slack past it lies beyond the memory, with the same results', () => {
      const conv = new WasmConv(module!);
      const heap = convHeap(module!);
      const rng = new Rng(31);
      for (const c of [CASES[1], CASES[4], CASES[8]]) {
        const win = windowOf(c);
        const op = operands(c, win, rng);
        const expected = op.y.slice();
        // Sizes the scratch, so that the call below takes none past what it has.
        expect(conv.conv2dF32({ ...op, y: expected }, win), describeCase(c)).toBe(true);
        heap.begin();
        try {
          const buffer = heap.buffer;
          const x = new Float32Array(buffer, buffer.byteLength - op.x.length * 4, op.x.length);
          x.set(op.x);
          const y = op.y.slice();
          const before = convTraffic.copiedFloats;
          expect(conv.conv2dF32({ ...op, x, y }, win), describeCase(c)).toBe(true);
          expect(convTraffic.copiedFloats - before, describeCase(c)).toBeGreaterThanOrEqual(op.x.length);
          expect(y, describeCase(c)).toEqual(expected);
        } finally {
          heap.end();
        }
      }
    });
  });

  describe(`wasm pooling on planes in its memory, ${variant} build`, () => {
    run('gives the copying path\'s results bit for bit, X and Y where they lie', () => {
      const pool = new WasmPool(module!);
      const heap = convHeap(module!);
      const rng = new Rng(37);
      const cases = [
        { spatial: [13, 12], kernel: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] },
        { spatial: [14, 15], kernel: [2, 2], strides: [2, 2] },
        ...Array.from({ length: 20 }, () => randomWindow(rng, { ranks: [1, 2], maxSpatial: 14, maxKernel: 4, padBelowKernel: true })),
      ];
      for (const c of cases) {
        const win = windowOf(c);
        const planes = rng.int(1, 7);
        const x = rng.floats(planes * size(c.spatial), -1, 1);
        const y = new Float32Array(planes * size(win.grid)).fill(NaN);
        for (const kind of ['max', 'average'] as const) {
          const call = (op: { x: Float32Array; y: Float32Array }): boolean => (kind === 'max'
            ? pool.maxPool2dF32({ ...op, planes }, win)
            : pool.averagePool2dF32({ ...op, planes }, win, true));
          const expected = y.slice();
          expect(call({ x, y: expected }), describeWindow(c)).toBe(true);
          for (const where of PLACEMENTS.slice(0, 3)) {
            const label = `${kind} ${describeWindow(c)} planes ${planes} placed ${JSON.stringify(where)}`;
            const { y: got, ran } = runPlaced(heap, { x, y, w: x, batch: 1, group: 1, inPerGroup: 1, outPerGroup: 1 }, where, call);
            expect(ran, label).toBe(true);
            expect(got, label).toEqual(expected);
          }
        }
      }
    });
  });
}
