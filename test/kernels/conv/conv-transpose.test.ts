import { afterEach, describe, expect, it } from 'vitest';
import { env } from '../../../src/api/env.js';
import { Tensor } from '../../../src/index.js';
import type { DataType } from '../../../src/tensor/element-type.js';
import { expectMatchesOnnxruntime, expectTensorsClose, runOnnxts } from '../../support/differential.js';
import { attr, singleNodeModel, type AttributeValue, type ValueSpec } from '../../support/model-builder.js';
import { Rng, randomTensor } from '../../support/random.js';

interface TransposeCase {
  readonly spatial: number[];
  readonly kernel: number[];
  readonly strides?: number[];
  readonly dilations?: number[];
  readonly pads?: number[];
  readonly outputPadding?: number[];
  readonly outputShape?: number[];
  readonly autoPad?: string;
  readonly batch: number;
  readonly group: number;
  readonly inPerGroup: number;
  readonly outPerGroup: number;
  readonly bias: boolean;
}

function transposeModel(c: TransposeCase, type: DataType, opset: number, rng: Rng): { model: Uint8Array; feeds: Record<string, Tensor> } {
  const channels = c.group * c.inPerGroup;
  const xDims = [c.batch, channels, ...c.spatial];
  const wDims = [channels, c.outPerGroup, ...c.kernel];
  const inputs: ValueSpec[] = [{ name: 'x', type, shape: xDims }, { name: 'w', type, shape: wDims }];
  const feeds: Record<string, Tensor> = { x: randomTensor(type, xDims, rng), w: randomTensor(type, wDims, rng, -1, 1) };
  if (c.bias) {
    inputs.push({ name: 'b', type, shape: [c.group * c.outPerGroup] });
    feeds.b = randomTensor(type, [c.group * c.outPerGroup], rng);
  }
  const attributes: Record<string, AttributeValue> = {};
  if (c.strides) attributes.strides = attr.ints(c.strides);
  if (c.dilations) attributes.dilations = attr.ints(c.dilations);
  if (c.pads) attributes.pads = attr.ints(c.pads);
  if (c.outputPadding) attributes.output_padding = attr.ints(c.outputPadding);
  if (c.outputShape) attributes.output_shape = attr.ints(c.outputShape);
  if (c.autoPad) attributes.auto_pad = attr.string(c.autoPad);
  if (c.group !== 1) attributes.group = attr.int(c.group);
  return { model: singleNodeModel('ConvTranspose', inputs, [{ name: 'y', type }], { opset, attributes }), feeds };
}

/** Random cases onnxruntime accepts: output_padding below the stride, a non-empty output. */
function randomTranspose(rng: Rng): TransposeCase {
  for (;;) {
    const rank = rng.int(1, 3);
    const spatial = rng.shape(rank, rank === 3 ? 4 : 7, 1);
    const kernel = rng.shape(rank, 3, 1);
    const strides = rng.shape(rank, 3, 1);
    const dilations = rng.shape(rank, 2, 1);
    const pads = [...kernel, ...kernel].map((k, i) => rng.int(0, Math.min(2, (k - 1) * dilations[i % rank])));
    const outputPadding = strides.map((s) => rng.int(0, s - 1));
    const out = spatial.map((d, a) => strides[a] * (d - 1) + outputPadding[a] + (kernel[a] - 1) * dilations[a] + 1 - pads[a] - pads[a + rank]);
    if (out.some((d) => d < 1)) continue;
    return {
      spatial, kernel, strides, dilations, pads, outputPadding,
      batch: rng.int(1, 3),
      group: rng.int(1, 3),
      inPerGroup: rng.int(1, 3),
      outPerGroup: rng.int(1, 3),
      bias: rng.next() < 0.5,
    };
  }
}

