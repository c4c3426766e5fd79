/**
 * Resize over the last two dims of float32 NCHW tensors on the elementwise WebAssembly module
 * against the TypeScript loops it stands in for (env.wasm.simd = false), on random odd sizes,
 * up- and downscaling, every coordinate_transformation_mode, nearest rounding, linear and cubic
 * (exclude_outside, antialias): nearest exactly, interpolation within 1e-6 of the largest input
 * magnitude. And through a session's second run, where input and output lie in the GEMM heap.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { env } from '../../../src/api/env.js';
import { wasmElementwiseTraffic } from '../../../src/backends/wasm/elementwise-instances.js';
import { InferenceSession, Tensor } from '../../../src/index.js';
import { resample } from '../../../src/kernels/resize/resample.js';
import type { CoordinateMode, NearestMode, ResizeAttributes, ResizeMode } from '../../../src/kernels/resize/resize-attributes.js';
import type { AxisResize } from '../../../src/kernels/resize/resize-target.js';
import { DenseTensor } from '../../../src/tensor/dense-tensor.js';
import { attr, buildModel } from '../../support/model-builder.js';
import { Rng } from '../../support/random.js';

afterEach(() => {
  delete env.wasm.simd;
});

const COORDINATE_MODES: CoordinateMode[] = [
  'half_pixel', 'half_pixel_symmetric', 'pytorch_half_pixel', 'align_corners', 'asymmetric', 'tf_half_pixel_for_nn', 'tf_crop_and_resize',
];
const NEAREST_MODES: NearestMode[] = ['round_prefer_floor', 'round_prefer_ceil', 'floor', 'ceil'];

function attributes(mode: ResizeMode, coordinateMode: CoordinateMode, o: Partial<ResizeAttributes> = {}): ResizeAttributes {
  return {
    mode, coordinateMode, nearestMode: 'round_prefer_floor', cubicCoeffA: -0.75, excludeOutside: false, extrapolationValue: 0,
    antialias: false, axes: undefined, aspectRatioPolicy: 'stretch', minScale: 'positive', ...o,
  };
}

function axis(inLength: number, scale: number, roi: [number, number] = [0, 1]): AxisResize {
  const outLength = Math.floor(inLength * scale);
  return { inLength, outLength, scale, outWidth: inLength * scale, roiStart: roi[0], roiEnd: roi[1] };
}

function randomImage(dims: number[], rng: Rng): DenseTensor {
  const n = dims.reduce((s, d) => s * d, 1);
  return new DenseTensor('float32', dims, Float32Array.from({ length: n }, () => rng.uniform(-4, 4)));
}

/** Resize in the module (checked to have run there) and in TypeScript. */
function both(x: DenseTensor, axes: AxisResize[], attrs: ResizeAttributes, what: string): [Float32Array, Float32Array] {
  const before = { ...wasmElementwiseTraffic() };
  const wasm = resample(x, axes, attrs).data as Float32Array;
  const after = wasmElementwiseTraffic();
  expect(after.copiedFloats + after.operandsInPlace, `${what}: ran in the module`).toBeGreaterThan(before.copiedFloats + before.operandsInPlace);
  env.wasm.simd = false;
  const ts = resample(x, axes, attrs).data as Float32Array;
  delete env.wasm.simd;
  return [wasm, ts];
}

function expectClose(got: Float32Array, want: Float32Array, scale: number, what: string): void {
  expect(got.length, what).toBe(want.length);
  let worst = 0;
  let at = 0;
  for (let i = 0; i < want.length; i++) {
    const error = Math.abs(got[i] - want[i]);
    if (!(error <= worst)) [worst, at] = [error, i];
  }
  expect(worst, `${what}: worst difference at ${at}`).toBeLessThanOrEqual(1e-6 * scale);
}

