import { describe, expect, it } from 'vitest';
import { Tensor } from '../../../src/index.js';
import type { DataType } from '../../../src/tensor/element-type.js';
import { float16BitsToNumber } from '../../../src/tensor/numeric/float16.js';
import { expectMatchesOnnxruntime, runOnnxts } from '../../support/differential.js';
import { attr, buildModel, type AttributeValue } from '../../support/model-builder.js';
import { Rng, randomTensor } from '../../support/random.js';
import { naiveDft, type Complex } from './naive-dft.js';

interface DftModel {
  readonly opset: 17 | 20;
  readonly type: DataType;
  readonly dims: readonly number[];
  readonly inverse?: boolean;
  readonly onesided?: boolean;
  /** Opset 17: the attribute; opset 20: fed as the axis input. */
  readonly axis?: number;
  readonly dftLength?: number;
}

function dftModel(c: DftModel): { model: Uint8Array; feeds: Record<string, Tensor> } {
  const attributes: Record<string, AttributeValue> = {};
  if (c.inverse) attributes.inverse = attr.int(1);
  if (c.onesided) attributes.onesided = attr.int(1);
  if (c.opset === 17 && c.axis !== undefined) attributes.axis = attr.int(c.axis);
  const feeds: Record<string, Tensor> = {};
  const nodeInputs = ['x', '', ''];
  const inputs = [{ name: 'x', type: c.type, shape: [...c.dims] }];
  if (c.dftLength !== undefined) {
    nodeInputs[1] = 'dft_length';
    inputs.push({ name: 'dft_length', type: 'int64', shape: [] });
    feeds.dft_length = new Tensor('int64', BigInt64Array.from([BigInt(c.dftLength)]), []);
  }
  if (c.opset === 20 && c.axis !== undefined) {
    nodeInputs[2] = 'axis';
    inputs.push({ name: 'axis', type: 'int64', shape: [] });
    feeds.axis = new Tensor('int64', BigInt64Array.from([BigInt(c.axis)]), []);
  }
  while (nodeInputs[nodeInputs.length - 1] === '') nodeInputs.pop();
  const model = buildModel({
    nodes: [{ op: 'DFT', inputs: nodeInputs, outputs: ['y'], attributes }],
    inputs,
    outputs: [{ name: 'y', type: c.type }],
    opsets: { '': c.opset },
  });
  return { model, feeds };
}

async function runDft(c: DftModel, x: Tensor): Promise<Tensor> {
  const { model, feeds } = dftModel(c);
  return (await runOnnxts(model, { ...feeds, x })).y as Tensor;
}

/** Lane `lane` of a [lanes, n, parts] array as complex numbers. */
function laneOf(data: ArrayLike<number>, lane: number, n: number, parts: number): Complex {
  const re: number[] = [];
  const im: number[] = [];
  for (let k = 0; k < n; k++) {
    re.push(data[(lane * n + k) * parts]);
    im.push(parts === 2 ? data[(lane * n + k) * parts + 1] : 0);
  }
  return { re, im };
}

