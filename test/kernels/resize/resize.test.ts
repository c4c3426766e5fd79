import { describe, expect, it } from 'vitest';
import { Tensor } from '../../../src/index.js';
import type { DataType } from '../../../src/tensor/element-type.js';
import { expectMatchesOnnxruntime, runOnnxts, type Tolerance } from '../../support/differential.js';
import { attr, singleNodeModel } from '../../support/model-builder.js';
import { Rng, randomTensor } from '../../support/random.js';
import { numbersOf } from '../reduce/naive-reduce.js';
import { resizeModel, type ResizeCase } from './resize-model.js';

const NCHW = [2, 3, 5, 7];
/** Up, down and mixed scalings of the spatial dims of NCHW. */
const SCALINGS: { name: string; scales: number[]; sizes: number[] }[] = [
  { name: 'upsampling', scales: [1, 1, 2.2, 1.6], sizes: [2, 3, 9, 12] },
  { name: 'downsampling', scales: [1, 1, 0.6, 0.45], sizes: [2, 3, 3, 4] },
  { name: 'mixed', scales: [1, 1, 0.5, 1.8], sizes: [2, 3, 2, 11] },
];

async function expectOrt(c: ResizeCase, seed: number, tol?: Tolerance): Promise<void> {
  const { model, feeds } = resizeModel(c);
  const type = c.type ?? 'float32';
  // Integers span a useful range; floats stay near 1 so float32 rounding in onnxruntime stays within atol.
  const [low, high] = type === 'uint8' ? [0, 255] : /int/.test(type) ? [-100, 100] : [-2, 2];
  const x = randomTensor(type, c.dims, new Rng(seed), low, high);
  await expectMatchesOnnxruntime(model, { ...feeds, x }, tol, JSON.stringify({ ...c, attributes: Object.keys(c.attributes ?? {}) }));
}

const coordinate = (mode: string) => ({ coordinate_transformation_mode: attr.string(mode) });

