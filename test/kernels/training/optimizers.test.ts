import { describe, expect, it } from 'vitest';
import { attr, singleNodeModel, type AttributeValue } from '../../support/model-builder.js';
import { runOnnxts } from '../../support/differential.js';
import type { DataType } from '../../../src/tensor/element-type.js';
import { Tensor } from '../../../src/index.js';

const DOMAIN = 'ai.onnx.preview.training';

/** Runs `op` on R, T and the tensor lists, returning the outputs in order. */
async function step(op: string, attributes: Record<string, AttributeValue>, rate: number, count: number, lists: number[][][], outputs: number, type: DataType = 'float32'): Promise<number[][]> {
  const tensors = lists.flat();
  const feeds: Record<string, Tensor> = {
    R: new Tensor('float32', Float32Array.of(rate), []),
    T: new Tensor('int64', BigInt64Array.of(BigInt(count)), []),
  };
  tensors.forEach((values, i) => (feeds[`in${i}`] = new Tensor(type as 'float32', (type === 'float64' ? Float64Array : Float32Array).from(values) as Float32Array, [values.length])));
  const model = singleNodeModel(
    op,
    Object.entries(feeds).map(([name, t]) => ({ name, type: t.type as DataType })),
    Array.from({ length: outputs }, (_, i) => ({ name: `out${i}`, type })),
    { attributes, domain: DOMAIN, opset: 1 },
  );
  const out = await runOnnxts(model, feeds);
  return Array.from({ length: outputs }, (_, i) => Array.from(out[`out${i}`].data as Float32Array));
}

const close = (actual: number[][], expected: number[][]) =>
  expected.forEach((row, i) => row.forEach((v, j) => expect(actual[i][j]).toBeCloseTo(v, 5)));

describe('Adagrad', () => {
  it('decays the rate with T and divides by the root of the accumulated squares', async () => {
    // r = 1 / (1 + 2 * 0.5) = 0.5; H = 0 + 2^2 = 4; X = 0 - 0.5 * 2 / 2.
    const out = await step('Adagrad', { decay_factor: attr.float(0.5) }, 1, 2, [[[0]], [[2]], [[0]]], 2);
    close(out, [[-0.5], [4]]);
  });

  it('updates several tensors, regularising each by norm_coefficient * X, in float64 too', async () => {
    // Tensor 2: g = 0.5 * 2 + 1 = 2, H = 5 + 4 = 9, X = 2 - 0.3 * 2 / 3 = 1.8.
    const out = await step('Adagrad', { norm_coefficient: attr.float(0.5) }, 0.3, 0, [[[0], [2]], [[1], [1]], [[3], [5]]], 4, 'float64');
    close(out, [[0 - (0.3 * 1) / 2], [1.8], [4], [9]]);
  });
});

describe('Adam', () => {
  it('corrects the rate for bias once T > 0', async () => {
    // g = 2, V = 1, H = 2, r = sqrt(0.5) / 0.5 = sqrt(2), X = 0 - sqrt(2) * 1 / sqrt(2) = -1.
    const out = await step('Adam', { alpha: attr.float(0.5), beta: attr.float(0.5) }, 1, 1, [[[0]], [[2]], [[0]], [[0]]], 3);
    close(out, [[-1], [1], [2]]);
  });

  it('uses R as is at T = 0 and scales by 1 - norm_coefficient_post', async () => {
    const out = await step('Adam', { alpha: attr.float(0.5), beta: attr.float(0.5), norm_coefficient_post: attr.float(0.5) }, 1, 0, [[[0]], [[2]], [[0]], [[0]]], 3);
    close(out, [[-0.5 / Math.sqrt(2)], [1], [2]]);
  });
});

describe('Momentum', () => {
  const attributes = (mode: string) => ({ alpha: attr.float(0.5), beta: attr.float(0.5), norm_coefficient: attr.float(0), mode: attr.string(mode) });

  it.each([
    ['standard', 0, 0.8, 2], ['standard', 1, 0.85, 1.5], ['nesterov', 0, 0.8, 2], ['nesterov', 1, 0.825, 1.5],
  ])('%s at T = %i', async (mode, count, x, v) => {
    const out = await step('Momentum', attributes(mode as string), 0.1, count as number, [[[1]], [[1]], [[2]]], 2);
    close(out, [[x as number], [v as number]]);
  });

  it('requires its attributes and a valid mode', async () => {
    await expect(step('Momentum', { ...attributes('heavy-ball') }, 0.1, 0, [[[1]], [[1]], [[2]]], 2)).rejects.toThrow(/mode/);
    await expect(step('Momentum', { mode: attr.string('standard') }, 0.1, 0, [[[1]], [[1]], [[2]]], 2)).rejects.toThrow(/alpha/);
  });
});

describe('input checks', () => {
  it('rejects state tensors shaped unlike their X and input lists of unequal length', async () => {
    await expect(step('Adagrad', {}, 0.1, 0, [[[1, 2]], [[1]], [[1, 2]]], 2)).rejects.toThrow(/G_1 is \[1\] but X_1 is \[2\]/);
    await expect(step('Adagrad', {}, 0.1, 0, [[[1], [2]], [[1], [1]]], 2)).rejects.toThrow(/equal length/);
  });
});
