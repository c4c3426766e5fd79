/**
 * Softmax and LogSoftmax rows in the elementwise WebAssembly module against the TypeScript loops
 * they stand in for (env.wasm.simd = false): random odd row lengths and batches, long rows, and
 * rows with -Infinity, NaN and +Infinity. The module's exponentials are float32 and its sums
 * doubles: every element within 1e-6 relative of the TypeScript result (which sums in doubles).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { env } from '../../../src/api/env.js';
import { wasmSoftmaxRowsF32 } from '../../../src/backends/wasm/elementwise-host.js';
import { Tensor } from '../../../src/index.js';
import { runOnnxts } from '../../support/differential.js';
import { singleNodeModel } from '../../support/model-builder.js';
import { Rng } from '../../support/random.js';

afterEach(() => {
  delete env.wasm.simd;
});

async function run(op: string, x: Float32Array, dims: number[], simd: boolean): Promise<Float32Array> {
  if (!simd) env.wasm.simd = false;
  try {
    const model = singleNodeModel(op, [{ name: 'x', type: 'float32', shape: dims }], [{ name: 'y', type: 'float32' }], { opset: 13 });
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