describe('Resize of NCHW float32 planes in the WebAssembly module', () => {
  it('nearest gives the TypeScript elements exactly, every coordinate and rounding mode', () => {
    const rng = new Rng(31);
    for (let trial = 0; trial < 56; trial++) {
      const coordinateMode = COORDINATE_MODES[trial % COORDINATE_MODES.length];
      const nearestMode = NEAREST_MODES[Math.floor(trial / COORDINATE_MODES.length) % NEAREST_MODES.length];
      const dims = [rng.int(1, 2), rng.int(1, 3), rng.int(3, 19), rng.int(3, 23)];
      const scales = [rng.uniform(0.4, 3.2), rng.uniform(0.4, 3.2)];
      const roi: [number, number] = coordinateMode === 'tf_crop_and_resize' ? [0.1, 0.85] : [0, 1];
      const axes = [axis(dims[0], 1), axis(dims[1], 1), axis(dims[2], scales[0], roi), axis(dims[3], scales[1], roi)];
      if (axes[2].outLength * axes[3].outLength * dims[0] * dims[1] < 64) continue;
      const x = randomImage(dims, rng);
      const what = `nearest ${coordinateMode} ${nearestMode} [${dims}] x [${scales}]`;
      const [wasm, ts] = both(x, axes, attributes('nearest', coordinateMode, { nearestMode }), what);
      expect(wasm, what).toEqual(ts);
    }
  });

  it('nearest integer upscaling (the repeating fast path) matches, factors 2 to 8', () => {
    const rng = new Rng(37);
    for (const factor of [2, 3, 4, 5, 8]) {
      const dims = [1, 3, rng.int(3, 13), rng.int(3, 17)];
      const axes = [axis(1, 1), axis(3, 1), axis(dims[2], factor), axis(dims[3], factor)];
      const x = randomImage(dims, rng);
      const what = `nearest x${factor} [${dims}]`;
      const [wasm, ts] = both(x, axes, attributes('nearest', 'asymmetric', { nearestMode: 'floor' }), what);
      expect(wasm, what).toEqual(ts);
    }
  });

  it('linear and cubic match the float64 loops, every coordinate mode, up and down', () => {
    const rng = new Rng(41);
    const modes: [ResizeMode, Partial<ResizeAttributes>][] = [
      ['linear', {}], ['cubic', {}], ['cubic', { excludeOutside: true, cubicCoeffA: -0.5 }], ['linear', { antialias: true }], ['cubic', { antialias: true }],
    ];
    for (let trial = 0; trial < 70; trial++) {
      const coordinateMode = COORDINATE_MODES[trial % COORDINATE_MODES.length];
      const [mode, options] = modes[Math.floor(trial / COORDINATE_MODES.length) % modes.length];
      const dims = [rng.int(1, 2), rng.int(1, 3), rng.int(2, 21), rng.int(2, 25)];
      const scales = [rng.uniform(0.3, 2.9), rng.uniform(0.3, 2.9)];
      const roi: [number, number] = coordinateMode === 'tf_crop_and_resize' ? [0.05, 0.9] : [0, 1];
      const axes = [axis(dims[0], 1), axis(dims[1], 1), axis(dims[2], scales[0], roi), axis(dims[3], scales[1], roi)];
      if (axes[2].outLength * axes[3].outLength * dims[0] * dims[1] < 64) continue;
      const x = randomImage(dims, rng);
      const what = `${mode} ${JSON.stringify(options)} ${coordinateMode} [${dims}] x [${scales.map((s) => s.toFixed(2))}]`;
      const [wasm, ts] = both(x, axes, attributes(mode, coordinateMode, options), what);
      expectClose(wasm, ts, 4, what);
    }
  });

  it('leaves extrapolating crops, resized leading dims and empty tensors to TypeScript', () => {
    const rng = new Rng(43);
    const x = randomImage([1, 2, 9, 11], rng);
    const before = { ...wasmElementwiseTraffic() };
    const crop = [axis(1, 1), axis(2, 1), axis(9, 2, [-0.2, 1.1]), axis(11, 2, [-0.2, 1.1])];
    resample(x, crop, attributes('linear', 'tf_crop_and_resize', { extrapolationValue: 7 }));
    resample(x, [axis(1, 1), axis(2, 2), axis(9, 2), axis(11, 2)], attributes('linear', 'half_pixel'));
    const empty = resample(randomImage([1, 0, 9, 11], rng), [axis(1, 1), axis(0, 1), axis(9, 2), axis(11, 2)], attributes('nearest', 'half_pixel'));
    expect(empty.dims).toEqual([1, 0, 18, 22]);
    expect(wasmElementwiseTraffic()).toEqual(before);
  });

  it('reads and writes the planes in place on a session\'s later runs', async () => {
    const rng = new Rng(47);
    const dims = [1, 5, 13, 17];
    for (const mode of ['nearest', 'linear', 'cubic']) {
      // Resize between two Relus, so its input and output are activations (graph inputs and outputs are not).
      const model = buildModel({
        nodes: [
          { op: 'Relu', inputs: ['x'], outputs: ['a'] },
          { op: 'Resize', inputs: ['a', '', 'scales'], outputs: ['b'], attributes: { mode: attr.string(mode) } },
          { op: 'Relu', inputs: ['b'], outputs: ['y'] },
        ],
        inputs: [{ name: 'x', type: 'float32', shape: dims }],
        outputs: [{ name: 'y', type: 'float32' }],
        initializers: { scales: new DenseTensor('float32', [4], Float32Array.from([1, 1, 2.5, 1.5])) },
        opsets: { '': 19 },
      });
      const input = { x: new Tensor('float32', randomImage(dims, rng).data as Float32Array, dims) };
      const session = await InferenceSession.create(model);
      await session.run(input);
      const before = { ...wasmElementwiseTraffic() };
      const got = ((await session.run(input)).y.data as Float32Array).slice();
      const after = wasmElementwiseTraffic();
      // The Resize reads and writes the arena; the Relus copy only the graph's input and output.
      expect(after.operandsInPlace - before.operandsInPlace, `${mode}: operands in the heap`).toBe(4);
      expect(after.copiedFloats - before.copiedFloats, `${mode}: copies`).toBe(5 * 13 * 17 + 5 * 32 * 25);
      env.wasm.simd = false;
      const want = (await (await InferenceSession.create(model)).run(input)).y.data as Float32Array;
      delete env.wasm.simd;
      expectClose(got, want, 4, `${mode} through a session`);
    }
  });
});
