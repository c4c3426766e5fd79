import { describe, expect, it } from 'vitest';
import type { Tensor } from '../../../src/index.js';
import type { DataType } from '../../../src/tensor/element-type.js';
import { float16BitsToNumber } from '../../../src/tensor/numeric/float16.js';
import { expectMatchesOnnxruntime, runOnnxts } from '../../support/differential.js';
import { attr, singleNodeModel, type AttributeValue } from '../../support/model-builder.js';
import { Rng, randomTensor } from '../../support/random.js';

interface Types {
  x: DataType;
  params: DataType;
  stats: DataType;
}

function bnModel(xShape: number[], paramShape: number[], opset: number, types: Types, attributes: Record<string, AttributeValue> = {}, outputs = 1): Uint8Array {
  const names = ['y', 'running_mean', 'running_var'].slice(0, outputs);
  return singleNodeModel(
    'BatchNormalization',
    [
      { name: 'x', type: types.x, shape: xShape },
      { name: 'scale', type: types.params, shape: paramShape },
      { name: 'bias', type: types.params, shape: paramShape },
      { name: 'mean', type: types.stats, shape: paramShape },
      { name: 'var', type: types.stats, shape: paramShape },
    ],
    names.map((name, i) => ({ name, type: i === 0 ? types.x : types.stats })),
    { opset, attributes },
  );
}

function bnFeeds(xShape: number[], paramShape: number[], types: Types, rng: Rng): Record<string, Tensor> {
  return {
    x: randomTensor(types.x, xShape, rng, -4, 4),
    scale: randomTensor(types.params, paramShape, rng, -2, 2),
    bias: randomTensor(types.params, paramShape, rng, -2, 2),
    mean: randomTensor(types.stats, paramShape, rng, -1, 1),
    var: randomTensor(types.stats, paramShape, rng, 0.1, 3),
  };
}

const numbers = (t: Tensor) => Array.from(t.data as Float32Array, Number);

/** Training-mode outputs computed in the test from the spec's formulas. */
function trainingReference(feeds: Record<string, Tensor>, dims: number[], epsilon: number, momentum: number) {
  const x = numbers(feeds.x);
  const channels = dims.length < 2 ? 1 : dims[1];
  const inner = dims.slice(2).reduce((a, b) => a * b, 1);
  const channelOf = (i: number) => Math.floor(i / inner) % channels;
  const count = x.length / channels;
  const mean = new Array<number>(channels).fill(0);
  const variance = new Array<number>(channels).fill(0);
  x.forEach((v, i) => (mean[channelOf(i)] += v / count));
  x.forEach((v, i) => (variance[channelOf(i)] += (v - mean[channelOf(i)]) ** 2 / count));
  const [scale, bias, givenMean, givenVar] = [feeds.scale, feeds.bias, feeds.mean, feeds.var].map(numbers);
  return {
    y: x.map((v, i) => {
      const c = channelOf(i);
      return ((v - mean[c]) / Math.sqrt(variance[c] + epsilon)) * scale[c] + bias[c];
    }),
    runningMean: givenMean.map((m, c) => m * momentum + mean[c] * (1 - momentum)),
    runningVar: givenVar.map((v, c) => v * momentum + variance[c] * (1 - momentum)),
  };
}

function expectClose(actual: number[], expected: number[], tol: number, label: string): void {
  expect(actual.length, label).toBe(expected.length);
  actual.forEach((a, i) => {
    if (Math.abs(a - expected[i]) > tol * (1 + Math.abs(expected[i]))) expect.fail(`${label}[${i}] is ${a}, expected ${expected[i]}`);
  });
}

const shapes: number[][] = [[2, 3, 4, 5], [1, 7], [3, 4], [2, 3, 5], [3, 4, 0, 2], [2, 2, 3, 1, 2], [0, 3, 2]];
const f32: Types = { x: 'float32', params: 'float32', stats: 'float32' };

