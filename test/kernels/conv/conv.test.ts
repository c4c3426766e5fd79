import { describe, expect, it } from 'vitest';
import { InferenceSession, Tensor } from '../../../src/index.js';
import type { DataType } from '../../../src/tensor/element-type.js';
import { expectMatchesOnnxruntime, expectTensorsClose, runOnnxruntime, runOnnxts } from '../../support/differential.js';
import { attr, DenseTensor, singleNodeModel, type ValueSpec } from '../../support/model-builder.js';
import { Rng, randomTensor } from '../../support/random.js';
import { naiveConv } from './naive-conv.js';
import { describeWindow, randomWindow, windowAttributes, type WindowCase } from './window-cases.js';

interface ConvCase extends WindowCase {
  readonly batch: number;
  readonly group: number;
  readonly inPerGroup: number;
  readonly outPerGroup: number;
  readonly bias: boolean;
  /** Write kernel_shape (otherwise the kernel comes from W alone). */
  readonly kernelAttr?: boolean;
}

const FLOAT16_TOLERANCE = { rtol: 1e-2, atol: 2e-2 };

function convModel(c: ConvCase, type: DataType, opset: number, rng: Rng): { model: Uint8Array; feeds: Record<string, Tensor> } {
  const channels = c.group * c.inPerGroup;
  const xDims = [c.batch, channels, ...c.spatial];
  const wDims = [c.group * c.outPerGroup, c.inPerGroup, ...c.kernel];
  const inputs: ValueSpec[] = [{ name: 'x', type, shape: xDims }, { name: 'w', type, shape: wDims }];
  const feeds: Record<string, Tensor> = { x: randomTensor(type, xDims, rng), w: randomTensor(type, wDims, rng, -1, 1) };
  if (c.bias) {
    inputs.push({ name: 'b', type, shape: [wDims[0]] });
    feeds.b = randomTensor(type, [wDims[0]], rng);
  }
  const attributes = windowAttributes(c, c.kernelAttr ?? false);
  if (c.group !== 1) attributes.group = attr.int(c.group);
  return { model: singleNodeModel('Conv', inputs, [{ name: 'y', type }], { opset, attributes }), feeds };
}

function randomConv(rng: Rng): ConvCase {
  const window = randomWindow(rng);
  return {
    ...window,
    batch: rng.int(1, 3),
    group: rng.int(1, 3),
    inPerGroup: rng.int(1, 3),
    outPerGroup: rng.int(1, 3),
    bias: rng.next() < 0.5,
    kernelAttr: rng.next() < 0.5,
  };
}

