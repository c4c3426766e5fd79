import { describe, expect, it } from 'vitest';
import { Tensor } from '../../../src/index.js';
import type { DataType } from '../../../src/tensor/element-type.js';
import { float16BitsToNumber, numberToFloat16Bits } from '../../../src/tensor/numeric/float16.js';
import { expectMatchesOnnxruntime, expectTensorsClose, FLOAT32_TOLERANCE, runOnnxruntime, runOnnxts, type Tolerance } from '../../support/differential.js';
import { attr, singleNodeModel, type AttributeValue } from '../../support/model-builder.js';
import { Rng, randomTensor } from '../../support/random.js';

const FLOAT16_TOLERANCE: Tolerance = { rtol: 1e-2, atol: 1e-2 };

/** RoIs of the feature map's scale / spatialScale, some reaching past its edges. */
function randomRois(count: number, height: number, width: number, spatialScale: number, rng: Rng): number[][] {
  return Array.from({ length: count }, () => {
    const [x1, y1] = [rng.uniform(-2, width), rng.uniform(-2, height)].map((v) => v / spatialScale);
    const [w, h] = [rng.uniform(0, width * 0.8), rng.uniform(0, height * 0.8)].map((v) => v / spatialScale);
    return [x1, y1, x1 + w, y1 + h];
  });
}

interface AlignCase {
  readonly opset: number;
  readonly type: DataType;
  readonly dims: readonly [number, number, number, number];
  readonly rois: number;
  readonly mode?: string;
  readonly samplingRatio?: number;
  readonly output?: [number, number];
  readonly transform?: 'half_pixel' | 'output_half_pixel';
  readonly spatialScale?: number;
}

const describeAlign = (c: AlignCase): string =>
  `opset ${c.opset} ${c.type} ${c.mode ?? 'avg'} sampling_ratio ${c.samplingRatio ?? 0} output ${c.output ?? [1, 1]} ${c.transform ?? 'default'} scale ${c.spatialScale ?? 1}`;

function alignModel(c: AlignCase, rng: Rng): { model: Uint8Array; feeds: Record<string, Tensor> } {
  const scale = c.spatialScale ?? 1;
  const attributes: Record<string, AttributeValue> = { spatial_scale: attr.float(scale) };
  if (c.mode) attributes.mode = attr.string(c.mode);
  if (c.samplingRatio !== undefined) attributes.sampling_ratio = attr.int(c.samplingRatio);
  if (c.output) [attributes.output_height, attributes.output_width] = c.output.map(attr.int);
  if (c.transform) attributes.coordinate_transformation_mode = attr.string(c.transform);
  const model = singleNodeModel(
    'RoiAlign',
    [{ name: 'x', type: c.type, shape: [...c.dims] }, { name: 'rois', type: c.type, shape: [c.rois, 4] }, { name: 'batch_indices', type: 'int64', shape: [c.rois] }],
    [{ name: 'y', type: c.type }],
    { opset: c.opset, attributes },
  );
  const rois = randomRois(c.rois, c.dims[2], c.dims[3], scale, rng).flat();
  return {
    model,
    feeds: {
      x: randomTensor(c.type, c.dims, rng, -2, 2),
      rois: c.type === 'float64' ? new Tensor('float64', Float64Array.from(rois), [c.rois, 4]) : new Tensor('float32', Float32Array.from(rois), [c.rois, 4]),
      batch_indices: new Tensor('int64', BigInt64Array.from({ length: c.rois }, () => BigInt(rng.int(0, c.dims[0] - 1))), [c.rois]),
    },
  };
}

/** Runs ours as `c` and onnxruntime as `oracle` (an opset or type it implements) on the same values. */
async function expectAlignMatches(c: AlignCase, oracle: AlignCase, seed: number, tolerance?: Tolerance): Promise<void> {
  const { model, feeds } = alignModel(oracle, new Rng(seed));
  const ourFeeds = { ...feeds };
  if (c.type === 'float16') {
    for (const name of ['x', 'rois']) {
      const half = Uint16Array.from(feeds[name].data as Float32Array, numberToFloat16Bits);
      ourFeeds[name] = new Tensor('float16', half, feeds[name].dims);
      feeds[name] = new Tensor('float32', Float32Array.from(half, float16BitsToNumber), feeds[name].dims);
    }
  }
  const ours = (await runOnnxts(alignModel(c, new Rng(seed)).model, ourFeeds)).y;
  const theirs = (await runOnnxruntime(model, feeds)).y;
  const decoded = c.type === 'float16' ? { type: 'float32', dims: ours.dims, data: Float32Array.from(ours.data as Uint16Array, float16BitsToNumber) } : ours;
  expectTensorsClose(decoded, theirs, tolerance ?? FLOAT32_TOLERANCE, describeAlign(c));
}

