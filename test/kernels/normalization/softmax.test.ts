import { describe, expect, it } from 'vitest';
import { Tensor } from '../../../src/index.js';
import type { DataType } from '../../../src/tensor/element-type.js';
import { expectMatchesOnnxruntime, runOnnxts } from '../../support/differential.js';
import { attr, singleNodeModel } from '../../support/model-builder.js';
import { Rng, randomTensor } from '../../support/random.js';

function model(op: string, type: DataType, shape: number[], opset: number, axis?: number): Uint8Array {
  return singleNodeModel(op, [{ name: 'x', type, shape }], [{ name: 'y', type }], {
    opset,
    attributes: axis === undefined ? {} : { axis: attr.int(axis) },
  });
}

const cases: [number[], number | undefined][] = [
  [[7], -1],
  [[3, 33], undefined],
  [[2, 3, 5], 0],
  [[2, 3, 5], 1],
  [[2, 3, 5], 2],
  [[2, 3, 5], -2],
  [[2, 3, 5], -3],
  [[4, 1, 6, 5], 2],
  [[2, 0, 3], 1],
  [[2, 0, 3], -1],
  // Long contiguous rows, and lanes `inner` apart run side by side, at sizes not multiples of 4.
  [[3, 131], -1],
  [[2, 37, 9], 1],
  [[1, 3, 29, 29], -1],
  [[5, 6, 7], 0],
];

/** Hardmax computed in the test: 1 at the first maximum of each lane along `axis`. */
function hardmaxReference(values: Float64Array, dims: number[], axis: number): number[] {
  const length = dims[axis];
  const inner = dims.slice(axis + 1).reduce((a, b) => a * b, 1);
  const out = new Array<number>(values.length).fill(0);
  for (let start = 0; start < values.length; start++) {
    if (Math.floor(start / inner) % length !== 0) continue;
    let best = start;
    for (let i = 1; i < length; i++) if (values[start + i * inner] > values[best]) best = start + i * inner;
    out[best] = 1;
  }
  return out;
}

describe.each(['Softmax', 'LogSoftmax', 'Hardmax'])('%s', (op) => {
  for (const opset of [11, 13]) {
    for (const type of ['float32', 'float64'] as DataType[]) {
      it.each(cases)(`opset ${opset} ${type} %j axis %s matches onnxruntime`, async (shape, axis) => {
        const rng = new Rng(shape.length * 10 + (axis ?? 7));
        const x = randomTensor(type, shape, rng, -5, 5);
        if (op === 'Hardmax' && type === 'float64') {
          // onnxruntime has no float64 Hardmax.
          const out = await runOnnxts(model(op, type, shape, opset, axis), { x });
          const raw = axis ?? (opset < 13 ? 1 : -1);
          const a = raw < 0 ? raw + shape.length : raw;
          const lanes = opset < 13 ? [shape.slice(0, a).reduce((p, d) => p * d, 1), shape.slice(a).reduce((p, d) => p * d, 1)] : shape;
          expect(Array.from(out.y.data as Float64Array)).toEqual(hardmaxReference(x.data as Float64Array, lanes, opset < 13 ? 1 : a));
          return;
        }
        await expectMatchesOnnxruntime(model(op, type, shape, opset, axis), { x });
      });
    }
  }

  it('opset 11 rejects the default axis 1 on a 1-D input, as onnxruntime does', async () => {
    const rng = new Rng(4);
    await expect(runOnnxts(model(op, 'float32', [7], 11), { x: randomTensor('float32', [7], rng) })).rejects.toThrow(/axis 1 is out of range/);
  });

  it('opset 1 coerces to 2-D at axis 1 by default', async () => {
    const rng = new Rng(1);
    await expectMatchesOnnxruntime(model(op, 'float32', [2, 3, 4], 1), { x: randomTensor('float32', [2, 3, 4], rng) });
  });

  it('is stable for large inputs', async () => {
    const x = new Tensor('float32', Float32Array.from([1000, 1001, 1002, -1000, 0, 3.4e38, 3e38, -3.4e38]), [2, 4]);
    await expectMatchesOnnxruntime(model(op, 'float32', [2, 4], 13), { x });
  });

  it('float16 matches onnxruntime', async () => {
    const rng = new Rng(2);
    await expectMatchesOnnxruntime(model(op, 'float16', [3, 7], 13), { x: randomTensor('float16', [3, 7], rng) }, { rtol: 5e-3, atol: 1e-3 });
  });

  it.each([-1, 0])('matches onnxruntime with -Infinity scores (masked keys), axis %i', async (axis) => {
    const rng = new Rng(9);
    const x = randomTensor('float32', [6, 19], rng, -8, 8);
    const data = x.data as Float32Array;
    for (let i = 0; i < data.length; i++) if (i % 19 > (i / 19 | 0) + 10 || i % 5 === 3) data[i] = -Infinity;
    await expectMatchesOnnxruntime(model(op, 'float32', [6, 19], 13, axis), { x });
  });

  it('turns a lane holding NaN into NaN and leaves the other lanes alone', async () => {
    const x = new Tensor('float32', Float32Array.from([0, NaN, 1, 2, 0, 1, 2, 3]), [2, 4]);
    const out = await runOnnxts(model(op, 'float32', [2, 4], 13), { x });
    const y = Array.from(out.y.data as Float32Array);
    if (op !== 'Hardmax') expect(y.slice(0, 4).every(Number.isNaN)).toBe(true);
    expect(y.slice(4).some(Number.isNaN)).toBe(false);
  });

  it('rejects an axis out of range', async () => {
    const rng = new Rng(3);
    await expect(runOnnxts(model(op, 'float32', [2, 3], 13, 2), { x: randomTensor('float32', [2, 3], rng) })).rejects.toThrow(/axis 2 is out of range/);
  });
});

describe('Hardmax ties', () => {
  it('marks only the first maximum along the axis', async () => {
    const x = new Tensor('float32', Float32Array.from([1, 3, 3, 0, 2, 2, 2, 2, 5, 1, 5, 5]), [2, 2, 3]);
    const out = await runOnnxts(model('Hardmax', 'float32', [2, 2, 3], 13, 1), { x });
    expect(Array.from(out.y.data as Float32Array)).toEqual([1, 1, 1, 0, 0, 0, 1, 0, 1, 0, 1, 0]);
    await expectMatchesOnnxruntime(model('Hardmax', 'float32', [2, 2, 3], 13, -1), { x });
  });
});
