import { describe, expect, it } from 'vitest';
import type { Tensor } from '../../../src/index.js';
import type { DataType } from '../../../src/tensor/element-type.js';
import { expectMatchesOnnxruntime, runOnnxts } from '../../support/differential.js';
import { attr, singleNodeModel, type AttributeValue } from '../../support/model-builder.js';
import { Rng, randomTensor } from '../../support/random.js';

function model(op: string, type: DataType, x: number[], params: number, opset: number, attributes: Record<string, AttributeValue> = {}): Uint8Array {
  return singleNodeModel(
    op,
    [{ name: 'x', type, shape: x }, { name: 'scale', type, shape: [params] }, { name: 'bias', type, shape: [params] }],
    [{ name: 'y', type }],
    { opset, attributes },
  );
}

function feeds(type: DataType, x: number[], params: number, rng: Rng): Record<string, Tensor> {
  return { x: randomTensor(type, x, rng, -4, 4), scale: randomTensor(type, [params], rng), bias: randomTensor(type, [params], rng) };
}

/** Group normalization computed in the test; scale/bias indexed per channel or per group. */
function groupNormReference(f: Record<string, Tensor>, dims: number[], groups: number, epsilon: number, perChannel: boolean): number[] {
  const x = Array.from(f.x.data as Float32Array);
  const scale = f.scale.data as Float32Array;
  const bias = f.bias.data as Float32Array;
  const [n, c] = dims;
  const spatial = dims.slice(2).reduce((a, b) => a * b, 1);
  const size = (c / groups) * spatial;
  const y: number[] = [];
  for (let g = 0; g < n * groups; g++) {
    const run = x.slice(g * size, (g + 1) * size);
    const mean = run.reduce((a, b) => a + b, 0) / size;
    const variance = run.reduce((a, b) => a + (b - mean) ** 2, 0) / size;
    run.forEach((v, i) => {
      const channel = ((g % groups) * c) / groups + Math.floor(i / spatial);
      const p = perChannel ? channel : g % groups;
      y.push(((v - mean) / Math.sqrt(variance + epsilon)) * scale[p] + bias[p]);
    });
  }
  return y;
}

function expectClose(actual: ArrayLike<number>, expected: number[], label: string): void {
  expect(actual.length, label).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (Math.abs(actual[i] - expected[i]) > 1e-4 * (1 + Math.abs(expected[i]))) expect.fail(`${label}[${i}] is ${actual[i]}, expected ${expected[i]}`);
  }
}

const shapes: number[][] = [[2, 3, 4, 5], [1, 4, 7], [3, 2, 1], [2, 6, 3, 2, 2], [0, 3, 4]];

describe('InstanceNormalization', () => {
  for (const opset of [6, 22]) {
    for (const type of ['float32', 'float64'] as DataType[]) {
      it.each(shapes.map((s) => [s]))(`opset ${opset} ${type} %j matches onnxruntime or the formula`, async (x) => {
        const rng = new Rng(x.length + opset);
        const f = feeds(type, x, x[1], rng);
        const m = model('InstanceNormalization', type, x, x[1], opset, { epsilon: attr.float(1e-3) });
        if (type === 'float64') {
          // onnxruntime has no float64 InstanceNormalization.
          const out = await runOnnxts(m, f);
          expectClose(out.y.data as Float64Array, groupNormReference(f, x, x[1], Math.fround(1e-3), true), 'y');
          return;
        }
        await expectMatchesOnnxruntime(m, f);
      });
    }
  }

  it('float16 matches onnxruntime', async () => {
    const rng = new Rng(3);
    await expectMatchesOnnxruntime(model('InstanceNormalization', 'float16', [2, 3, 8], 3, 22), feeds('float16', [2, 3, 8], 3, rng), { rtol: 1e-2, atol: 1e-2 });
  });

  it('gives an empty output for empty spatial dimensions (onnxruntime crashes on them)', async () => {
    const rng = new Rng(5);
    const out = await runOnnxts(model('InstanceNormalization', 'float32', [2, 3, 0], 3, 22), feeds('float32', [2, 3, 0], 3, rng));
    expect(out.y.dims).toEqual([2, 3, 0]);
  });

  it('rejects a scale that is not one value per channel', async () => {
    const rng = new Rng(4);
    await expect(runOnnxts(model('InstanceNormalization', 'float32', [2, 3, 4], 4, 22), feeds('float32', [2, 3, 4], 4, rng))).rejects.toThrow(/scale must have shape \[3\]/);
  });
});

describe('GroupNormalization', () => {
  const cases: [number[], number][] = [[[2, 6, 4, 5], 3], [[1, 4, 7], 4], [[3, 4, 2], 1], [[2, 6, 3, 2, 2], 2], [[2, 4, 1, 1], 2]];

  it.each(cases)('opset 21 %j in %i groups matches onnxruntime', async (x, groups) => {
    const rng = new Rng(x.length * groups);
    const f = feeds('float32', x, x[1], rng);
    const m = model('GroupNormalization', 'float32', x, x[1], 21, { num_groups: attr.int(groups), epsilon: attr.float(1e-3) });
    await expectMatchesOnnxruntime(m, f);
    const out = await runOnnxts(m, f);
    expectClose(out.y.data as Float32Array, groupNormReference(f, x, groups, Math.fround(1e-3), true), 'y');
  });

  it.each(cases)('opset 18 %j in %i groups takes scale and bias per group', async (x, groups) => {
    const rng = new Rng(x.length * groups + 1);
    const f = feeds('float32', x, groups, rng);
    const out = await runOnnxts(model('GroupNormalization', 'float32', x, groups, 18, { num_groups: attr.int(groups) }), f);
    expectClose(out.y.data as Float32Array, groupNormReference(f, x, groups, 1e-5, false), 'y');
  });

  it('float64 and float16 match onnxruntime', async () => {
    const rng = new Rng(5);
    await expectMatchesOnnxruntime(model('GroupNormalization', 'float64', [2, 4, 3], 4, 21, { num_groups: attr.int(2) }), feeds('float64', [2, 4, 3], 4, rng));
    await expectMatchesOnnxruntime(model('GroupNormalization', 'float16', [2, 4, 3], 4, 21, { num_groups: attr.int(2) }), feeds('float16', [2, 4, 3], 4, rng), { rtol: 1e-2, atol: 1e-2 });
  });

  it('rejects a group count that does not divide the channels', async () => {
    const rng = new Rng(6);
    const m = model('GroupNormalization', 'float32', [2, 6, 2], 6, 21, { num_groups: attr.int(4) });
    await expect(runOnnxts(m, feeds('float32', [2, 6, 2], 6, rng))).rejects.toThrow(/does not divide the 6 channels/);
  });
});