describe('RoiAlign against onnxruntime', () => {
  const cases: AlignCase[] = [];
  for (const opset of [10, 16]) {
    for (const mode of ['avg', 'max'] as const) {
      for (const samplingRatio of [0, 1, 2]) {
        for (const transform of opset === 10 ? [undefined] : (['half_pixel', 'output_half_pixel'] as const)) {
          const output: [number, number] = [1 + samplingRatio, 3 - samplingRatio];
          cases.push({ opset, type: 'float32', dims: [2, 3, 10, 12], rois: 6, mode, samplingRatio, output, transform, spatialScale: samplingRatio === 1 ? 0.5 : 1 });
        }
      }
    }
  }
  it.each(cases.map((c, i) => [describeAlign(c), c, i] as const))('%s', async (_, c, i) => {
    const { model, feeds } = alignModel(c, new Rng(i));
    await expectMatchesOnnxruntime(model, feeds, undefined, describeAlign(c));
  });

  it('defaults: avg, 1×1 output, adaptive sampling, half_pixel', async () => {
    const c: AlignCase = { opset: 16, type: 'float32', dims: [1, 2, 6, 6], rois: 5 };
    const { model, feeds } = alignModel(c, new Rng(3));
    await expectMatchesOnnxruntime(model, feeds);
  });

  it('float64', async () => {
    const c: AlignCase = { opset: 16, type: 'float64', dims: [1, 2, 8, 8], rois: 4, output: [3, 2], mode: 'max' };
    const { model, feeds } = alignModel(c, new Rng(7));
    await expectMatchesOnnxruntime(model, feeds);
  });

  // onnxruntime implements neither opset 22 nor float16 RoiAlign: opset 16 float32 on the same values is the oracle.
  it.each(['avg', 'max'] as const)('opset 22 (%s) agrees with opset 16', async (mode) => {
    const c: AlignCase = { opset: 22, type: 'float32', dims: [2, 2, 7, 9], rois: 5, mode, output: [2, 3], transform: 'output_half_pixel' };
    await expectAlignMatches(c, { ...c, opset: 16 }, 22);
  });

  it('float16 agrees with float32 on the same values', async () => {
    const c: AlignCase = { opset: 16, type: 'float16', dims: [1, 2, 8, 8], rois: 4, output: [3, 2], samplingRatio: 2 };
    await expectAlignMatches(c, { ...c, type: 'float32' }, 16, FLOAT16_TOLERANCE);
  });
});

describe('RoiAlign input errors', () => {
  const c: AlignCase = { opset: 16, type: 'float32', dims: [2, 1, 4, 4], rois: 1 };
  it('a batch index outside the batch', async () => {
    const { model, feeds } = alignModel(c, new Rng(1));
    feeds.batch_indices = new Tensor('int64', BigInt64Array.from([2n]), [1]);
    await expect(runOnnxts(model, feeds)).rejects.toThrow(/RoI 0 refers to batch index 2, outside 0..1/);
  });
  it('a RoI so large its adaptive sampling grid would not end', async () => {
    const { model, feeds } = alignModel(c, new Rng(1));
    feeds.rois = new Tensor('float32', Float32Array.from([0, 0, 1e9, 1e9]), [1, 4]);
    await expect(runOnnxts(model, feeds)).rejects.toThrow(/RoI 0 would be sampled at \d+×\d+ points/);
  });
  it('an unknown mode', async () => {
    const { model, feeds } = alignModel({ ...c, mode: 'sum' }, new Rng(1));
    await expect(runOnnxts(model, feeds)).rejects.toThrow(/'mode' must be 'avg' or 'max', got 'sum'/);
  });
});

function roiPoolModel(dims: readonly number[], pooled: [number, number], spatialScale: number, rois: number[][]): { model: Uint8Array; roisTensor: Tensor } {
  const model = singleNodeModel(
    'MaxRoiPool',
    [{ name: 'x', type: 'float32', shape: [...dims] }, { name: 'rois', type: 'float32', shape: [rois.length, 5] }],
    [{ name: 'y', type: 'float32' }],
    { opset: 1, attributes: { pooled_shape: attr.ints(pooled), spatial_scale: attr.float(spatialScale) } },
  );
  return { model, roisTensor: new Tensor('float32', Float32Array.from(rois.flat()), [rois.length, 5]) };
}

describe('MaxRoiPool against onnxruntime', () => {
  it.each([
    [[1, 1], 1], [[2, 2], 1], [[3, 2], 0.5], [[7, 7], 0.0625], [[4, 5], 0.25],
  ] as [[number, number], number][])('pooled %j, spatial_scale %f', async (pooled, scale) => {
    const rng = new Rng(pooled[0] * 10 + pooled[1]);
    const dims = [2, 3, 9, 11];
    const rois = randomRois(8, 9, 11, scale, rng).map((r) => [rng.int(0, 1), ...r]);
    // Coordinates exactly on .5 after scaling check rounding away from zero, negative ones included.
    rois.push([1, -2.5 / scale, 1.5 / scale, 4.5 / scale, 2.5 / scale], [0, 20 / scale, 20 / scale, 30 / scale, 30 / scale]);
    const { model, roisTensor } = roiPoolModel(dims, pooled, scale, rois);
    await expectMatchesOnnxruntime(model, { x: randomTensor('float32', dims, rng, -2, 2), rois: roisTensor });
  });

  it('a RoI whose batch index is outside the batch is an error', async () => {
    const { model, roisTensor } = roiPoolModel([1, 1, 4, 4], [2, 2], 1, [[3, 0, 0, 2, 2]]);
    await expect(runOnnxts(model, { x: randomTensor('float32', [1, 1, 4, 4], new Rng(1)), rois: roisTensor })).rejects.toThrow(/RoI 0 refers to batch index 3, outside 0..0/);
  });
});