describe('ConvTranspose against onnxruntime', () => {
  const rng = new Rng(99);
  const cases = Array.from({ length: 40 }, () => randomTranspose(rng));
  it.each(cases.map((c, i) => [i, c] as const))('random case %i', async (i, c) => {
    const { model, feeds } = transposeModel(c, 'float32', i % 2 === 0 ? 11 : 22, new Rng(i));
    await expectMatchesOnnxruntime(model, feeds, undefined, JSON.stringify(c));
  });

  const base = { batch: 2, group: 1, inPerGroup: 3, outPerGroup: 2, bias: true };
  const named: [string, TransposeCase][] = [
    ['defaults 2-D', { ...base, spatial: [4, 5], kernel: [3, 3] }],
    ['stride 2 with output_padding', { ...base, spatial: [4, 3], kernel: [3, 2], strides: [2, 3], outputPadding: [1, 2] }],
    ['VALID', { ...base, spatial: [3, 4], kernel: [2, 3], strides: [2, 1], autoPad: 'VALID' }],
    ['output_shape with even total padding', { ...base, spatial: [3, 3], kernel: [3, 3], strides: [2, 2], outputShape: [5, 5] }],
    ['output_shape one past the natural size', { ...base, spatial: [3, 3], kernel: [3, 3], strides: [2, 2], outputShape: [8, 8] }],
    ['grouped 3-D', { ...base, spatial: [3, 2, 4], kernel: [2, 2, 3], strides: [2, 1, 2], group: 3, inPerGroup: 2 }],
    ['depthwise-style groups', { ...base, spatial: [5, 6], kernel: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], group: 4, inPerGroup: 1, outPerGroup: 1 }],
    ['1-D dilated', { ...base, spatial: [9], kernel: [3], dilations: [3], pads: [2, 1] }],
    ['empty batch', { ...base, batch: 0, spatial: [3, 3], kernel: [2, 2] }],
    ['tiled column matrix', { ...base, batch: 1, spatial: [40, 40], kernel: [3, 3], strides: [2, 2], inPerGroup: 4, outPerGroup: 120, bias: false }],
  ];
  it.each(named)('%s', async (label, c) => {
    const { model, feeds } = transposeModel(c, 'float32', 22, new Rng(label.length));
    await expectMatchesOnnxruntime(model, feeds, undefined, label);
  });

  it('float16 matches onnxruntime', async () => {
    const { model, feeds } = transposeModel(named[1][1], 'float16', 22, new Rng(4));
    await expectMatchesOnnxruntime(model, feeds, { rtol: 1e-2, atol: 2e-2 });
  });
});

/**
 * Where auto-generated padding is odd, the spec puts the extra unit at the end for SAME_UPPER
 * from opset 11 (at the start before it, and for the other modes); derived here by hand from a
 * 1-D input [1, 2] with kernel [1, 1, 1], stride 2: the full output is [1, 1, 3, 2, 2], and an
 * output of 4 (auto_pad SAME: input * stride) drops one element at one end.
 */
/** Up to 4 channel pairs per group over 1-D and 2-D images go to the direct scatter (conv-transpose-direct.ts). */
describe('ConvTranspose direct scatter against onnxruntime', () => {
  const base = { batch: 3, group: 5, inPerGroup: 1, outPerGroup: 1, bias: true };
  const cases: [string, TransposeCase][] = [
    ['depthwise, dilated rows, padded', { ...base, spatial: [11, 33], kernel: [3, 3], dilations: [5, 1], pads: [10, 1, 10, 1] }],
    ['depthwise, strides and output_padding', { ...base, spatial: [7, 9], kernel: [3, 2], strides: [3, 2], outputPadding: [2, 1], pads: [1, 0, 2, 1] }],
    ['2 in x 2 out per group, SAME_LOWER', { ...base, inPerGroup: 2, outPerGroup: 2, spatial: [5, 7], kernel: [3, 3], strides: [2, 2], autoPad: 'SAME_LOWER' }],
    ['1 in x 4 out per group, kernel == stride', { ...base, group: 3, outPerGroup: 4, spatial: [6, 5], kernel: [2, 2], strides: [2, 2], bias: false }],
    ['4 in x 1 out, 1-D with pads past the kernel reach', { ...base, group: 1, inPerGroup: 4, spatial: [13], kernel: [3], strides: [2], dilations: [2], pads: [3, 4] }],
    ['output_shape', { ...base, group: 2, spatial: [4, 4], kernel: [3, 3], strides: [2, 2], outputShape: [9, 8] }],
  ];
  it.each(cases)('%s', async (label, c) => {
    const { model, feeds } = transposeModel(c, 'float32', 22, new Rng(label.length + 500));
    await expectMatchesOnnxruntime(model, feeds, undefined, label);
  });
});

/**
 * Small 1-D and 2-D products of any channel counts go to the WebAssembly scatter
 * (conv-transpose-direct-host.ts), the rest of the few-channel ones too; with WebAssembly off
 * they take the TypeScript scatter or the GEMM with col2im. Both against onnxruntime.
 */
