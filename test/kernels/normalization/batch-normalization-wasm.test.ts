/**
 * Float32 inference BatchNormalization on the elementwise WebAssembly module against the
 * TypeScript loop (env.wasm.simd = false), bit for bit: both compute
 * fround(fround(x * factor) + shift). Randomized shapes with odd inner sizes, batches, 1-D and
 * 2-D X, spatial=0, empty X; X as a feed (copied) and as a Relu's output (in the GEMM heap).
 * The host itself: operands in and out of the heap, in place, chunks that cut a channel cycle
 * and rows longer than a chunk, nothing written past an output's end.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { env } from '../../../src/api/env.js';
import { wasmChannelAffineF32 } from '../../../src/backends/wasm/channel-affine-host.js';
import { wasmElementwiseTraffic } from '../../../src/backends/wasm/elementwise-instances.js';
import { wasmGemmHeap } from '../../../src/backends/wasm/wasm-gemm.js';
import { Tensor } from '../../../src/index.js';
import { runOnnxts } from '../../support/differential.js';
import { attr, buildModel, type AttributeValue } from '../../support/model-builder.js';
import { expectGuardsIntact, placeInHeap } from '../../support/heap-guards.js';
import { Rng } from '../../support/random.js';

afterEach(() => {
  delete env.wasm.simd;
});

/** Fails at the first element whose bits differ, naming it. */
function expectSameBits(got: Float32Array, want: Float32Array, what: string): void {
  expect(got.length, `${what}: length`).toBe(want.length);
  const [a, b] = [new Uint32Array(got.buffer, got.byteOffset, got.length), new Uint32Array(want.buffer, want.byteOffset, want.length)];
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) expect.fail(`${what}[${i}] is ${got[i]}, expected ${want[i]}`);
  }
}

/** The TypeScript loop's arithmetic, written out: y = fround(fround(x * f[c]) + s[c]). */
function reference(x: Float32Array, factors: Float32Array, shifts: Float32Array, inner: number): Float32Array {
  return x.map((v, i) => {
    const c = Math.floor(i / inner) % factors.length;
    return Math.fround(v * factors[c]) + shifts[c];
  });
}

/** BatchNormalization of X, after a Relu where `afterRelu` (so X lies in the run's arena). */
function bnModel(dims: number[], channels: number, opset: number, afterRelu: boolean, attributes: Record<string, AttributeValue> = {}): Uint8Array {
  const paramNames = ['scale', 'bias', 'mean', 'var'];
  return buildModel({
    nodes: [
      ...(afterRelu ? [{ op: 'Relu', domain: '', inputs: ['x'], outputs: ['r'] }] : []),
      { op: 'BatchNormalization', domain: '', inputs: [afterRelu ? 'r' : 'x', ...paramNames], outputs: ['y'], attributes },
    ],
    inputs: [{ name: 'x', type: 'float32', shape: dims }, ...paramNames.map((name) => ({ name, type: 'float32' as const, shape: [channels] }))],
    outputs: [{ name: 'y', type: 'float32' }],
    opsets: { '': opset },
  });
}

function bnFeeds(dims: number[], channels: number, rng: Rng): Record<string, Tensor> {
  const size = dims.reduce((a, b) => a * b, 1);
  const param = (lo: number, hi: number) => new Tensor('float32', rng.floats(channels, lo, hi), [channels]);
  return {
    x: new Tensor('float32', rng.floats(size, -4, 4), dims),
    scale: param(-2, 2),
    bias: param(-2, 2),
    mean: param(-1, 1),
    var: param(0.1, 3),
  };
}

async function outputWith(simd: boolean, model: Uint8Array, feeds: Record<string, Tensor>): Promise<Float32Array> {
  if (!simd) env.wasm.simd = false;
  try {
    return (await runOnnxts(model, feeds)).y.data as Float32Array;
  } finally {
    delete env.wasm.simd;
  }
}

function randomShape(rng: Rng): number[] {
  const rank = rng.int(1, 5);
  const dims = [rng.int(1, 3), rng.int(1, 40)];
  for (let d = 2; d < rank; d++) dims.push(rng.int(1, 13));
  return dims.slice(0, rank);
}

