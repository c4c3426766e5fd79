import { describe, expect, it } from 'vitest';
import { Tensor } from '../../../src/index.js';
import { expectMatchesOnnxruntime, runOnnxts } from '../../support/differential.js';
import { attr, buildModel } from '../../support/model-builder.js';
import { Rng, randomTensor } from '../../support/random.js';
import { naiveDft } from './naive-dft.js';

interface StftCase {
  readonly dims: readonly [number, number, number];
  readonly step: number;
  readonly window?: number;
  readonly frameLength?: number;
  readonly onesided?: 0 | 1;
}

const int64 = (v: number) => new Tensor('int64', BigInt64Array.from([BigInt(v)]), []);

function stftModel(c: StftCase, rng: Rng): { model: Uint8Array; feeds: Record<string, Tensor> } {
  const nodeInputs = ['signal', 'frame_step', c.window ? 'window' : '', c.frameLength ? 'frame_length' : ''];
  while (nodeInputs[nodeInputs.length - 1] === '') nodeInputs.pop();
  const feeds: Record<string, Tensor> = { signal: randomTensor('float32', c.dims, rng, -1, 1), frame_step: int64(c.step) };
  if (c.window) feeds.window = randomTensor('float32', [c.window], rng, 0, 1);
  if (c.frameLength) feeds.frame_length = int64(c.frameLength);
  const model = buildModel({
    nodes: [{ op: 'STFT', inputs: nodeInputs, outputs: ['y'], attributes: c.onesided === undefined ? {} : { onesided: attr.int(c.onesided) } }],
    inputs: Object.entries(feeds).map(([name, t]) => ({ name, type: t.type, shape: [...t.dims] })),
    outputs: [{ name: 'y', type: 'float32' }],
    opsets: { '': 17 },
  });
  return { model, feeds };
}

describe('STFT against onnxruntime', () => {
  const cases: StftCase[] = [
    { dims: [1, 64, 1], step: 8, frameLength: 16 },
    { dims: [2, 64, 1], step: 8, window: 16 },
    { dims: [2, 50, 1], step: 7, window: 12, frameLength: 12 },
    { dims: [1, 40, 1], step: 5, window: 9, onesided: 0 },
    { dims: [3, 33, 1], step: 4, frameLength: 10, onesided: 0 },
  ];
  it.each(cases.map((c, i) => [JSON.stringify(c), c, i] as const))('%s', async (_, c, i) => {
    const { model, feeds } = stftModel(c, new Rng(i));
    await expectMatchesOnnxruntime(model, feeds, { rtol: 1e-4, atol: 1e-4 });
  });
});

describe('STFT of a complex signal against a direct DFT of each windowed frame', () => {
  it('two-sided, frames every 3 samples', async () => {
    const c: StftCase = { dims: [2, 20, 2], step: 3, window: 7, onesided: 0 };
    const { model, feeds } = stftModel(c, new Rng(9));
    const y = (await runOnnxts(model, feeds)).y;
    const frames = 1 + Math.floor((20 - 7) / 3);
    expect(y.dims).toEqual([2, frames, 7, 2]);
    const x = feeds.signal.data as Float32Array;
    const w = feeds.window.data as Float32Array;
    const out = y.data as Float32Array;
    for (let b = 0; b < 2; b++) {
      for (let f = 0; f < frames; f++) {
        const at = (k: number) => (b * 20 + f * 3 + k) * 2;
        const frame = { re: Array.from(w, (wk, k) => x[at(k)] * wk), im: Array.from(w, (wk, k) => x[at(k) + 1] * wk) };
        const expected = naiveDft(frame, false);
        for (let k = 0; k < 7; k++) {
          const o = ((b * frames + f) * 7 + k) * 2;
          expect(out[o]).toBeCloseTo(expected.re[k], 5);
          expect(out[o + 1]).toBeCloseTo(expected.im[k], 5);
        }
      }
    }
  });
});

describe('STFT with neither window nor frame_length', () => {
  // onnxruntime refuses this case; the ONNX reference makes the whole signal one frame.
  it('is the onesided DFT of the whole signal', async () => {
    const { model, feeds } = stftModel({ dims: [1, 20, 1], step: 3 }, new Rng(4));
    const y = (await runOnnxts(model, feeds)).y;
    expect(y.dims).toEqual([1, 1, 11, 2]);
    const x = Array.from(feeds.signal.data as Float32Array);
    const expected = naiveDft({ re: x, im: x.map(() => 0) }, false);
    const out = y.data as Float32Array;
    for (let k = 0; k < 11; k++) {
      expect(out[2 * k]).toBeCloseTo(expected.re[k], 5);
      expect(out[2 * k + 1]).toBeCloseTo(expected.im[k], 5);
    }
  });
});

describe('STFT input errors', () => {
  it('a window that disagrees with frame_length', async () => {
    const { model, feeds } = stftModel({ dims: [1, 32, 1], step: 4, window: 8, frameLength: 10 }, new Rng(1));
    await expect(runOnnxts(model, feeds)).rejects.toThrow(/window length 8 differs from frame_length 10/);
  });
  it('a frame longer than the signal', async () => {
    const { model, feeds } = stftModel({ dims: [1, 8, 1], step: 4, frameLength: 16 }, new Rng(1));
    await expect(runOnnxts(model, feeds)).rejects.toThrow(/frame_length must be in 1..8/);
  });
  it('a non-positive frame_step', async () => {
    const { model, feeds } = stftModel({ dims: [1, 8, 1], step: 0, frameLength: 4 }, new Rng(1));
    await expect(runOnnxts(model, feeds)).rejects.toThrow(/frame_step must be positive, got 0/);
  });
  it('onesided output of a complex signal', async () => {
    const { model, feeds } = stftModel({ dims: [1, 8, 2], step: 2, frameLength: 4 }, new Rng(1));
    await expect(runOnnxts(model, feeds)).rejects.toThrow(/onesided STFT needs a real signal/);
  });
});