describe('Resize against onnxruntime on NCHW inputs with odd sizes', () => {
  const coordinateModes = ['half_pixel', 'pytorch_half_pixel', 'asymmetric', 'align_corners', 'half_pixel_symmetric'];

  for (const mode of ['linear', 'cubic']) {
    for (const coordinateMode of coordinateModes) {
      it.each(SCALINGS)(`${mode}, ${coordinateMode}, %s`, async ({ scales, sizes }) => {
        // align_corners with a fractional output length is where onnxruntime and the ONNX
        // reference part ways (the node tests follow the reference): sizes only there.
        if (coordinateMode !== 'align_corners') await expectOrt({ dims: NCHW, mode, scales, attributes: coordinate(coordinateMode) }, 1);
        await expectOrt({ dims: NCHW, mode, sizes, attributes: coordinate(coordinateMode) }, 2);
      });
    }
  }

  for (const nearestMode of ['round_prefer_floor', 'round_prefer_ceil', 'floor', 'ceil']) {
    for (const coordinateMode of [...coordinateModes, 'tf_half_pixel_for_nn']) {
      it.each(SCALINGS)(`nearest (${nearestMode}), ${coordinateMode}, %s`, async ({ scales, sizes }) => {
        const attributes = { ...coordinate(coordinateMode), nearest_mode: attr.string(nearestMode) };
        const opset = coordinateMode === 'tf_half_pixel_for_nn' ? 11 : 19;
        if (coordinateMode !== 'align_corners') await expectOrt({ dims: NCHW, opset, mode: 'nearest', scales, attributes }, 3);
        await expectOrt({ dims: NCHW, opset, mode: 'nearest', sizes, attributes }, 4);
      });
    }
  }

  it('breaks float32 near-ties as exact arithmetic does', async () => {
    for (const nearestMode of ['round_prefer_floor', 'round_prefer_ceil']) {
      const attributes = { nearest_mode: attr.string(nearestMode) };
      // Output 4 samples 14.5 exactly; float32 arithmetic lands an ulp below.
      await expectOrt({ dims: [1, 1, 1, 20], mode: 'nearest', sizes: [1, 1, 1, 6], attributes }, 25);
      await expectOrt({ dims: [1, 1, 1, 7], mode: 'nearest', sizes: [1, 1, 1, 4], attributes: { ...attributes, ...coordinate('asymmetric') } }, 26);
    }
  });

  it('ranks other than 4', async () => {
    for (const mode of ['nearest', 'linear', 'cubic']) await expectOrt({ dims: [6, 9], mode, scales: [1.5, 0.5] }, 27);
    for (const mode of ['nearest', 'linear']) await expectOrt({ dims: [3, 4, 5], mode, sizes: [5, 2, 8] }, 28);
    await expectOrt({ dims: [9], mode: 'nearest', scales: [0.7] }, 29);
    await expectOrt({ dims: [2, 3, 3, 4, 5], mode: 'nearest', scales: [1, 1, 2, 0.5, 1.5] }, 30);
    await expectOrt({ dims: [1, 2, 3, 4, 5], mode: 'linear', scales: [1, 1, 2, 0.5, 1.5] }, 31);
  });

  it.each(['nearest', 'linear', 'cubic'])('%s with tf_crop_and_resize, a roi and extrapolation_value', async (mode) => {
    const roi = [0, 0, 0.2, -0.1, 1, 1, 0.9, 1.3];
    for (const { sizes } of SCALINGS) {
      await expectOrt({ dims: NCHW, mode, sizes, roi, attributes: coordinate('tf_crop_and_resize') }, 5);
      await expectOrt({ dims: NCHW, mode, sizes, roi, attributes: { ...coordinate('tf_crop_and_resize'), extrapolation_value: attr.float(-7.5) } }, 6);
    }
  });

  it('cubic with cubic_coeff_a and exclude_outside', async () => {
    for (const { scales, sizes } of SCALINGS) {
      const attributes = { cubic_coeff_a: attr.float(-0.5), exclude_outside: attr.int(1) };
      await expectOrt({ dims: NCHW, mode: 'cubic', scales, attributes }, 7);
      await expectOrt({ dims: NCHW, mode: 'cubic', sizes, attributes: { ...attributes, ...coordinate('align_corners') } }, 8);
    }
  });

  it.each(['linear', 'cubic'])('%s with antialias', async (mode) => {
    for (const { scales, sizes } of SCALINGS) {
      await expectOrt({ dims: [1, 2, 11, 9], mode, scales, attributes: { antialias: attr.int(1) } }, 9);
      await expectOrt({ dims: [1, 2, 11, 9], mode, sizes: [1, 2, sizes[2], sizes[3]], attributes: { antialias: attr.int(1), ...coordinate('asymmetric') } }, 10);
    }
    await expectOrt({ dims: [1, 1, 23, 17], mode, scales: [1, 1, 0.2, 0.3], attributes: { antialias: attr.int(1), exclude_outside: attr.int(1) } }, 11);
  });

  it.each(['not_larger', 'not_smaller', 'stretch'])('keep_aspect_ratio_policy %s', async (policy) => {
    const attributes = { keep_aspect_ratio_policy: attr.string(policy) };
    for (const mode of ['nearest', 'linear']) {
      await expectOrt({ dims: NCHW, mode, sizes: [7, 4], attributes: { ...attributes, axes: attr.ints([2, 3]) } }, 12);
    }
    // Without axes the policy scales N and C too, which onnxruntime's linear kernel refuses.
    await expectOrt({ dims: NCHW, mode: 'nearest', sizes: [2, 3, 12, 3], attributes }, 13);
  });

  it('axes, in either order and negative', async () => {
    for (const mode of ['nearest', 'linear', 'cubic']) {
      await expectOrt({ dims: NCHW, mode, scales: [1.5, 0.7], attributes: { axes: attr.ints([2, 3]) } }, 14);
      await expectOrt({ dims: NCHW, mode, scales: [0.7, 1.5], attributes: { axes: attr.ints([-1, -2]) } }, 15);
      await expectOrt({ dims: NCHW, mode, sizes: [4, 9], attributes: { axes: attr.ints([3, 2]) } }, 16);
    }
  });

  it('opsets 10, 11 and 13', async () => {
    for (const mode of ['nearest', 'linear']) {
      await expectOrt({ dims: NCHW, opset: 10, mode, scales: [1, 1, 2, 1.5] }, 17);
      await expectOrt({ dims: NCHW, opset: 10, mode, scales: [1, 1, 0.6, 0.5] }, 18);
      for (const opset of [11, 13]) {
        await expectOrt({ dims: NCHW, opset, mode, scales: [1, 1, 1.4, 0.8] }, 19);
        await expectOrt({ dims: NCHW, opset, mode, sizes: [2, 3, 8, 3] }, 20);
      }
    }
  });

  it('empty tensors', async () => {
    for (const mode of ['nearest', 'linear', 'cubic']) {
      await expectOrt({ dims: [0, 3, 5, 7], mode, scales: [1, 1, 2, 0.5] }, 21);
      // onnxruntime rejects the zero scale a zero size implies, so only the shape is checked here.
      const { model, feeds } = resizeModel({ dims: NCHW, mode, sizes: [2, 3, 0, 4] });
      const y = (await runOnnxts(model, { ...feeds, x: randomTensor('float32', NCHW, new Rng(22)) })).y;
      expect(y.dims).toEqual([2, 3, 0, 4]);
    }
  });

  it.each(['float16', 'int32', 'uint8', 'int8'] as DataType[])('%s', async (type) => {
    // Integer results are truncated, so an ulp of float32 rounding in onnxruntime can move them by 1.
    const tol = type === 'float16' ? { rtol: 2e-3, atol: 1e-2 } : type === 'float32' ? undefined : { rtol: 0, atol: 1 };
    for (const { scales, sizes } of SCALINGS) {
      for (const mode of ['nearest', 'linear']) {
        await expectOrt({ dims: NCHW, type, mode, scales }, 23, tol);
        await expectOrt({ dims: NCHW, type, mode, sizes, attributes: coordinate('align_corners') }, 24, tol);
      }
    }
  });
});