describe('BatchNormalization float32 in WebAssembly', () => {
  const fixed = [[1, 128, 7, 7], [2, 5, 3, 7], [3, 9, 1], [700], [5, 33], [2, 3, 0, 4], [0, 3, 5], [1, 64, 9, 9]];
  const rng = new Rng(17);
  const shapes = [...fixed, ...Array.from({ length: 16 }, () => randomShape(rng))];

  const cases = shapes.flatMap((dims) => [false, true].map((afterRelu) => ({ dims, afterRelu })));
  it.each(cases)('X $dims (after Relu: $afterRelu) gives the TypeScript loop\'s bits', async ({ dims, afterRelu }) => {
    const channels = dims.length < 2 ? 1 : dims[1];
    const feeds = bnFeeds(dims, channels, new Rng(dims.reduce((a, b) => a * 7 + b, 1) + +afterRelu));
    const model = bnModel(dims, channels, 15, afterRelu, { epsilon: attr.float(1e-3) });
    const formatDims = (d: number[]) => `[${d.join(', ')}]`;
    const [wasm, ts] = [await outputWith(true, model, feeds), await outputWith(false, model, feeds)];
    expectSameBits(wasm, ts, `X ${formatDims(dims)}`);
  });

  it('spatial=0 (one statistic per channel and position) gives the TypeScript loop\'s bits', async () => {
    const dims = [3, 5, 7, 3];
    const feeds = bnFeeds(dims, 5 * 7 * 3, new Rng(5));
    const model = bnModel(dims, 5 * 7 * 3, 7, true, { spatial: attr.int(0) });
    expectSameBits(await outputWith(true, model, feeds), await outputWith(false, model, feeds), 'spatial=0');
  });
});

describe('channel affine host', () => {
  // [rows, channels, inner]: odd inners, a row longer than a copy chunk (65536 floats), many
  // short rows whose chunks start mid channel cycle.
  const cases = [[6, 3, 1001], [4, 2, 70001], [30011, 7, 5], [64, 64, 1], [10, 5, 8], [3, 3, 31]];

  it.each(cases)('%i rows of channel cycle %i, inner %i, outside the heap, match the reference', (rows, channels, inner) => {
    const rng = new Rng(rows + inner);
    const x = rng.floats(rows * inner, -4, 4);
    const factors = rng.floats(channels, -3, 3);
    const shifts = rng.floats(channels, -3, 3);
    const want = reference(x, factors, shifts, inner);
    const out = new Float32Array(x.length);
    expect(wasmChannelAffineF32({ x, out, factors, shifts, inner })).toBe(true);
    expectSameBits(out, want, 'out');
    expect(wasmChannelAffineF32({ x, out: x, factors, shifts, inner }), 'in place').toBe(true);
    expectSameBits(x, want, 'in place');
  });

  const heap = wasmGemmHeap();
  (heap ? it : it.skip).each(cases.filter(([rows, , inner]) => rows * inner < 1 << 20))(
    '%i rows of channel cycle %i, inner %i, in the heap: no copies of X, in place too',
    (rows, channels, inner) => {
      const rng = new Rng(rows * inner);
      const x = rng.floats(rows * inner, -4, 4);
      const factors = rng.floats(channels, -3, 3);
      const shifts = rng.floats(channels, -3, 3);
      const want = reference(x, factors, shifts, inner);
      const [hx, hout] = placeInHeap(heap!, [x, new Float32Array(x.length)], (i) => i % 2);
      const before = wasmElementwiseTraffic().copiedFloats;
      expect(wasmChannelAffineF32({ x: hx, out: hout, factors, shifts, inner })).toBe(true);
      expect(wasmElementwiseTraffic().copiedFloats - before, 'copied floats').toBe(0);
      expectSameBits(hout, want, 'hout');
      expectGuardsIntact(hout, 'out');
      const outside = new Float32Array(x.length);
      expect(wasmChannelAffineF32({ x: hx, out: outside, factors, shifts, inner }), 'out outside').toBe(true);
      expectSameBits(outside, want, 'out outside');
      expect(wasmChannelAffineF32({ x: hx, out: hx, factors, shifts, inner }), 'in place').toBe(true);
      expectSameBits(hx, want, 'in place');
      expectGuardsIntact(hx, 'in place');
    },
  );

  it('declines empty and tiny X and WebAssembly switched off', () => {
    const factors = new Float32Array([2]);
    const shifts = new Float32Array([1]);
    expect(wasmChannelAffineF32({ x: new Float32Array(0), out: new Float32Array(0), factors, shifts, inner: 0 })).toBe(false);
    expect(wasmChannelAffineF32({ x: new Float32Array(8), out: new Float32Array(8), factors, shifts, inner: 8 })).toBe(false);
    env.wasm.simd = false;
    expect(wasmChannelAffineF32({ x: new Float32Array(256), out: new Float32Array(256), factors, shifts, inner: 256 })).toBe(false);
  });
});