describe('Conv against onnxruntime', () => {
  const rng = new Rng(2024);
  const cases = Array.from({ length: 60 }, () => randomConv(rng));
  it.each(cases.map((c, i) => [i, c] as const))('random case %i', async (i, c) => {
    const { model, feeds } = convModel(c, 'float32', i % 3 === 0 ? 11 : 22, new Rng(i));
    await expectMatchesOnnxruntime(model, feeds, undefined, `${describeWindow(c)} g${c.group} ${c.inPerGroup}->${c.outPerGroup}`);
  });

  const named: [string, ConvCase][] = [
    ['depthwise 3x3 stride 2 pad 1', { spatial: [9, 7], kernel: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], batch: 2, group: 5, inPerGroup: 1, outPerGroup: 1, bias: true }],
    ['depthwise with multiplier 3 and dilation', { spatial: [8, 11], kernel: [3, 2], dilations: [2, 3], pads: [2, 0, 1, 3], batch: 1, group: 3, inPerGroup: 1, outPerGroup: 3, bias: false }],
    ['depthwise SAME_UPPER 1-D', { spatial: [13], kernel: [4], strides: [3], autoPad: 'SAME_UPPER', batch: 2, group: 6, inPerGroup: 1, outPerGroup: 1, bias: true }],
    ['depthwise SAME_LOWER 3-D', { spatial: [4, 5, 6], kernel: [2, 3, 2], autoPad: 'SAME_LOWER', batch: 1, group: 3, inPerGroup: 1, outPerGroup: 2, bias: true }],
    ['single input channel', { spatial: [7, 7], kernel: [3, 3], batch: 3, group: 1, inPerGroup: 1, outPerGroup: 5, bias: true }],
    ['pointwise', { spatial: [6, 5], kernel: [1, 1], batch: 2, group: 1, inPerGroup: 7, outPerGroup: 5, bias: true }],
    ['grouped pointwise', { spatial: [5, 3], kernel: [1, 1], batch: 2, group: 3, inPerGroup: 2, outPerGroup: 3, bias: false }],
    ['pointwise 3-D', { spatial: [3, 4, 5], kernel: [1, 1, 1], batch: 1, group: 1, inPerGroup: 6, outPerGroup: 2, bias: true }],
    ['1x1 with stride 2', { spatial: [7, 9], kernel: [1, 1], strides: [2, 2], batch: 1, group: 1, inPerGroup: 3, outPerGroup: 4, bias: true }],
    ['1x1 with padding', { spatial: [4, 4], kernel: [1, 1], pads: [1, 0, 0, 1], batch: 1, group: 1, inPerGroup: 3, outPerGroup: 2, bias: false }],
    ['asymmetric pads, strides, dilations', { spatial: [10, 9], kernel: [3, 2], strides: [2, 3], dilations: [2, 1], pads: [2, 1, 0, 2], batch: 2, group: 2, inPerGroup: 3, outPerGroup: 2, bias: true }],
    ['VALID 3-D', { spatial: [5, 6, 7], kernel: [2, 3, 2], strides: [1, 2, 3], autoPad: 'VALID', batch: 2, group: 1, inPerGroup: 3, outPerGroup: 2, bias: true }],
    ['SAME_UPPER even kernel, stride 2', { spatial: [8, 7], kernel: [4, 2], strides: [2, 2], autoPad: 'SAME_UPPER', batch: 1, group: 1, inPerGroup: 3, outPerGroup: 3, bias: false }],
    ['SAME_LOWER even kernel, stride 2', { spatial: [8, 7], kernel: [4, 2], strides: [2, 2], autoPad: 'SAME_LOWER', batch: 1, group: 1, inPerGroup: 3, outPerGroup: 3, bias: false }],
    ['SAME_UPPER with a stride past the kernel (padding stays at zero)', { spatial: [9, 10], kernel: [1, 2], strides: [3, 4], autoPad: 'SAME_UPPER', batch: 1, group: 1, inPerGroup: 2, outPerGroup: 2, bias: false }],
    ['kernel as large as the input', { spatial: [5, 4], kernel: [5, 4], batch: 2, group: 1, inPerGroup: 3, outPerGroup: 2, bias: true }],
    ['empty batch', { spatial: [5, 5], kernel: [3, 3], pads: [1, 1, 1, 1], batch: 0, group: 1, inPerGroup: 3, outPerGroup: 4, bias: true }],
    ['empty batch, depthwise', { spatial: [5, 5], kernel: [3, 3], batch: 0, group: 3, inPerGroup: 1, outPerGroup: 1, bias: false }],
    ['tiled column matrix (more rows than one tile)', { spatial: [40, 40], kernel: [3, 3], pads: [1, 1, 1, 1], batch: 1, group: 1, inPerGroup: 700, outPerGroup: 2, bias: true }],
    ['tiled column matrix, 1-D', { spatial: [300], kernel: [5], strides: [2], batch: 1, group: 2, inPerGroup: 1800, outPerGroup: 2, bias: false }],
  ];
  it.each(named)('%s', async (label, c) => {
    const { model, feeds } = convModel(c, 'float32', 22, new Rng(label.length));
    // Sums over thousands of products differ in the last bits with the summation order.
    const depth = c.inPerGroup * c.kernel.reduce((a, b) => a * b, 1);
    await expectMatchesOnnxruntime(model, feeds, { rtol: 1e-4, atol: depth > 1000 ? 2e-3 : 1e-4 }, label);
  });

  it('float16 matches onnxruntime', async () => {
    const rng = new Rng(5);
    for (const c of [named[0][1], named[5][1], named[10][1], named[11][1]]) {
      const { model, feeds } = convModel(c, 'float16', 22, rng);
      await expectMatchesOnnxruntime(model, feeds, FLOAT16_TOLERANCE, describeWindow(c));
    }
  });

  it('opset 1 models run', async () => {
    const { model, feeds } = convModel(named[10][1], 'float32', 1, new Rng(3));
    await expectMatchesOnnxruntime(model, feeds);
  });
});

