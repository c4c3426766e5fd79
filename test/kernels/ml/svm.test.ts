import { describe, expect, it } from 'vitest';
import { attr, type AttributeValue } from '../../support/model-builder.js';
import { Rng, randomTensor } from '../../support/random.js';
import { expectMlMatchesOrt, runMl } from './ml-node.js';

const rng = new Rng(73);
const floats = (n: number, lo = -1, hi = 1) => Array.from({ length: n }, () => Math.fround(rng.uniform(lo, hi)));
const KERNELS: [string, number[]][] = [['LINEAR', [0, 0, 0]], ['POLY', [0.3, 0.5, 3]], ['RBF', [0.4, 0, 0]], ['SIGMOID', [0.2, -0.1, 0]]];
const F = 4;

describe('SVMRegressor', () => {
  it.each(KERNELS)('SVC with a %s kernel matches onnxruntime', async (kernelType, params) => {
    for (const oneClass of [0, 1]) {
      const attributes: Record<string, AttributeValue> = {
        kernel_type: attr.string(kernelType), kernel_params: attr.floats(params), n_supports: attr.int(5),
        support_vectors: attr.floats(floats(5 * F)), coefficients: attr.floats(floats(5)), rho: attr.floats([0.2]), one_class: attr.int(oneClass),
      };
      await expectMlMatchesOrt({ op: 'SVMRegressor', feeds: { x: randomTensor('float32', [7, F], rng, -1, 1) }, outputs: { y: 'float32' }, attributes }, `${kernelType} one_class=${oneClass}`);
    }
  });

  it('linear mode (no support vectors) matches onnxruntime', async () => {
    const attributes = { coefficients: attr.floats(floats(F)), rho: attr.floats([-0.3]), kernel_params: attr.floats([0, 0, 0]) };
    await expectMlMatchesOrt({ op: 'SVMRegressor', feeds: { x: randomTensor('float32', [5, F], rng) }, outputs: { y: 'float32' }, attributes });
  });

  it('rejects inputs with the wrong feature count', async () => {
    const attributes = { coefficients: attr.floats(floats(F)), rho: attr.floats([0]) };
    await expect(runMl({ op: 'SVMRegressor', feeds: { x: randomTensor('float32', [2, F + 1], rng) }, outputs: { y: 'float32' }, attributes })).rejects.toThrow(/features/);
  });
});

describe('SVMClassifier', () => {
  function svc(classes: number, kernelType: string, params: number[], withProbabilities: boolean, transform = 'NONE'): Record<string, AttributeValue> {
    const perClass = Array.from({ length: classes }, () => rng.int(1, 3));
    const vectors = perClass.reduce((a, b) => a + b, 0);
    const pairs = (classes * (classes - 1)) / 2;
    return {
      kernel_type: attr.string(kernelType), kernel_params: attr.floats(params), vectors_per_class: attr.ints(perClass),
      support_vectors: attr.floats(floats(vectors * F)), coefficients: attr.floats(floats((classes - 1) * vectors, -2, 2)), rho: attr.floats(floats(pairs)),
      classlabels_ints: attr.ints(Array.from({ length: classes }, (_, i) => 10 + i)), post_transform: attr.string(transform),
      ...(withProbabilities ? { prob_a: attr.floats(floats(pairs, -3, -0.5)), prob_b: attr.floats(floats(pairs, -0.2, 0.2)) } : {}),
    };
  }

  it.each(KERNELS)('SVC with a %s kernel, 2 and 4 classes, with and without probabilities, matches onnxruntime', async (kernelType, params) => {
    for (const classes of [2, 4]) {
      for (const withProbabilities of [false, true]) {
        const attributes = svc(classes, kernelType, params, withProbabilities);
        await expectMlMatchesOrt({ op: 'SVMClassifier', feeds: { x: randomTensor('float32', [9, F], rng, -1, 1) }, outputs: { y: 'int64', z: 'float32' }, attributes },
          `${kernelType} ${classes} classes${withProbabilities ? ' with probabilities' : ''}`, { rtol: 1e-3, atol: 1e-4 });
      }
    }
  });

  it.each(['LOGISTIC', 'SOFTMAX', 'SOFTMAX_ZERO'])('SVC scores under %s match onnxruntime', async (transform) => {
    for (const classes of [2, 3]) {
      const attributes = svc(classes, 'RBF', [0.5, 0, 0], false, transform);
      await expectMlMatchesOrt({ op: 'SVMClassifier', feeds: { x: randomTensor('float32', [6, F], rng, -1, 1) }, outputs: { y: 'int64', z: 'float32' }, attributes }, `${transform} ${classes}`);
    }
  });

  it.each(['NONE', 'LOGISTIC', 'SOFTMAX'])('linear mode (%s) with 2 and 3 classes and string labels matches onnxruntime', async (transform) => {
    for (const classes of [2, 3]) {
      for (const positive of [false, true]) {
        const attributes = {
          coefficients: attr.floats(floats(classes * F, positive ? 0 : -1, 1)), rho: attr.floats([0.1]), post_transform: attr.string(transform), kernel_params: attr.floats([0, 0, 0]),
          classlabels_strings: attr.strings(['a', 'b', 'c'].slice(0, classes)),
        };
        await expectMlMatchesOrt({ op: 'SVMClassifier', feeds: { x: randomTensor('float32', [8, F], rng, 0, 1) }, outputs: { y: 'string', z: 'float32' }, attributes }, `${classes} ${positive}`);
      }
    }
  });
});
