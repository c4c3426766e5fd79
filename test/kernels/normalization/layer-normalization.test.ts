import { describe, expect, it } from 'vitest';
import type { DataType } from '../../../src/tensor/element-type.js';
import { float16BitsToNumber } from '../../../src/tensor/numeric/float16.js';
import { expectMatchesOnnxruntime, runOnnxts } from '../../support/differential.js';
import { attr, singleNodeModel, type AttributeValue } from '../../support/model-builder.js';
import { Rng, randomTensor } from '../../support/random.js';

function layerNormModel(type: DataType, x: number[], scale: number[], bias: number[] | null, attributes: Record<string, AttributeValue>, stats = true): Uint8Array {
  const inputs = [{ name: 'x', type, shape: x }, { name: 'scale', type, shape: scale }];
  if (bias) inputs.push({ name: 'bias', type, shape: bias });
  const outputs = [{ name: 'y', type }];
  if (stats) outputs.push({ name: 'mean', type: 'float32' }, { name: 'inv_std_dev', type: 'float32' });
  return singleNodeModel('LayerNormalization', inputs, outputs, { opset: 17, attributes });
}

const cases: [number[], number][] = [
  [[2, 3, 5], -1], [[2, 3, 5], 1], [[2, 3, 5], 0], [[2, 3, 5], -2],
  [[7, 33], -1], [[1, 65], 1], [[2, 1, 4, 3], 2], [[4], 0], [[0, 6], 1],
  [[3, 17, 101], -1], [[2, 9, 3, 13], 1],
];

describe('LayerNormalization', () => {
  for (const type of ['float32', 'float64'] as DataType[]) {
    it.each(cases)(`${type} %j axis %i matches onnxruntime`, async (x, axis) => {
      const rng = new Rng(x.length * 7 + axis);
      const a = axis < 0 ? axis + x.length : axis;
      const normalized = x.slice(a);
      const model = layerNormModel(type, x, normalized, normalized, { axis: attr.int(axis), epsilon: attr.float(1e-3) });
      await expectMatchesOnnxruntime(model, {
        x: randomTensor(type, x, rng, -4, 4), scale: randomTensor(type, normalized, rng), bias: randomTensor(type, normalized, rng),
      });
    });
  }

  it('defaults to the last axis without B or the statistics outputs', async () => {
    const rng = new Rng(2);
    await expectMatchesOnnxruntime(layerNormModel('float32', [3, 4, 6], [6], null, {}, false), {
      x: randomTensor('float32', [3, 4, 6], rng), scale: randomTensor('float32', [6], rng),
    });
  });

  it('broadcasts Scale and B that cover only part of the normalized dimensions', async () => {
    const rng = new Rng(3);
    const model = layerNormModel('float32', [2, 3, 4], [1, 4], [4], { axis: attr.int(1) });
    await expectMatchesOnnxruntime(model, { x: randomTensor('float32', [2, 3, 4], rng), scale: randomTensor('float32', [1, 4], rng), bias: randomTensor('float32', [4], rng) });
  });

  it('float16 matches onnxruntime', async () => {
    const rng = new Rng(4);
    const model = layerNormModel('float16', [4, 8], [8], [8], {});
    await expectMatchesOnnxruntime(model, { x: randomTensor('float16', [4, 8], rng), scale: randomTensor('float16', [8], rng), bias: randomTensor('float16', [8], rng) }, { rtol: 1e-2, atol: 1e-2 });
  });

  it('rejects Scale that does not broadcast to X and an out-of-range axis', async () => {
    const rng = new Rng(5);
    const feeds = { x: randomTensor('float32', [2, 3], rng), scale: randomTensor('float32', [2], rng) };
    await expect(runOnnxts(layerNormModel('float32', [2, 3], [2], null, {}, false), feeds)).rejects.toThrow(/does not broadcast/);
    const ok = { x: feeds.x, scale: randomTensor('float32', [3], rng) };
    await expect(runOnnxts(layerNormModel('float32', [2, 3], [3], null, { axis: attr.int(2) }, false), ok)).rejects.toThrow(/out of range/);
  });

  it('rejects a stash_type that is not a float type', async () => {
    const rng = new Rng(6);
    const model = layerNormModel('float32', [2, 3], [3], null, { stash_type: attr.int(7) }, false);
    await expect(runOnnxts(model, { x: randomTensor('float32', [2, 3], rng), scale: randomTensor('float32', [3], rng) })).rejects.toThrow(/stash_type/);
  });
});

function rmsModel(xType: DataType, scaleType: DataType, x: number[], scale: number[], attributes: Record<string, AttributeValue>): Uint8Array {
  return singleNodeModel('RMSNormalization', [{ name: 'x', type: xType, shape: x }, { name: 'scale', type: scaleType, shape: scale }], [{ name: 'y', type: scaleType }], {
    opset: 23,
    attributes,
  });
}

describe('RMSNormalization', () => {
  for (const type of ['float32', 'float64'] as DataType[]) {
    it.each(cases)(`${type} %j axis %i matches onnxruntime`, async (x, axis) => {
      const rng = new Rng(x.length * 5 + axis);
      const a = axis < 0 ? axis + x.length : axis;
      const scale = x.slice(a);
      await expectMatchesOnnxruntime(rmsModel(type, type, x, scale, { axis: attr.int(axis), epsilon: attr.float(1e-3) }), {
        x: randomTensor(type, x, rng, -4, 4), scale: randomTensor(type, scale, rng),
      });
    });
  }

  it('broadcasts a scale over part of the normalized dimensions', async () => {
    const rng = new Rng(7);
    await expectMatchesOnnxruntime(rmsModel('float32', 'float32', [2, 3, 4], [4], { axis: attr.int(1) }), {
      x: randomTensor('float32', [2, 3, 4], rng), scale: randomTensor('float32', [4], rng),
    });
  });

  it('gives Y the element type of scale', async () => {
    const rng = new Rng(8);
    const x = randomTensor('float16', [3, 4], rng);
    const scale = randomTensor('float32', [4], rng);
    const out = await runOnnxts(rmsModel('float16', 'float32', [3, 4], [4], {}), { x, scale });
    expect(out.y.type).toBe('float32');
    const xs = Array.from(x.data as Uint16Array, float16BitsToNumber);
    const s = scale.data as Float32Array;
    for (let r = 0; r < 3; r++) {
      const row = xs.slice(r * 4, r * 4 + 4);
      const rms = Math.sqrt(row.reduce((acc, v) => acc + v * v, 0) / 4 + 1e-5);
      row.forEach((v, j) => expect((out.y.data as Float32Array)[r * 4 + j]).toBeCloseTo((v / rms) * s[j], 5));
    }
  });
});