describe('Conv against the definition (types onnxruntime-node lacks)', () => {
  /** Output size and begin pads as the spec defines them, auto_pad included. */
  function resolvePads(c: ConvCase): { padsBegin: number[]; outSpatial: number[] } {
    const rank = c.spatial.length;
    const strides = c.strides ?? c.spatial.map(() => 1);
    const extent = c.kernel.map((k, a) => (k - 1) * (c.dilations?.[a] ?? 1) + 1);
    if (c.autoPad === 'SAME_UPPER' || c.autoPad === 'SAME_LOWER') {
      const outSpatial = c.spatial.map((s, a) => Math.ceil(s / strides[a]));
      const totals = outSpatial.map((o, a) => Math.max(0, (o - 1) * strides[a] + extent[a] - c.spatial[a]));
      const padsBegin = totals.map((t) => (c.autoPad === 'SAME_UPPER' ? Math.floor(t / 2) : Math.ceil(t / 2)));
      return { padsBegin, outSpatial };
    }
    const pads = c.pads ?? new Array<number>(2 * rank).fill(0);
    const outSpatial = c.spatial.map((s, a) => Math.floor((s + pads[a] + pads[a + rank] - extent[a]) / strides[a]) + 1);
    return { padsBegin: pads.slice(0, rank), outSpatial };
  }

  const rng = new Rng(77);
  const cases = Array.from({ length: 16 }, () => ({ ...randomConv(rng), ...randomWindow(rng, { dilatedSame: true }) }));
  for (const type of ['float64', 'bfloat16'] as DataType[]) {
    it.each(cases.map((c, i) => [i, c] as const))(`${type} case %i`, async (i, c) => {
      const { model, feeds } = convModel(c, type, 22, new Rng(100 + i));
      const [actual] = Object.values(await runOnnxts(model, feeds));
      const decode = (t: Tensor): number[] => (type === 'bfloat16'
        ? Array.from(t.data as Uint16Array, (bits) => new Float32Array(new Uint32Array([bits << 16]).buffer)[0])
        : Array.from(t.data as Float64Array));
      const { padsBegin, outSpatial } = resolvePads(c);
      const expected = naiveConv(
        decode(feeds.x), decode(feeds.w), feeds.b ? decode(feeds.b) : undefined,
        {
          xDims: feeds.x.dims, wDims: feeds.w.dims, group: c.group, strides: c.strides ?? c.spatial.map(() => 1),
          dilations: c.dilations ?? c.spatial.map(() => 1), padsBegin, outSpatial,
        },
      );
      const tolerance = type === 'float64' ? { rtol: 1e-12, atol: 1e-12 } : { rtol: 2e-2, atol: 5e-2 };
      const actualValues = decode(actual as Tensor);
      expectTensorsClose(
        { type: 'float64', dims: (actual as Tensor).dims, data: Float64Array.from(actualValues) },
        { type: 'float64', dims: [c.batch, c.group * c.outPerGroup, ...outSpatial], data: Float64Array.from(expected) },
        tolerance, `${type} ${describeWindow(c)}`,
      );
    });
  }
});

