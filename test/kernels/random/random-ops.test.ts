import { describe, expect, it } from 'vitest';
import { attr, singleNodeModel, type AttributeValue } from '../../support/model-builder.js';
import { runOnnxts } from '../../support/differential.js';
import { float16BitsToNumber } from '../../../src/tensor/numeric/float16.js';
import type { DataType } from '../../../src/tensor/element-type.js';
import { onnxCodeOf } from '../../../src/tensor/element-type.js';
import { Tensor } from '../../../src/index.js';

async function run(op: string, attributes: Record<string, AttributeValue>, outType: DataType, feeds: Record<string, Tensor> = {}, opset = 22): Promise<Tensor> {
  const inputs = Object.entries(feeds).map(([name, t]) => ({ name, type: t.type as DataType }));
  const model = singleNodeModel(op, inputs, [{ name: 'y', type: outType }], { attributes, opset });
  return (await runOnnxts(model, feeds)).y;
}

function numbers(t: Tensor): number[] {
  if (t.type === 'float16') return Array.from(t.data as Uint16Array, float16BitsToNumber);
  return Array.from(t.data as ArrayLike<number | bigint>, Number);
}

function moments(values: number[]): { mean: number; variance: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return { mean, variance: values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length };
}

const N = 100_000;
// With N samples the sample mean is within 5 standard errors of the truth with overwhelming probability.
const meanBound = (sd: number) => 5 * sd / Math.sqrt(N);

describe('RandomNormal and RandomNormalLike', () => {
  it('draws N(mean, scale^2) in the requested shape and type', async () => {
    const y = await run('RandomNormal', { shape: attr.ints([250, 400]), mean: attr.float(3), scale: attr.float(2), seed: attr.float(1) }, 'float32');
    expect(y.type).toBe('float32');
    expect(y.dims).toEqual([250, 400]);
    const { mean, variance } = moments(numbers(y));
    expect(Math.abs(mean - 3)).toBeLessThan(meanBound(2));
    expect(variance).toBeGreaterThan(4 * 0.97);
    expect(variance).toBeLessThan(4 * 1.03);
    // About 68.3% of a normal lies within one standard deviation.
    const within = numbers(y).filter((v) => Math.abs(v - 3) < 2).length / N;
    expect(within).toBeGreaterThan(0.676);
    expect(within).toBeLessThan(0.69);
  });

  it('gives the same values for the same seed, run after run, and others for another seed', async () => {
    const attrs = (seed: number) => ({ shape: attr.ints([64]), seed: attr.float(seed), dtype: attr.int(onnxCodeOf('float64')) });
    const a = numbers(await run('RandomNormal', attrs(7), 'float64'));
    const b = numbers(await run('RandomNormal', attrs(7), 'float64'));
    const c = numbers(await run('RandomNormal', attrs(8), 'float64'));
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('differs between unseeded runs', async () => {
    const a = numbers(await run('RandomNormal', { shape: attr.ints([32]) }, 'float32'));
    const b = numbers(await run('RandomNormal', { shape: attr.ints([32]) }, 'float32'));
    expect(a).not.toEqual(b);
  });

  it('Like takes the shape and the type of its input, or dtype', async () => {
    const x = new Tensor('float16', new Uint16Array(24), [2, 3, 4]);
    const same = await run('RandomNormalLike', { seed: attr.float(2) }, 'float16', { x });
    expect(same.type).toBe('float16');
    expect(same.dims).toEqual([2, 3, 4]);
    expect(numbers(same).every(Number.isFinite)).toBe(true);
    const ints = new Tensor('int32', new Int32Array(6), [6]);
    const double = await run('RandomNormalLike', { dtype: attr.int(onnxCodeOf('float64')) }, 'float64', { x: ints });
    expect(double.type).toBe('float64');
    await expect(run('RandomNormalLike', {}, 'int32', { x: ints })).rejects.toThrow(/float dtype/);
  });
});

describe('RandomUniform and RandomUniformLike', () => {
  it('draws from [low, high) with the uniform mean and variance', async () => {
    const y = await run('RandomUniform', { shape: attr.ints([N]), low: attr.float(-1), high: attr.float(3), seed: attr.float(5) }, 'float32');
    const values = numbers(y);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(-1);
    expect(Math.max(...values)).toBeLessThan(3);
    const { mean, variance } = moments(values);
    const sd = 4 / Math.sqrt(12);
    expect(Math.abs(mean - 1)).toBeLessThan(meanBound(sd));
    expect(Math.abs(variance - sd * sd)).toBeLessThan(0.03 * sd * sd);
  });

  it('Like follows the input shape; bfloat16 output is stored as bit patterns', async () => {
    const x = new Tensor('float32', new Float32Array(10), [5, 2]);
    const y = await run('RandomUniformLike', { dtype: attr.int(onnxCodeOf('bfloat16')), seed: attr.float(0) }, 'bfloat16', { x });
    expect(y.type).toBe('bfloat16');
    expect(y.dims).toEqual([5, 2]);
  });

  it('rejects low above high, a non-float dtype and shapes too large to generate', async () => {
    await expect(run('RandomUniform', { shape: attr.ints([2]), low: attr.float(2), high: attr.float(1) }, 'float32')).rejects.toThrow(/must not exceed/);
    await expect(run('RandomUniform', { shape: attr.ints([2]), dtype: attr.int(onnxCodeOf('int32')) }, 'int32')).rejects.toThrow(/dtype/);
    await expect(run('RandomUniform', { shape: attr.ints([1 << 20, 1 << 20]) }, 'float32')).rejects.toThrow(/limit/);
    await expect(run('RandomNormal', { shape: attr.ints([-3]) }, 'float32')).rejects.toThrow(/invalid dimension/);
  });
});

describe('Multinomial', () => {
  it('samples classes in proportion to exp(logits)', async () => {
    const probabilities = [0.1, 0.2, 0.7];
    const x = new Tensor('float32', Float32Array.from([...probabilities, 0.25, 0.25, 0.5].map(Math.log)), [2, 3]);
    const y = await run('Multinomial', { sample_size: attr.int(50_000), seed: attr.float(3) }, 'int32', { x }, 7);
    expect(y.type).toBe('int32');
    expect(y.dims).toEqual([2, 50_000]);
    const row0 = numbers(y).slice(0, 50_000);
    probabilities.forEach((p, k) => {
      const frequency = row0.filter((c) => c === k).length / 50_000;
      expect(Math.abs(frequency - p)).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / 50_000));
    });
    expect(numbers(y).every((c) => c >= 0 && c < 3)).toBe(true);
  });

  it('gives int64 on request and repeats itself for a seed', async () => {
    const x = new Tensor('float64', Float64Array.from([0, 1, 2, 3]), [1, 4]);
    const a = await run('Multinomial', { sample_size: attr.int(20), seed: attr.float(9), dtype: attr.int(onnxCodeOf('int64')) }, 'int64', { x }, 7);
    const b = await run('Multinomial', { sample_size: attr.int(20), seed: attr.float(9), dtype: attr.int(onnxCodeOf('int64')) }, 'int64', { x }, 7);
    expect(a.type).toBe('int64');
    expect(numbers(a)).toEqual(numbers(b));
  });

  it('rejects a non-2-D input and a row that is no distribution', async () => {
    await expect(run('Multinomial', {}, 'int32', { x: new Tensor('float32', new Float32Array(3), [3]) }, 7)).rejects.toThrow(/batch_size, class_size/);
    await expect(run('Multinomial', {}, 'int32', { x: new Tensor('float32', Float32Array.from([-Infinity, -Infinity]), [1, 2]) }, 7)).rejects.toThrow(/not a distribution/);
  });
});

