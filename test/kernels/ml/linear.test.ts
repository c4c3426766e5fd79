import { describe, expect, it } from 'vitest';
import { attr } from '../../support/model-builder.js';
import { Rng, randomTensor } from '../../support/random.js';
import { Tensor } from '../../../src/index.js';
import { expectMlMatchesOrt, runMl } from './ml-node.js';

const rng = new Rng(41);
const TRANSFORMS = ['NONE', 'LOGISTIC', 'SOFTMAX', 'SOFTMAX_ZERO', 'PROBIT'];
const coefficients = (n: number) => attr.floats(Array.from({ length: n }, () => Math.fround(rng.uniform(-1, 1))));

describe('LinearRegressor', () => {
  it.each(TRANSFORMS)('%s with one and three targets matches onnxruntime', async (transform) => {
    for (const targets of [1, 3]) {
      const attributes = { coefficients: coefficients(4 * targets), intercepts: coefficients(targets), targets: attr.int(targets), post_transform: attr.string(transform) };
      // PROBIT is only defined on (0, 1); keep its scores there.
      const x = transform === 'PROBIT' ? randomTensor('float32', [5, 4], rng, 0, 0.2) : randomTensor('float32', [5, 4], rng);
      await expectMlMatchesOrt({ op: 'LinearRegressor', feeds: { x }, outputs: { y: 'float32' }, attributes, opset: 1 }, `${transform} ${targets}`);
    }
  });

  it('reads a 1-D input as one row and integer or double input as its value', async () => {
    const attributes = { coefficients: attr.floats([0.5, -2]), intercepts: attr.floats([1]) };
    const one = await runMl({ op: 'LinearRegressor', feeds: { x: new Tensor('float32', Float32Array.from([2, 3]), [2]) }, outputs: { y: 'float32' }, attributes });
    expect(one.y.dims).toEqual([1, 1]);
    expect(Array.from(one.y.data as Float32Array)).toEqual([-4]);
    const ints = await runMl({ op: 'LinearRegressor', feeds: { x: new Tensor('int64', BigInt64Array.from([2n, 3n, -4n, 1n]), [2, 2]) }, outputs: { y: 'float32' }, attributes });
    expect(Array.from(ints.y.data as Float32Array)).toEqual([-4, -3]);
  });

  it('rejects coefficients that do not fit the features', async () => {
    await expect(runMl({ op: 'LinearRegressor', feeds: { x: randomTensor('float32', [2, 3], rng) }, outputs: { y: 'float32' }, attributes: { coefficients: attr.floats([1, 2]) } }))
      .rejects.toThrow(/coefficients/);
  });
});

describe('LinearClassifier', () => {
  it.each(TRANSFORMS)('%s multi-class with int and string labels matches onnxruntime', async (transform) => {
    const attributes = { coefficients: coefficients(12), intercepts: coefficients(3), post_transform: attr.string(transform) };
    const x = transform === 'PROBIT' ? randomTensor('float32', [6, 4], rng, 0, 0.2) : randomTensor('float32', [6, 4], rng);
    await expectMlMatchesOrt({ op: 'LinearClassifier', feeds: { x }, outputs: { y: 'int64', z: 'float32' }, attributes: { ...attributes, classlabels_ints: attr.ints([7, 8, 9]) }, opset: 1 });
    await expectMlMatchesOrt({ op: 'LinearClassifier', feeds: { x }, outputs: { y: 'string', z: 'float32' }, attributes: { ...attributes, classlabels_strings: attr.strings(['x', 'y', 'z']) }, opset: 1 });
  });

  it.each(['NONE', 'LOGISTIC', 'SOFTMAX', 'SOFTMAX_ZERO'])('%s binary with one score column widens like onnxruntime', async (transform) => {
    const attributes = { coefficients: coefficients(3), intercepts: coefficients(1), post_transform: attr.string(transform) };
    const x = randomTensor('float32', [8, 3], rng);
    await expectMlMatchesOrt({ op: 'LinearClassifier', feeds: { x }, outputs: { y: 'int64', z: 'float32' }, attributes: { ...attributes, classlabels_ints: attr.ints([3, 5]) }, opset: 1 });
    await expectMlMatchesOrt({ op: 'LinearClassifier', feeds: { x }, outputs: { y: 'string', z: 'float32' }, attributes: { ...attributes, classlabels_strings: attr.strings(['no', 'yes']) }, opset: 1 });
  });

  it('binary PROBIT widens to [1 - p, p] (onnxruntime writes the column-one values packed instead)', async () => {
    const attributes = { coefficients: attr.floats([1]), intercepts: attr.floats([0]), post_transform: attr.string('PROBIT'), classlabels_ints: attr.ints([0, 1]) };
    const out = await runMl({ op: 'LinearClassifier', feeds: { x: new Tensor('float32', Float32Array.from([0.5, 0.8]), [2, 1]) }, outputs: { y: 'int64', z: 'float32' }, attributes });
    const z = Array.from(out.z.data as Float32Array);
    expect(z[0]).toBeCloseTo(1, 6);
    expect(z[1]).toBeCloseTo(0, 6);
    expect(z[3]).toBeCloseTo(0.8416, 2);
    expect(z[2] + z[3]).toBeCloseTo(1, 6);
  });
});
