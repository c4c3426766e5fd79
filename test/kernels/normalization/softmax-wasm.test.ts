/**
 * Softmax and LogSoftmax rows (last axis) and lanes (any other axis) in the elementwise
 * WebAssembly module against the TypeScript loops they stand in for (env.wasm.simd = false):
 * random odd row lengths, lane counts and batches, long rows, and values -Infinity, NaN and
 * +Infinity. The module's exponentials are float32 and its sums
 * doubles: every element within 1e-6 relative of the TypeScript result (which sums in doubles).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { env } from '../../../src/api/env.js';
import { wasmSoftmaxLanesF32, wasmSoftmaxRowsF32 } from '../../../src/backends/wasm/elementwise-host.js';
import { Tensor } from '../../../src/index.js';
import { runOnnxts } from '../../support/differential.js';
import { attr, singleNodeModel } from '../../support/model-builder.js';
import { Rng } from '../../support/random.js';

afterEach(() => {
  delete env.wasm.simd;
});

async function run(op: string, x: Float32Array, dims: number[], simd: boolean, axis = -1): Promise<Float32Array> {
  if (!simd) env.wasm.simd = false;
  try {
    const attributes = { axis: attr.int(axis) };
    const model = singleNodeModel(op, [{ name: 'x', type: 'float32', shape: dims }], [{ name: 'y', type: 'float32' }], { opset: 13, attributes });
    const { y } = await runOnnxts(model, { x: new Tensor('float32', x, dims) });
    return y.data as Float32Array;
  } finally {
    delete env.wasm.simd;
  }
}

/** Worst |got - want| / |want| (equal non-finite values count as 0; a mismatch in finiteness as Infinity). */
function worstRelative(got: Float32Array, want: Float32Array, absoluteFloor: number): number {
  let worst = 0;
  for (let i = 0; i < want.length; i++) {
    if (Object.is(got[i], want[i]) || (Number.isNaN(got[i]) && Number.isNaN(want[i]))) continue;
    if (!Number.isFinite(got[i]) || !Number.isFinite(want[i])) return Infinity;
    worst = Math.max(worst, Math.abs(got[i] - want[i]) / Math.max(Math.abs(want[i]), absoluteFloor));
  }
  return worst;
}

function randomRows(rng: Rng, size: number, min: number, max: number): Float32Array {
  return Float32Array.from({ length: size }, () => rng.uniform(min, max));
}

const OPS = [['Softmax', 1e-30], ['LogSoftmax', 1e-3]] as const;

describe.each(OPS)('%s rows in WebAssembly', (op, floor) => {
  it.each([1, 3, 7, 8, 33, 767, 3073])('rows of %i, batched, match the TypeScript loop within 1e-6', async (length) => {
    const rng = new Rng(length);
    const dims = [2, 5, length];
    const x = randomRows(rng, 10 * length, -4, 4);
    const [wasm, ts] = [await run(op, x, dims, true), await run(op, x, dims, false)];
    expect(worstRelative(wasm, ts, floor)).toBeLessThanOrEqual(1e-6);
  });

  it('a GPT-2 vocabulary row (50257) and rows past the module chunk match within 1e-6', async () => {
    const rng = new Rng(7);
    for (const dims of [[1, 50257], [3, 50257], [2, 70001]]) {
      const x = randomRows(rng, dims[0] * dims[1], -12, 12);
      const [wasm, ts] = [await run(op, x, dims, true), await run(op, x, dims, false)];
      expect(worstRelative(wasm, ts, floor), `${dims}`).toBeLessThanOrEqual(1e-6);
    }
  });

  it('masked (-Infinity), fully masked, NaN and +Infinity rows agree with the TypeScript loop', async () => {
    const length = 37;
    const rng = new Rng(3);
    const x = randomRows(rng, 6 * length, -3, 3);
    for (let j = 0; j < length; j += 3) x[j] = -Infinity; // row 0: partly masked
    x.fill(-Infinity, length, 2 * length); // row 1: fully masked
    x[2 * length + 35] = NaN; // row 2: a NaN in the scalar tail
    x[3 * length + 4] = NaN; // row 3: a NaN in the vectors
    x[4 * length + 10] = Infinity; // row 4: +Infinity
    x.fill(-1e30, 5 * length, 6 * length); // row 5: equal large negatives
    const dims = [6, length];
    const [wasm, ts] = [await run(op, x, dims, true), await run(op, x, dims, false)];
    expect(worstRelative(wasm, ts, floor)).toBeLessThanOrEqual(1e-6);
    expect(Number.isNaN(ts[length]) && Number.isNaN(ts[2 * length]) && Number.isNaN(ts[3 * length])).toBe(true);
  });

  it('a non-last axis and empty tensors stay correct', async () => {
    const rng = new Rng(11);
    const x = randomRows(rng, 3 * 19 * 21, -3, 3);
    const model = singleNodeModel(op, [{ name: 'x', type: 'float32', shape: [3, 19, 21] }], [{ name: 'y', type: 'float32' }], { opset: 13 });
    const ts = await run(op, x, [3, 19, 21], false);
    const { y } = await runOnnxts(model, { x: new Tensor('float32', x, [3, 19, 21]) });
    expect(worstRelative(y.data as Float32Array, ts, floor)).toBeLessThanOrEqual(1e-6);
    expect((await run(op, new Float32Array(0), [4, 0, 9], true)).length).toBe(0);
  });
});