describe('Bernoulli', () => {
  it('draws 1 with the given probability, in the input type or dtype', async () => {
    const p = [0, 0.2, 0.5, 0.9, 1];
    const x = new Tensor('float32', Float32Array.from({ length: 5 * 20_000 }, (_, i) => p[i % 5]), [20_000, 5]);
    const y = await run('Bernoulli', { seed: attr.float(11) }, 'float32', { x });
    expect(y.type).toBe('float32');
    const values = numbers(y);
    expect(values.every((v) => v === 0 || v === 1)).toBe(true);
    p.forEach((pk, k) => {
      const rate = values.filter((v, i) => i % 5 === k && v === 1).length / 20_000;
      expect(Math.abs(rate - pk)).toBeLessThanOrEqual(5 * Math.sqrt((pk * (1 - pk)) / 20_000));
    });
    const asBool = await run('Bernoulli', { seed: attr.float(11), dtype: attr.int(onnxCodeOf('bool')) }, 'bool', { x });
    expect(asBool.type).toBe('bool');
    expect(numbers(asBool)).toEqual(values);
    const asInt = await run('Bernoulli', { seed: attr.float(11), dtype: attr.int(onnxCodeOf('int64')) }, 'int64', { x });
    expect(numbers(asInt)).toEqual(values);
  });

  it('rejects probabilities outside [0, 1]', async () => {
    await expect(run('Bernoulli', {}, 'float32', { x: new Tensor('float32', Float32Array.from([0.5, 1.5]), [2]) })).rejects.toThrow(/not a probability/);
  });
});
