/**
 * ConvTranspose's paired-taps path (stride equal to the kernel, kernel two wide, no padding,
 * dilation or output padding): the WebAssembly kernel against the plain scatter it replaces,
 * then whole models against onnxruntime, with and without WebAssembly kernels, including
 * windows just off the path, and its output in the run's arena (never zeroed) over several runs.
 * Tolerance: float32 sums in another order, 1e-5 relative plus 1e-5 absolute on values of order 1.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { env } from '../../../src/api/env.js';
import { InferenceSession, Tensor } from '../../../src/index.js';
import { directTranspose } from '../../../src/kernels/conv/conv-transpose-direct.js';
import { pairedTaps, pairedTapsF32 } from '../../../src/kernels/conv/conv-transpose-pairs.js';
import type { SlidingWindow } from '../../../src/kernels/conv/sliding-window.js';
import { expectMatchesOnnxruntime, expectTensorsClose, runOnnxruntime } from '../../support/differential.js';
import { attr, buildModel, singleNodeModel, type AttributeValue } from '../../support/model-builder.js';
import { Rng, randomDense, randomTensor } from '../../support/random.js';

const TOLERANCE = { rtol: 1e-5, atol: 1e-5 };

function pairedWindow(grid: number[], kH: number): SlidingWindow {
  const kernel = grid.length === 2 ? [kH, 2] : [2];
  return {
    image: grid.map((d, a) => d * kernel[a]), grid, kernel, strides: kernel,
    dilations: grid.map(() => 1), padsBegin: grid.map(() => 0), padsEnd: grid.map(() => 0),
  };
}

describe('paired-taps kernel against the plain scatter', () => {
  const rng = new Rng(2024);
  const cases = Array.from({ length: 24 }, (_, i) => {
    const rank = i % 3 === 0 ? 1 : 2;
    const grid = rng.shape(rank, i % 2 === 0 ? 23 : 9, 1);
    return { grid, kH: rng.int(1, 3), batch: rng.int(1, 2), group: rng.int(1, 3), inPerGroup: rng.int(1, 13), outPerGroup: rng.int(1, 11), bias: i % 4 !== 1 };
  });
  it.each(cases)('%j', (c) => {
    const win = pairedWindow(c.grid, c.kH);
    expect(pairedTaps(win)).toBe(true);
    const inSize = c.grid.reduce((a, b) => a * b, 1);
    const outSize = win.image.reduce((a, b) => a * b, 1);
    const x = rng.floats(c.batch * c.group * c.inPerGroup * inSize);
    const w = rng.floats(c.group * c.inPerGroup * c.outPerGroup * 2 * (c.grid.length === 2 ? c.kH : 1));
    const channels = c.group * c.outPerGroup;
    const bias = c.bias ? rng.floats(channels) : undefined;
    const expected = new Float32Array(c.batch * channels * outSize);
    for (let i = 0; i < expected.length; i++) expected[i] = bias ? bias[Math.floor(i / outSize) % channels] : 0;
    directTranspose(x, w, expected, win, c.batch, c.group, c.inPerGroup, c.outPerGroup);
    const y = new Float32Array(expected.length).fill(Number.NaN);
    expect(pairedTapsF32({ x, w, bias, y, batch: c.batch, group: c.group, inPerGroup: c.inPerGroup, outPerGroup: c.outPerGroup }, win)).toBe(true);
    for (let i = 0; i < y.length; i++) {
      if (!(Math.abs(y[i] - expected[i]) <= TOLERANCE.atol + TOLERANCE.rtol * Math.abs(expected[i]))) {
        throw new Error(`${JSON.stringify(c)}: y[${i}] = ${y[i]}, the scatter gives ${expected[i]}`);
      }
    }
  });

  it('declines windows whose taps overlap, leave gaps or pad', () => {
    const base = pairedWindow([5, 7], 2);
    expect(pairedTaps({ ...base, kernel: [2, 3], strides: [2, 3], image: [10, 21] })).toBe(false);
    expect(pairedTaps({ ...base, strides: [2, 1], image: [10, 8] })).toBe(false);
    expect(pairedTaps({ ...base, dilations: [1, 2], image: [10, 15] })).toBe(false);
    expect(pairedTaps({ ...base, padsBegin: [0, 1], image: [10, 13] })).toBe(false);
    expect(pairedTaps({ ...base, image: [11, 14] })).toBe(false);
    expect(pairedTaps(pairedWindow([2, 3, 4], 2))).toBe(false);
  });
});

interface ModelCase {
  readonly spatial: number[];
  readonly kernel: number[];
  readonly batch: number;
  readonly group: number;
  readonly inPerGroup: number;
  readonly outPerGroup: number;
  readonly bias: boolean;
  readonly attributes?: Record<string, AttributeValue>;
}

function transposeModel(c: ModelCase, rng: Rng): { model: Uint8Array; feeds: Record<string, Tensor> } {
  const channels = c.group * c.inPerGroup;
  const xDims = [c.batch, channels, ...c.spatial];
  const wDims = [channels, c.outPerGroup, ...c.kernel];
  const feeds: Record<string, Tensor> = { x: randomTensor('float32', xDims, rng), w: randomTensor('float32', wDims, rng, -1, 1) };
  const inputs = [{ name: 'x', type: 'float32' as const, shape: xDims }, { name: 'w', type: 'float32' as const, shape: wDims }];
  if (c.bias) {
    feeds.b = randomTensor('float32', [c.group * c.outPerGroup], rng);
    inputs.push({ name: 'b', type: 'float32', shape: [c.group * c.outPerGroup] });
  }
  const attributes = { strides: attr.ints(c.kernel), ...(c.group === 1 ? {} : { group: attr.int(c.group) }), ...c.attributes };
  return { model: singleNodeModel('ConvTranspose', inputs, [{ name: 'y', type: 'float32' }], { opset: 17, attributes }), feeds };
}

const MODEL_CASES: [string, ModelCase][] = [
  ['2x2 stride 2, 24 -> 24 channels over 10x10 (a text detector head)', { spatial: [10, 10], kernel: [2, 2], batch: 1, group: 1, inPerGroup: 24, outPerGroup: 24, bias: true }],
  ['2x2 stride 2, 24 -> 1 channel, odd sizes', { spatial: [7, 13], kernel: [2, 2], batch: 1, group: 1, inPerGroup: 24, outPerGroup: 1, bias: false }],
  ['3x2 stride (3, 2), groups of 5 -> 3, batch 2', { spatial: [5, 11], kernel: [3, 2], batch: 2, group: 2, inPerGroup: 5, outPerGroup: 3, bias: true }],
  ['1-D, kernel 2 stride 2, 9 -> 7 channels', { spatial: [19], kernel: [2], batch: 2, group: 1, inPerGroup: 9, outPerGroup: 7, bias: true }],
  ['1x2 stride (1, 2), 6 -> 5 channels', { spatial: [3, 9], kernel: [1, 2], batch: 1, group: 1, inPerGroup: 6, outPerGroup: 5, bias: true }],
  ['empty batch', { spatial: [4, 5], kernel: [2, 2], batch: 0, group: 1, inPerGroup: 6, outPerGroup: 5, bias: true }],
  ['off the path: pads', { spatial: [4, 5], kernel: [2, 2], batch: 1, group: 1, inPerGroup: 6, outPerGroup: 5, bias: true, attributes: { pads: attr.ints([0, 1, 0, 1]) } }],
  ['off the path: output_padding', { spatial: [4, 5], kernel: [2, 2], batch: 1, group: 1, inPerGroup: 6, outPerGroup: 5, bias: true, attributes: { output_padding: attr.ints([1, 1]) } }],
  ['off the path: dilations', { spatial: [4, 5], kernel: [2, 2], batch: 1, group: 1, inPerGroup: 6, outPerGroup: 5, bias: false, attributes: { dilations: attr.ints([2, 2]) } }],
  ['off the path: stride 1', { spatial: [4, 5], kernel: [2, 2], batch: 1, group: 1, inPerGroup: 6, outPerGroup: 5, bias: true, attributes: { strides: attr.ints([1, 1]) } }],
  ['off the path: kernel 3 wide, stride 3', { spatial: [4, 5], kernel: [2, 3], batch: 1, group: 1, inPerGroup: 6, outPerGroup: 5, bias: true }],
];

describe.each([['WebAssembly', true], ['TypeScript', false]] as const)('ConvTranspose paired taps against onnxruntime (%s)', (_, simd) => {
  afterEach(() => {
    env.wasm.simd = true;
  });
  it.each(MODEL_CASES)('%s', async (label, c) => {
    env.wasm.simd = simd;
    const { model, feeds } = transposeModel(c, new Rng(label.length + 77));
    await expectMatchesOnnxruntime(model, feeds, undefined, label);
  });
});

describe('ConvTranspose paired taps writing into the arena', () => {
  it.each([true, false])('matches onnxruntime run after run (bias %s)', async (bias) => {
    const rng = new Rng(bias ? 41 : 42);
    const [inC, outC, h, w] = [12, 9, 5, 11];
    const model = buildModel({
      nodes: [
        { op: 'Relu', inputs: ['X'], outputs: ['R'] },
        { op: 'ConvTranspose', inputs: bias ? ['R', 'W', 'B'] : ['R', 'W'], outputs: ['Y'], attributes: { strides: attr.ints([2, 2]) } },
        { op: 'Add', inputs: ['Y', 'Y'], outputs: ['Y2'] },
      ],
      inputs: [{ name: 'X', type: 'float32', shape: [1, inC, h, w] }],
      outputs: [{ name: 'Y2', type: 'float32' }],
      initializers: { W: randomDense('float32', [inC, outC, 2, 2], rng, -1, 1), ...(bias ? { B: randomDense('float32', [outC], rng) } : {}) },
      opsets: { '': 17 },
    });
    const session = await InferenceSession.create(model);
    for (let run = 0; run < 4; run++) {
      const feeds = { X: randomTensor('float32', [1, inC, h, w], rng) };
      const ours = await session.run(feeds);
      const theirs = await runOnnxruntime(model, feeds);
      expectTensorsClose(ours.Y2 as Tensor, theirs.Y2, { rtol: 1e-4, atol: 1e-4 }, `run ${run}`);
    }
  });
});