describe('BatchNormalization inference', () => {
  for (const opset of [7, 9, 14, 15]) {
    it.each(shapes.map((s) => [s]))(`opset ${opset} float32 %j matches onnxruntime`, async (shape) => {
      const rng = new Rng(shape.length + opset);
      const params = [shape[1]];
      await expectMatchesOnnxruntime(bnModel(shape, params, opset, f32, { epsilon: attr.float(1e-3) }), bnFeeds(shape, params, f32, rng));
    });
  }

  it('float64 and float16 match onnxruntime', async () => {
    const rng = new Rng(5);
    const f64: Types = { x: 'float64', params: 'float64', stats: 'float64' };
    await expectMatchesOnnxruntime(bnModel([2, 3, 4], [3], 15, f64), bnFeeds([2, 3, 4], [3], f64, rng));
    const f16: Types = { x: 'float16', params: 'float16', stats: 'float16' };
    await expectMatchesOnnxruntime(bnModel([2, 3, 4], [3], 15, f16), bnFeeds([2, 3, 4], [3], f16, rng), { rtol: 1e-2, atol: 1e-2 });
  });

  it('opset 7 spatial=0 uses one statistic per channel and position', async () => {
    const rng = new Rng(6);
    await expectMatchesOnnxruntime(bnModel([2, 3, 4], [3, 4], 7, f32, { spatial: attr.int(0) }), bnFeeds([2, 3, 4], [3, 4], f32, rng));
  });

  it('accepts a 1-D X as one channel (opset 9+)', async () => {
    const rng = new Rng(7);
    const feeds = bnFeeds([6], [1], f32, rng);
    const out = await runOnnxts(bnModel([6], [1], 15, f32), feeds);
    const [x, scale, bias, mean, variance] = [feeds.x, feeds.scale, feeds.bias, feeds.mean, feeds.var].map(numbers);
    expectClose(numbers(out.y), x.map((v) => ((v - mean[0]) / Math.sqrt(variance[0] + 1e-5)) * scale[0] + bias[0]), 1e-5, 'y');
  });

  it('opset 15 lets scale/bias and mean/var have their own types', async () => {
    const rng = new Rng(8);
    const mixed: Types = { x: 'float16', params: 'float32', stats: 'float64' };
    const feeds = bnFeeds([2, 3, 2], [3], mixed, rng);
    const out = await runOnnxts(bnModel([2, 3, 2], [3], 15, mixed), feeds);
    expect(out.y.type).toBe('float16');
    const x = Array.from(feeds.x.data as Uint16Array, float16BitsToNumber);
    const [scale, bias, mean, variance] = [feeds.scale, feeds.bias, feeds.mean, feeds.var].map(numbers);
    const expected = x.map((v, i) => {
      const c = Math.floor(i / 2) % 3;
      return ((v - mean[c]) / Math.sqrt(variance[c] + 1e-5)) * scale[c] + bias[c];
    });
    expectClose(Array.from(out.y.data as Uint16Array, float16BitsToNumber), expected, 1e-3, 'y');
  });

  it.each([
    [[2, 3, 4], [4], /scale must have shape \[3\]/],
    [[2, 3, 4], [1, 3], /scale must have shape \[3\]/],
  ])('rejects X %j with parameters %j', async (xShape, paramShape, message) => {
    const rng = new Rng(9);
    await expect(runOnnxts(bnModel(xShape, paramShape, 15, f32), bnFeeds(xShape, paramShape, f32, rng))).rejects.toThrow(message);
  });
});

describe('BatchNormalization training mode', () => {
  for (const opset of [14, 15]) {
    it.each([[[2, 3, 4, 5]], [[4, 2]], [[3, 5, 7]]])(`opset ${opset} %j matches the spec's formulas`, async (shape) => {
      const rng = new Rng(shape.length * 3 + opset);
      const params = [shape[1]];
      const attributes = { training_mode: attr.int(1), epsilon: attr.float(1e-2), momentum: attr.float(0.7) };
      const feeds = bnFeeds(shape, params, f32, rng);
      const out = await runOnnxts(bnModel(shape, params, opset, f32, attributes, 3), feeds);
      const expected = trainingReference(feeds, shape, Math.fround(1e-2), Math.fround(0.7));
      expectClose(numbers(out.y), expected.y, 1e-5, 'y');
      expectClose(numbers(out.running_mean), expected.runningMean, 1e-5, 'running_mean');
      expectClose(numbers(out.running_var), expected.runningVar, 1e-5, 'running_var');
    });
  }

  it('keeps the statistics in their own type (opset 15)', async () => {
    const rng = new Rng(12);
    const types: Types = { x: 'float32', params: 'float32', stats: 'float64' };
    const feeds = bnFeeds([3, 2, 4], [2], types, rng);
    const out = await runOnnxts(bnModel([3, 2, 4], [2], 15, types, { training_mode: attr.int(1) }, 3), feeds);
    expect(out.running_mean.type).toBe('float64');
    expect(out.running_var.type).toBe('float64');
    const expected = trainingReference(feeds, [3, 2, 4], 1e-5, 0.9);
    expectClose(numbers(out.running_var), expected.runningVar, 1e-12, 'running_var');
  });
});