describe('Resize where onnxruntime departs from the ONNX reference', () => {
  it('align_corners divides by the fractional output width a non-integral scale implies', async () => {
    // The spec's example: scales 0.6 on a 2 × 4 input give a 1 × 2 output whose second element
    // samples x = 1 × 3 / (4 × 0.6 - 1) = 2.142857 on the first row.
    const { model, feeds } = resizeModel({ dims: [1, 1, 2, 4], mode: 'linear', scales: [1, 1, 0.6, 0.6], attributes: coordinate('align_corners') });
    const x = new Tensor('float32', [1, 2, 3, 4, 5, 6, 7, 8], [1, 1, 2, 4]);
    const y = (await runOnnxts(model, { ...feeds, x })).y;
    expect(y.dims).toEqual([1, 1, 1, 2]);
    expect(Array.from(y.data as Float32Array).map((v) => +v.toFixed(5))).toEqual([1, 3.14286]);
  });
});

describe('Resize on types onnxruntime has no kernel for', () => {
  /** Our float32 result on an input holding each element's own index tells where each output element comes from. */
  async function sourceIndices(c: ResizeCase): Promise<number[]> {
    const { model, feeds } = resizeModel({ ...c, type: 'float32' });
    const size = c.dims.reduce((a, b) => a * b, 1);
    const x = new Tensor('float32', Float32Array.from({ length: size }, (_, i) => i), [...c.dims]);
    return Array.from((await runOnnxts(model, { ...feeds, x })).y.data as Float32Array);
  }

  it.each(['float64', 'int64', 'uint64', 'bool', 'string', 'bfloat16', 'uint16', 'int16'] as DataType[])('nearest copies %s elements', async (type) => {
    const c: ResizeCase = { dims: NCHW, type, mode: 'nearest', scales: [1, 1, 1.7, 0.6], attributes: { nearest_mode: attr.string('ceil') } };
    const expected = await sourceIndices(c);
    const x = randomTensor(type, NCHW, new Rng(30), 0, 50);
    const { model, feeds } = resizeModel(c);
    const y = (await runOnnxts(model, { ...feeds, x })).y;
    const source = x.data as ArrayLike<unknown>;
    expect(Array.from(y.data as ArrayLike<unknown>)).toEqual(expected.map((i) => source[i]));
  });

  it.each(['float64', 'int64', 'bfloat16'] as DataType[])('linear interpolates %s as float32 does, then converts', async (type) => {
    const c: ResizeCase = { dims: [1, 2, 3, 5], mode: 'linear', scales: [1, 1, 2.5, 0.7] };
    const x = randomTensor(type, c.dims, new Rng(31), -20, 20);
    const asFloat32 = new Tensor('float32', Float32Array.from(numbersOf(x)), [...c.dims]);
    const { model: float32Model, feeds } = resizeModel(c);
    const expected = numbersOf((await runOnnxts(float32Model, { ...feeds, x: asFloat32 })).y);
    const got = numbersOf((await runOnnxts(resizeModel({ ...c, type }).model, { ...feeds, x })).y);
    expect(got).toHaveLength(expected.length);
    got.forEach((g, i) => {
      const e = type === 'int64' ? Math.trunc(expected[i]) : expected[i];
      const tolerance = type === 'bfloat16' ? 0.01 * Math.abs(e) + 0.01 : type === 'int64' ? 0 : 1e-5 * Math.abs(e);
      expect(Math.abs(g - e), `element ${i}: ${g} vs ${e}`).toBeLessThanOrEqual(tolerance);
    });
  });
});