function expectClose(actual: ArrayLike<number>, expected: readonly number[], tolerance: number, label: string): void {
  expect(actual.length, `${label}: length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (Math.abs(actual[i] - expected[i]) > tolerance) expect.fail(`${label}: element ${i} is ${actual[i]}, expected ${expected[i]}`);
  }
}

const interleave = (z: Complex, scale = 1): number[] => z.re.flatMap((r, k) => [r * scale, z.im[k] * scale]);

describe('DFT against a direct O(n²) DFT in float64', () => {
  // Powers of two take the radix-2 FFT; the rest take Bluestein, including long primes.
  const lengths = [1, 2, 3, 4, 5, 7, 8, 12, 16, 17, 64, 97, 100, 128, 255, 1031];
  it.each(lengths)('complex length %i, forward and inverse', async (n) => {
    const x = randomTensor('float64', [2, n, 2], new Rng(n), -1, 1);
    for (const inverse of [false, true]) {
      const y = await runDft({ opset: 20, type: 'float64', dims: [2, n, 2], inverse }, x);
      expect(y.dims).toEqual([2, n, 2]);
      for (let lane = 0; lane < 2; lane++) {
        const expected = interleave(naiveDft(laneOf(x.data as Float64Array, lane, n, 2), inverse), inverse ? 1 / n : 1);
        const got = (y.data as Float64Array).subarray(lane * n * 2, (lane + 1) * n * 2);
        expectClose(got, expected, 1e-12 * n, `n=${n} lane ${lane}${inverse ? ' inverse' : ''}`);
      }
    }
  });

  it('a length-4099 prime stays accurate through Bluestein', async () => {
    const n = 4099;
    const x = randomTensor('float64', [1, n, 1], new Rng(4099), -1, 1);
    const y = await runDft({ opset: 20, type: 'float64', dims: [1, n, 1] }, x);
    const expected = interleave(naiveDft(laneOf(x.data as Float64Array, 0, n, 1), false));
    expectClose(y.data as Float64Array, expected, 1e-10, 'n=4099');
  });

  it('dft_length zero-pads and truncates the signal', async () => {
    const x = randomTensor('float64', [3, 6, 1], new Rng(6), -1, 1);
    for (const dftLength of [4, 6, 9, 16]) {
      const y = await runDft({ opset: 20, type: 'float64', dims: [3, 6, 1], dftLength }, x);
      expect(y.dims).toEqual([3, dftLength, 2]);
      for (let lane = 0; lane < 3; lane++) {
        const signal = laneOf(x.data as Float64Array, lane, 6, 1);
        const fitted = { re: Array.from({ length: dftLength }, (_, k) => signal.re[k] ?? 0), im: new Array<number>(dftLength).fill(0) };
        const got = (y.data as Float64Array).subarray(lane * dftLength * 2, (lane + 1) * dftLength * 2);
        expectClose(got, interleave(naiveDft(fitted, false)), 1e-12, `dft_length ${dftLength} lane ${lane}`);
      }
    }
  });

  it('onesided forward keeps bins 0..n/2 and onesided inverse (IRFFT) recovers the signal', async () => {
    for (const n of [8, 9, 10, 15]) {
      const x = randomTensor('float64', [2, n, 1], new Rng(n + 100), -1, 1);
      const half = Math.floor(n / 2) + 1;
      const spectrum = await runDft({ opset: 20, type: 'float64', dims: [2, n, 1], onesided: true }, x);
      expect(spectrum.dims).toEqual([2, half, 2]);
      for (let lane = 0; lane < 2; lane++) {
        const full = interleave(naiveDft(laneOf(x.data as Float64Array, lane, n, 1), false));
        expectClose((spectrum.data as Float64Array).subarray(lane * half * 2, (lane + 1) * half * 2), full.slice(0, half * 2), 1e-12 * n, `rfft n=${n}`);
      }
      // Odd lengths need dft_length: the default, 2 * (bins - 1), is always even.
      const back = await runDft({ opset: 20, type: 'float64', dims: [2, half, 2], onesided: true, inverse: true, dftLength: n }, spectrum);
      expect(back.dims).toEqual([2, n, 1]);
      expectClose(back.data as Float64Array, Array.from(x.data as Float64Array), 1e-12 * n, `irfft n=${n}`);
    }
  });

  it('IRFFT without dft_length returns 2 * (bins - 1) samples', async () => {
    const spectrum = randomTensor('float64', [1, 5, 2], new Rng(5), -1, 1);
    const y = await runDft({ opset: 20, type: 'float64', dims: [1, 5, 2], onesided: true, inverse: true }, spectrum);
    expect(y.dims).toEqual([1, 8, 1]);
  });

  it.each([
    [20, 0], [20, 1], [20, 2], [20, -2], [20, -4], [17, 0], [17, 2], [17, -3],
  ] as const)('opset %i along axis %i of a [3, 4, 5, 2] tensor', async (opset, axis) => {
    const dims = [3, 4, 5, 2];
    const x = randomTensor('float64', dims, new Rng(axis + 10), -1, 1);
    const y = await runDft({ opset, type: 'float64', dims, axis }, x);
    const a = axis < 0 ? axis + 4 : axis;
    const n = dims[a];
    const inner = dims.slice(a + 1, -1).reduce((p, d) => p * d, 1);
    const outer = dims.slice(0, a).reduce((p, d) => p * d, 1);
    const data = x.data as Float64Array;
    const out = y.data as Float64Array;
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        const at = (k: number) => ((o * n + k) * inner + i) * 2;
        const lane = { re: Array.from({ length: n }, (_, k) => data[at(k)]), im: Array.from({ length: n }, (_, k) => data[at(k) + 1]) };
        const expected = naiveDft(lane, false);
        expectClose(Array.from({ length: n }, (_, k) => out[at(k)]), expected.re, 1e-12, `re o=${o} i=${i}`);
        expectClose(Array.from({ length: n }, (_, k) => out[at(k) + 1]), expected.im, 1e-12, `im o=${o} i=${i}`);
      }
    }
  });

  it('float16 is computed in double precision and rounded once', async () => {
    const x = randomTensor('float16', [1, 12, 1], new Rng(16), -1, 1);
    const y = await runDft({ opset: 20, type: 'float16', dims: [1, 12, 1] }, x);
    const values = Array.from(x.data as Uint16Array, float16BitsToNumber);
    const expected = interleave(naiveDft({ re: values, im: values.map(() => 0) }, false));
    expectClose(Array.from(y.data as Uint16Array, float16BitsToNumber), expected, 5e-3, 'float16');
  });
});

describe('DFT against onnxruntime (float32)', () => {
  const cases: DftModel[] = [
    { opset: 17, type: 'float32', dims: [2, 16, 1] },
    { opset: 17, type: 'float32', dims: [2, 12, 2], inverse: true },
    { opset: 17, type: 'float32', dims: [2, 10, 1], onesided: true },
    { opset: 17, type: 'float32', dims: [3, 7, 4, 2], axis: 2, dftLength: 9 },
    { opset: 20, type: 'float32', dims: [2, 5, 6, 1], axis: 1 },
    { opset: 20, type: 'float32', dims: [2, 5, 6, 2], axis: -3, inverse: true },
    { opset: 20, type: 'float32', dims: [4, 13, 1], onesided: true, dftLength: 20 },
  ];
  it.each(cases.map((c) => [JSON.stringify(c), c] as const))('%s', async (_, c) => {
    const { model, feeds } = dftModel(c);
    await expectMatchesOnnxruntime(model, { ...feeds, x: randomTensor(c.type, c.dims, new Rng(c.dims[1]), -2, 2) }, { rtol: 1e-4, atol: 1e-4 });
  });
});

describe('DFT input errors', () => {
  const x = (dims: number[]) => randomTensor('float32', dims, new Rng(1));
  it('the complex dimension is not a signal axis', async () => {
    await expect(runDft({ opset: 20, type: 'float32', dims: [2, 4, 1], axis: -1 }, x([2, 4, 1]))).rejects.toThrow(/axis -1 is out of range for rank 3/);
  });
  it('the last dimension must be 1 or 2', async () => {
    await expect(runDft({ opset: 20, type: 'float32', dims: [2, 4, 3] }, x([2, 4, 3]))).rejects.toThrow(/must end in a dimension of 1 \(real\) or 2 \(complex\)/);
  });
  it('RFFT takes a real signal and IRFFT a complex spectrum', async () => {
    await expect(runDft({ opset: 20, type: 'float32', dims: [2, 4, 2], onesided: true }, x([2, 4, 2]))).rejects.toThrow(/RFFT\) needs a real input/);
    await expect(runDft({ opset: 20, type: 'float32', dims: [2, 4, 1], onesided: true, inverse: true }, x([2, 4, 1]))).rejects.toThrow(/IRFFT\) needs a complex input/);
  });
  it('dft_length must be positive', async () => {
    await expect(runDft({ opset: 20, type: 'float32', dims: [2, 4, 1], dftLength: 0 }, x([2, 4, 1]))).rejects.toThrow(/dft_length must be a positive integer, got 0/);
  });
  it('an absurd dft_length is refused before allocating', async () => {
    await expect(runDft({ opset: 20, type: 'float32', dims: [2, 4, 1], dftLength: 2 ** 40 }, x([2, 4, 1]))).rejects.toThrow(/more than the limit/);
  });
});