describe.each([['WebAssembly', true], ['TypeScript', false]] as const)('ConvTranspose small products against onnxruntime (%s)', (_, simd) => {
  afterEach(() => {
    env.wasm.simd = true;
  });
  const cases: [string, TransposeCase][] = [
    ['8 x 8 per group, 2 groups, 1 x 5 stride (1, 2), padded', { batch: 1, group: 2, inPerGroup: 8, outPerGroup: 8, bias: true, spatial: [1, 33], kernel: [1, 5], strides: [1, 2], pads: [0, 2, 0, 2] }],
    ['16 in x 2 out, 1 x 5 stride (1, 2), odd width', { batch: 1, group: 1, inPerGroup: 16, outPerGroup: 2, bias: true, spatial: [1, 65], kernel: [1, 5], strides: [1, 2], pads: [0, 2, 0, 2] }],
    ['24 in x 16 out pointwise', { batch: 1, group: 1, inPerGroup: 24, outPerGroup: 16, bias: true, spatial: [1, 33], kernel: [1, 1] }],
    ['unit strides, columns not a multiple of 4', { batch: 2, group: 3, inPerGroup: 3, outPerGroup: 5, bias: false, spatial: [5, 11], kernel: [3, 3], pads: [1, 1, 1, 1] }],
    ['1-D, stride 3, dilation 2, output_padding', { batch: 2, group: 1, inPerGroup: 6, outPerGroup: 7, bias: true, spatial: [13], kernel: [4], strides: [3], dilations: [2], outputPadding: [2] }],
    ['depthwise, dilated rows cropped to one output row', { batch: 1, group: 16, inPerGroup: 1, outPerGroup: 1, bias: true, spatial: [11, 33], kernel: [3, 3], dilations: [5, 1], pads: [10, 1, 10, 1] }],
    ['pads past the image on every side', { batch: 1, group: 2, inPerGroup: 5, outPerGroup: 3, bias: true, spatial: [4, 6], kernel: [3, 3], strides: [2, 2], pads: [3, 4, 3, 4] }],
    ['above the small-work bound: the GEMM path', { batch: 1, group: 1, inPerGroup: 16, outPerGroup: 16, bias: true, spatial: [9, 33], kernel: [3, 3], strides: [1, 2] }],
  ];
  it.each(cases)('%s', async (label, c) => {
    env.wasm.simd = simd;
    const { model, feeds } = transposeModel(c, 'float32', 22, new Rng(label.length + 900));
    await expectMatchesOnnxruntime(model, feeds, undefined, label);
  });

  it('random small cases', async () => {
    env.wasm.simd = simd;
    const rng = new Rng(950);
    for (let i = 0; i < 20; i++) {
      const c = { ...randomTranspose(rng), spatial: [rng.int(1, 6), rng.int(1, 21)], kernel: [rng.int(1, 3), rng.int(1, 5)] };
      const twoD = { ...c, strides: [rng.int(1, 3), rng.int(1, 3)], dilations: [1, rng.int(1, 2)], pads: [0, 0, 0, 0], outputPadding: [0, 0] };
      const { model, feeds } = transposeModel(twoD, 'float32', 22, new Rng(i));
      await expectMatchesOnnxruntime(model, feeds, undefined, JSON.stringify(twoD));
    }
  });
});

describe('ConvTranspose odd auto-generated padding', () => {
  const feeds = { x: new Tensor('float32', Float32Array.from([1, 2]), [1, 1, 2]), w: new Tensor('float32', Float32Array.from([1, 1, 1]), [1, 1, 3]) };
  const run = async (autoPad: string, opset: number, outputShape?: number[]): Promise<number[]> => {
    const attributes: Record<string, AttributeValue> = { strides: attr.ints([2]), auto_pad: attr.string(autoPad) };
    if (outputShape) attributes.output_shape = attr.ints(outputShape);
    const model = singleNodeModel('ConvTranspose', [{ name: 'x', type: 'float32' }, { name: 'w', type: 'float32' }], [{ name: 'y', type: 'float32' }], { opset, attributes });
    const { y } = await runOnnxts(model, feeds);
    return Array.from(y.data as Float32Array);
  };

  it('opset 11+: SAME_UPPER drops the last element, SAME_LOWER the first', async () => {
    expect(await run('SAME_UPPER', 22)).toEqual([1, 1, 3, 2]);
    expect(await run('SAME_LOWER', 22)).toEqual([1, 3, 2, 2]);
    expect(await run('NOTSET', 22, [4])).toEqual([1, 3, 2, 2]);
  });

  it('opsets 1-10: the other way round', async () => {
    expect(await run('SAME_UPPER', 10)).toEqual([1, 3, 2, 2]);
    expect(await run('SAME_LOWER', 10)).toEqual([1, 1, 3, 2]);
    expect(await run('NOTSET', 10, [4])).toEqual([1, 1, 3, 2]);
  });
});