describe.each(OPS)('%s lanes (an axis that is not the last) in WebAssembly', (op, floor) => {
  const shapes: [number[], number][] = [
    [[1, 16, 4, 8400], 1], // YOLOv8's distribution-focal head
    [[3, 5, 7], 1], // 4 lanes side by side and 3 one at a time
    [[2, 9, 13, 3], 1],
    [[9, 13], 0],
    [[2, 1, 37], 1], // an axis of one
    [[5, 3, 2, 11], -3],
  ];
  it.each(shapes)('%j along axis %i matches the TypeScript lanes within 1e-6', async (dims, axis) => {
    const rng = new Rng(dims.reduce((a, b) => a * 7 + b, axis + 3));
    const x = randomRows(rng, dims.reduce((a, b) => a * b, 1), -6, 6);
    const [wasm, ts] = [await run(op, x, dims, true, axis), await run(op, x, dims, false, axis)];
    expect(worstRelative(wasm, ts, floor)).toBeLessThanOrEqual(1e-6);
  });

  it('-Infinity, fully masked, NaN and +Infinity lanes agree with the TypeScript lanes', async () => {
    const dims = [2, 6, 11];
    const rng = new Rng(5);
    const x = randomRows(rng, 2 * 6 * 11, -3, 3);
    for (let i = 0; i < 6; i++) x[i * 11] = -Infinity; // lane 0 of block 0: fully masked
    x[2 * 11 + 1] = -Infinity; // lane 1: one masked value
    x[3 * 11 + 2] = NaN; // lane 2 (vectors)
    x[4 * 11 + 9] = NaN; // lane 9 (one at a time)
    x[66 + 5 * 11 + 3] = Infinity; // block 1, lane 3
    for (let i = 0; i < 6; i++) x[66 + i * 11 + 10] = -1e30; // block 1, lane 10: equal large negatives
    const [wasm, ts] = [await run(op, x, dims, true, 1), await run(op, x, dims, false, 1)];
    expect(worstRelative(wasm, ts, floor)).toBeLessThanOrEqual(1e-6);
  });
});

describe('wasmSoftmaxLanesF32', () => {
  it('runs the module here, and leaves fewer than four lanes to TypeScript', () => {
    const x = new Float32Array(16 * 8 * 5).fill(2);
    const out = new Float32Array(x.length);
    expect(wasmSoftmaxLanesF32(x, out, 5, 16, 8, false)).toBe(true);
    expect(out.every((v) => Math.abs(v - 1 / 16) < 1e-9)).toBe(true);
    expect(wasmSoftmaxLanesF32(x.subarray(0, 13 * 16 * 3), out, 13, 16, 3, false)).toBe(false);
    env.wasm.simd = false;
    expect(wasmSoftmaxLanesF32(x, out, 5, 16, 8, false)).toBe(false);
  });
});

describe('wasmSoftmaxRowsF32', () => {
  it('runs the module here, and leaves short rows and tiny tensors to TypeScript', () => {
    const x = new Float32Array(4096).fill(1);
    const out = new Float32Array(4096);
    expect(wasmSoftmaxRowsF32(x, out, 64, 64, false)).toBe(true);
    expect(out.every((v) => Math.abs(v - 1 / 64) < 1e-9)).toBe(true);
    expect(wasmSoftmaxRowsF32(x, out, 1024, 4, false)).toBe(false);
    expect(wasmSoftmaxRowsF32(x.subarray(0, 16), out, 1, 16, false)).toBe(false);
    env.wasm.simd = false;
    expect(wasmSoftmaxRowsF32(x, out, 64, 64, false)).toBe(false);
  });
});