describe('Upsample', () => {
  it.each(['nearest', 'linear'])('%s at opsets 7 and 9 matches onnxruntime', async (mode) => {
    const rng = new Rng(40);
    const x = randomTensor('float32', NCHW, rng, -5, 5);
    for (const scales of [[1, 1, 2, 3], [1, 1, 1.5, 2.5]]) {
      const m7 = singleNodeModel('Upsample', [{ name: 'x', type: 'float32', shape: NCHW }], [{ name: 'y', type: 'float32' }], {
        opset: 7, attributes: { mode: attr.string(mode), scales: attr.floats(scales) },
      });
      await expectMatchesOnnxruntime(m7, { x });
      const m9 = singleNodeModel('Upsample', [{ name: 'x', type: 'float32', shape: NCHW }, { name: 's', type: 'float32', shape: [4] }], [{ name: 'y', type: 'float32' }], {
        opset: 9, attributes: { mode: attr.string(mode) },
      });
      await expectMatchesOnnxruntime(m9, { x, s: new Tensor('float32', scales, [4]) });
    }
  });

  it('rejects scales below 1', async () => {
    const model = singleNodeModel('Upsample', [{ name: 'x', type: 'float32', shape: [1, 1, 2, 2] }], [{ name: 'y', type: 'float32' }], {
      opset: 7, attributes: { scales: attr.floats([1, 1, 0.5, 2]) },
    });
    await expect(runOnnxts(model, { x: randomTensor('float32', [1, 1, 2, 2], new Rng(41)) })).rejects.toThrow(/at least 1/);
  });
});

describe('Resize rejects bad inputs before allocating', () => {
  const x = randomTensor('float32', [1, 1, 4, 4], new Rng(50));
  const run = (c: ResizeCase, input: Tensor = x) => {
    const { model, feeds } = resizeModel(c);
    return runOnnxts(model, { ...feeds, x: input });
  };

  it('both or neither of scales and sizes', async () => {
    await expect(run({ dims: [1, 1, 4, 4], scales: [1, 1, 2, 2], sizes: [1, 1, 8, 8] })).rejects.toThrow(/only one/);
    await expect(run({ dims: [1, 1, 4, 4] })).rejects.toThrow(/one of scales and sizes/);
  });

  it('negative, huge or miscounted sizes and bad scales', async () => {
    await expect(run({ dims: [1, 1, 4, 4], sizes: [1, 1, -2, 4] })).rejects.toThrow(/invalid size/);
    await expect(run({ dims: [1, 1, 4, 4], sizes: [1, 1, 2 ** 40, 2 ** 20] })).rejects.toThrow(/limit/);
    await expect(run({ dims: [1, 1, 4, 4], scales: [1, 1, 2 ** 40, 2 ** 20] })).rejects.toThrow(/limit/);
    await expect(run({ dims: [1, 1, 4, 4], sizes: [8, 8] })).rejects.toThrow(/rank 4/);
    await expect(run({ dims: [1, 1, 4, 4], scales: [1, 1, 0, 2] })).rejects.toThrow(/greater than 0/);
    await expect(run({ dims: [1, 1, 4, 4], scales: [1, 1, NaN, 2] })).rejects.toThrow(/greater than 0/);
  });

  it('unknown modes and interpolating strings', async () => {
    await expect(run({ dims: [1, 1, 4, 4], scales: [1, 1, 2, 2], mode: 'bilinear' })).rejects.toThrow(/mode/);
    await expect(run({ dims: [1, 1, 4, 4], scales: [1, 1, 2, 2], attributes: coordinate('half_pixel_symmetric'), opset: 18 })).rejects.toThrow(/coordinate_transformation_mode/);
    const strings = new Tensor('string', Array.from({ length: 16 }, (_, i) => `s${i}`), [1, 1, 4, 4]);
    await expect(run({ dims: [1, 1, 4, 4], type: 'string', scales: [1, 1, 2, 2], mode: 'linear' }, strings)).rejects.toThrow(/nearest/);
  });
});