describe('ConvTranspose against the definition in float64', () => {
  it.each([0, 1, 2, 3, 4, 5])('random case %i', async (i) => {
    const c = randomTranspose(new Rng(500 + i));
    const { model, feeds } = transposeModel(c, 'float64', 22, new Rng(i));
    const { y } = await runOnnxts(model, feeds);
    const rank = c.spatial.length;
    const strides = c.strides ?? c.spatial.map(() => 1);
    const dilations = c.dilations ?? c.spatial.map(() => 1);
    const pads = c.pads ?? new Array<number>(2 * rank).fill(0);
    const outputPadding = c.outputPadding ?? c.spatial.map(() => 0);
    const out = c.spatial.map((s, a) => strides[a] * (s - 1) + outputPadding[a] + (c.kernel[a] - 1) * dilations[a] + 1 - pads[a] - pads[a + rank]);
    const outChannels = c.group * c.outPerGroup;
    const channels = c.group * c.inPerGroup;
    const outSize = out.reduce((a, b) => a * b, 1);
    const inSize = c.spatial.reduce((a, b) => a * b, 1);
    const taps = c.kernel.reduce((a, b) => a * b, 1);
    const x = feeds.x.data as Float64Array;
    const w = feeds.w.data as Float64Array;
    const b = feeds.b?.data as Float64Array | undefined;
    const expected = new Float64Array(c.batch * outChannels * outSize);
    const unflatten = (flat: number, dims: readonly number[]): number[] => {
      const coords = new Array<number>(dims.length);
      for (let a = dims.length - 1; a >= 0; a--) {
        coords[a] = flat % dims[a];
        flat = Math.floor(flat / dims[a]);
      }
      return coords;
    };
    for (let n = 0; n < c.batch; n++) {
      for (let m = 0; m < outChannels; m++) {
        for (let o = 0; o < outSize; o++) expected[(n * outChannels + m) * outSize + o] = b ? b[m] : 0;
      }
      for (let ch = 0; ch < channels; ch++) {
        const g = Math.floor(ch / c.inPerGroup);
        for (let i = 0; i < inSize; i++) {
          const ic = unflatten(i, c.spatial);
          for (let t = 0; t < taps; t++) {
            const tc = unflatten(t, c.kernel);
            const oc = ic.map((v, a) => v * strides[a] - pads[a] + tc[a] * dilations[a]);
            if (oc.some((v, a) => v < 0 || v >= out[a])) continue;
            const o = oc.reduce((acc, v, a) => acc * out[a] + v, 0);
            for (let j = 0; j < c.outPerGroup; j++) {
              const m = g * c.outPerGroup + j;
              expected[(n * outChannels + m) * outSize + o] += x[(n * channels + ch) * inSize + i] * w[(ch * c.outPerGroup + j) * taps + t];
            }
          }
        }
      }
    }
    expectTensorsClose(y, { type: 'float64', dims: [c.batch, outChannels, ...out], data: expected }, { rtol: 1e-12, atol: 1e-12 }, JSON.stringify(c));
  });
});

describe('ConvTranspose rejects bad inputs', () => {
  it('names W channels that differ from X', async () => {
    const model = singleNodeModel('ConvTranspose', [{ name: 'x', type: 'float32' }, { name: 'w', type: 'float32' }], [{ name: 'y', type: 'float32' }]);
    const feeds = { x: new Tensor('float32', new Float32Array(12), [1, 3, 2, 2]), w: new Tensor('float32', new Float32Array(8), [2, 1, 2, 2]) };
    await expect(runOnnxts(model, feeds)).rejects.toThrow(/W\.shape\[0\] \(2\) must equal the channels of X \(3\)/);
  });
  it('names pads that leave a negative output', async () => {
    const model = singleNodeModel('ConvTranspose', [{ name: 'x', type: 'float32' }, { name: 'w', type: 'float32' }], [{ name: 'y', type: 'float32' }], {
      attributes: { pads: attr.ints([3, 3, 3, 3]) },
    });
    const feeds = { x: new Tensor('float32', new Float32Array(4), [1, 1, 2, 2]), w: new Tensor('float32', new Float32Array(4), [1, 1, 2, 2]) };
    await expect(runOnnxts(model, feeds)).rejects.toThrow(/output spatial shape \[-3,-3\] is negative/);
  });
});