describe('Conv rejects bad inputs', () => {
  const x = new Tensor('float32', new Float32Array(2 * 4 * 5 * 5), [2, 4, 5, 5]);
  async function failure(wDims: number[], attributes = {}, bias?: number[]): Promise<string> {
    const inputs: ValueSpec[] = [{ name: 'x', type: 'float32' }, { name: 'w', type: 'float32' }];
    const feeds: Record<string, Tensor> = { x, w: new Tensor('float32', new Float32Array(wDims.reduce((a, b) => a * b, 1)), wDims) };
    if (bias) {
      inputs.push({ name: 'b', type: 'float32' });
      feeds.b = new Tensor('float32', new Float32Array(bias.reduce((a, b) => a * b, 1)), bias);
    }
    const model = singleNodeModel('Conv', inputs, [{ name: 'y', type: 'float32' }], { attributes });
    return runOnnxts(model, feeds).then(() => 'no error', (e: Error) => e.message);
  }

  it('names the channel mismatch', async () => {
    expect(await failure([3, 3, 3, 3])).toMatch(/Conv.*W\.shape\[1\] \* group \(3 \* 1\) must equal the channels of X \(4\)/);
  });
  it('names a group that does not divide the output channels', async () => {
    expect(await failure([3, 2, 3, 3], { group: attr.int(2) })).toMatch(/W\.shape\[0\] \(3\) must be divisible by group \(2\)/);
  });
  it('names a bias of the wrong length', async () => {
    expect(await failure([3, 4, 3, 3], {}, [4])).toMatch(/B must have shape \[3\]/);
  });
  it('names a kernel larger than the padded input', async () => {
    expect(await failure([3, 4, 7, 3])).toMatch(/larger than the padded input along spatial axis 0/);
  });
  it('names a kernel_shape that disagrees with W', async () => {
    expect(await failure([3, 4, 3, 3], { kernel_shape: attr.ints([3, 2]) })).toMatch(/kernel_shape.*does not match/);
  });
  it('names a bad auto_pad', async () => {
    expect(await failure([3, 4, 3, 3], { auto_pad: attr.string('SAME') })).toMatch(/auto_pad.*got 'SAME'/);
  });
  it('names pads of the wrong length', async () => {
    expect(await failure([3, 4, 3, 3], { pads: attr.ints([1, 1]) })).toMatch(/'pads' has 2 values, expected 4/);
  });
});

describe('Conv with W as an initializer', () => {
  // From the second run on the wasm kernel reuses W packed (GEMM) or transformed (Winograd) on the first.
  // atol for F(4x4): outputs here sum ~300 terms up to 3 in size (a scale of about 20), and its
  // transforms amplify rounding: worst errors reach ~4e-5 of that scale (rms 2e-6), 10x direct.
  const cases: [string, ConvCase][] = [
    ['Winograd F(2x2) 3x3 stride 1', { spatial: [11, 9], kernel: [3, 3], strides: [1, 1], pads: [1, 1, 1, 1], batch: 1, group: 1, inPerGroup: 20, outPerGroup: 23, bias: true }],
    ['Winograd F(4x4) 3x3 stride 1', { spatial: [22, 21], kernel: [3, 3], strides: [1, 1], pads: [1, 1, 1, 1], batch: 2, group: 1, inPerGroup: 33, outPerGroup: 35, bias: true }],
    ['implicit GEMM 3x3 stride 2', { spatial: [11, 9], kernel: [3, 3], strides: [2, 2], pads: [1, 0, 1, 1], batch: 2, group: 2, inPerGroup: 6, outPerGroup: 7, bias: false }],
    ['pointwise', { spatial: [5, 13], kernel: [1, 1], batch: 1, group: 1, inPerGroup: 9, outPerGroup: 11, bias: true }],
  ];
  it.each(cases)('%s: every run of one session matches onnxruntime', async (label, c) => {
    const rng = new Rng(77);
    const { model: withInputs, feeds } = convModel(c, 'float32', 17, rng);
    const w = feeds.w;
    const xDims = [c.batch, c.group * c.inPerGroup, ...c.spatial];
    const inputs: ValueSpec[] = [{ name: 'x', type: 'float32', shape: xDims }, { name: 'w', type: 'float32', shape: [...w.dims] }];
    if (c.bias) inputs.push({ name: 'b', type: 'float32', shape: [...feeds.b.dims] });
    const initializers = { w: new DenseTensor('float32', [...w.dims], w.data as Float32Array) };
    const attributes = windowAttributes(c, false);
    if (c.group !== 1) attributes.group = attr.int(c.group);
    const model = singleNodeModel('Conv', inputs, [{ name: 'y', type: 'float32' }], { attributes, initializers });
    const session = await InferenceSession.create(model);
    for (let run = 0; run < 3; run++) {
      const x = randomTensor('float32', xDims, rng);
      const runFeeds = { x, ...(c.bias ? { b: feeds.b } : {}) };
      const ours = (await session.run(runFeeds)) as Record<string, Tensor>;
      const theirs = await runOnnxruntime(withInputs, { ...runFeeds, w });
      expectTensorsClose(ours.y, theirs.y, { rtol: 1e-4, atol: label.includes('F(4x4)') ? 1e-3 : 1e-5 }, `${label} run ${run}`);
    }
  });
});
