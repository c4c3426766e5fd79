import { describe, expect, it } from 'vitest';
import { attr } from '../../support/model-builder.js';
import { Rng } from '../../support/random.js';
import { Tensor } from '../../../src/index.js';
import { expectMlMatchesOrt, runMl } from './ml-node.js';
import { legacyAttributes, positionalAttributes, randomEnsemble, type EnsembleSpec } from './random-trees.js';

const rng = new Rng(99);

/** Inputs on the thresholds' half-step grid, with some NaNs to exercise missing-value tracking. */
function gridInput(rows: number, features: number, type: 'float32' | 'float64' = 'float32'): Tensor {
  const values = Array.from({ length: rows * features }, () => (rng.next() < 0.1 ? NaN : Math.round(rng.uniform(-2.5, 2.5) * 2) / 2));
  return new Tensor(type, type === 'float32' ? Float32Array.from(values) : Float64Array.from(values), [rows, features]);
}

const SPEC: EnsembleSpec = { trees: 5, depth: 4, features: 4, targets: 3, votesPerLeaf: 2 };

describe('TreeEnsembleRegressor', () => {
  it.each(['SUM', 'AVERAGE', 'MIN', 'MAX'])('aggregate %s over random trees matches onnxruntime', async (aggregate) => {
    for (const [targets, baseValues] of [[3, [0.5, -1, 2]], [1, [0.25]], [3, []]] as const) {
      // One vote per leaf with a single target: onnxruntime then reads only a leaf's first vote.
      const trees = randomEnsemble(rng, { ...SPEC, targets, votesPerLeaf: targets === 1 ? 1 : 2 });
      const attributes = { ...legacyAttributes(trees, 'target'), n_targets: attr.int(targets), aggregate_function: attr.string(aggregate), base_values: attr.floats(baseValues) };
      await expectMlMatchesOrt({ op: 'TreeEnsembleRegressor', feeds: { x: gridInput(16, 4) }, outputs: { y: 'float32' }, attributes }, `${aggregate} ${targets} targets`);
    }
  });

  it.each(['NONE', 'LOGISTIC', 'SOFTMAX', 'SOFTMAX_ZERO'])('post_transform %s matches onnxruntime', async (transform) => {
    const trees = randomEnsemble(rng, SPEC);
    const attributes = { ...legacyAttributes(trees, 'target'), n_targets: attr.int(3), post_transform: attr.string(transform) };
    await expectMlMatchesOrt({ op: 'TreeEnsembleRegressor', feeds: { x: gridInput(12, 4) }, outputs: { y: 'float32' }, attributes });
  });

  it('double input and opset 1 agree with onnxruntime', async () => {
    const trees = randomEnsemble(rng, SPEC);
    const attributes = { ...legacyAttributes(trees, 'target'), n_targets: attr.int(3) };
    await expectMlMatchesOrt({ op: 'TreeEnsembleRegressor', feeds: { x: gridInput(8, 4, 'float64') }, outputs: { y: 'float32' }, attributes });
    await expectMlMatchesOrt({ op: 'TreeEnsembleRegressor', feeds: { x: gridInput(8, 4) }, outputs: { y: 'float32' }, attributes, opset: 1 });
  });

  it('rejects a cycle and a feature the input lacks', async () => {
    const cyclic = {
      nodes_treeids: attr.ints([0, 0]), nodes_nodeids: attr.ints([0, 1]), nodes_featureids: attr.ints([0, 0]), nodes_modes: attr.strings(['BRANCH_LEQ', 'BRANCH_LEQ']),
      nodes_values: attr.floats([0, 0]), nodes_truenodeids: attr.ints([1, 0]), nodes_falsenodeids: attr.ints([1, 0]),
      target_treeids: attr.ints([]), target_nodeids: attr.ints([]), target_ids: attr.ints([]), target_weights: attr.floats([]),
    };
    await expect(runMl({ op: 'TreeEnsembleRegressor', feeds: { x: gridInput(1, 1) }, outputs: { y: 'float32' }, attributes: cyclic })).rejects.toThrow(/root|cycle/);
    const trees = randomEnsemble(rng, { ...SPEC, features: 6, depth: 6 });
    const attributes = { ...legacyAttributes(trees, 'target'), n_targets: attr.int(3) };
    await expect(runMl({ op: 'TreeEnsembleRegressor', feeds: { x: gridInput(2, 1) }, outputs: { y: 'float32' }, attributes })).rejects.toThrow(/feature/);
  });
});

describe('TreeEnsembleClassifier', () => {
  const labels = { ints: attr.ints([10, 20, 30, 40]), strings: attr.strings(['a', 'b', 'c', 'd']) };

  it.each(['NONE', 'LOGISTIC', 'SOFTMAX', 'SOFTMAX_ZERO'])('multi-class (%s) with int and string labels matches onnxruntime', async (transform) => {
    const trees = randomEnsemble(rng, { ...SPEC, targets: 4, weights: [0, 1] });
    for (const [name, value] of [['classlabels_int64s', labels.ints], ['classlabels_strings', labels.strings]] as const) {
      const attributes = { ...legacyAttributes(trees, 'class'), [name]: value, post_transform: attr.string(transform), base_values: attr.floats([0.1, 0, -0.1, 0.2]) };
      await expectMlMatchesOrt({ op: 'TreeEnsembleClassifier', feeds: { x: gridInput(16, 4) }, outputs: { y: name === 'classlabels_strings' ? 'string' : 'int64', z: 'float32' }, attributes }, `${transform} ${name}`);
    }
  });

  const binaryCases: [string, Partial<EnsembleSpec>, number[]][] = [
    ['probabilities for class 1 only', { weights: [0, 1], votedTargets: [1], votesPerLeaf: 1 }, []],
    ['margins for class 1 only', { weights: [-1, 1], votedTargets: [1], votesPerLeaf: 1 }, []],
    ['margins with one base value', { weights: [-1, 1], votedTargets: [1], votesPerLeaf: 1 }, [0.3]],
    ['probabilities for both classes', { weights: [0, 1], votesPerLeaf: 2 }, []],
    ['margins for class 0 only', { weights: [-1, 1], votedTargets: [0], votesPerLeaf: 1 }, []],
    ['margins for class 1 only with two base values', { weights: [-1, 1], votedTargets: [1], votesPerLeaf: 1 }, [0.2, 0.2]],
    ['votes for both classes with two base values', { weights: [-1, 1], votesPerLeaf: 2 }, [0.1, -0.3]],
    ['probabilities for both classes with one base value', { weights: [0, 1], votesPerLeaf: 2 }, [0.5]],
  ];
  it.each(binaryCases)('binary, %s, matches onnxruntime', async (_, spec, baseValues) => {
    for (const transform of ['NONE', 'LOGISTIC', 'SOFTMAX', 'SOFTMAX_ZERO']) {
      const trees = randomEnsemble(rng, { ...SPEC, targets: 2, ...spec });
      const attributes = { ...legacyAttributes(trees, 'class'), classlabels_int64s: attr.ints([0, 1]), post_transform: attr.string(transform), base_values: attr.floats(baseValues) };
      await expectMlMatchesOrt({ op: 'TreeEnsembleClassifier', feeds: { x: gridInput(16, 4) }, outputs: { y: 'int64', z: 'float32' }, attributes }, transform);
    }
  });
});

describe('TreeEnsemble (ai.onnx.ml 5)', () => {
  it.each([[0, 'AVERAGE'], [1, 'SUM'], [2, 'MIN'], [3, 'MAX']])('aggregate %i (%s) matches onnxruntime for float and double', async (aggregate) => {
    for (const type of ['float32', 'float64'] as const) {
      const trees = randomEnsemble(rng, { ...SPEC, votesPerLeaf: 1 });
      const attributes = { ...positionalAttributes(trees, type), n_targets: attr.int(3), aggregate_function: attr.int(aggregate), post_transform: attr.int(0) };
      await expectMlMatchesOrt({ op: 'TreeEnsemble', feeds: { x: gridInput(16, 4, type) }, outputs: { y: type }, attributes, opset: 5 }, `${aggregate} ${type}`);
    }
  });

  it('post_transform 3 (SOFTMAX_ZERO) matches onnxruntime', async () => {
    const trees = randomEnsemble(rng, { ...SPEC, votesPerLeaf: 1 });
    const attributes = { ...positionalAttributes(trees, 'float32'), n_targets: attr.int(3), post_transform: attr.int(3) };
    await expectMlMatchesOrt({ op: 'TreeEnsemble', feeds: { x: gridInput(16, 4) }, outputs: { y: 'float32' }, attributes, opset: 5 });
  });

  it('post_transform 1 is SOFTMAX and 2 is LOGISTIC, as the spec numbers them', async () => {
    // onnxruntime swaps these two codes, so the raw scores are the oracle here.
    const trees = randomEnsemble(rng, { ...SPEC, votesPerLeaf: 1 });
    const attributes = { ...positionalAttributes(trees, 'float64'), n_targets: attr.int(3) };
    const x = gridInput(8, 4, 'float64');
    const run = async (transform: number) =>
      Array.from((await runMl({ op: 'TreeEnsemble', feeds: { x }, outputs: { y: 'float64' }, attributes: { ...attributes, post_transform: attr.int(transform) }, opset: 5 })).y.data as Float64Array);
    const raw = await run(0);
    const softmax = await run(1);
    const logistic = await run(2);
    for (let r = 0; r < 8; r++) {
      const row = raw.slice(r * 3, r * 3 + 3);
      const exps = row.map((v) => Math.exp(v - Math.max(...row)));
      const sum = exps.reduce((a, b) => a + b, 0);
      for (let k = 0; k < 3; k++) {
        expect(softmax[r * 3 + k]).toBeCloseTo(exps[k] / sum, 12);
        expect(logistic[r * 3 + k]).toBeCloseTo(1 / (1 + Math.exp(-row[k])), 12);
      }
    }
  });

  it('rejects a root that does not exist and an unknown mode', async () => {
    const trees = randomEnsemble(rng, { ...SPEC, votesPerLeaf: 1, depth: 2 });
    const attributes = { ...positionalAttributes(trees, 'float32'), n_targets: attr.int(3) };
    await expect(runMl({ op: 'TreeEnsemble', feeds: { x: gridInput(1, 4) }, outputs: { y: 'float32' }, attributes: { ...attributes, tree_roots: attr.ints([999]) }, opset: 5 }))
      .rejects.toThrow(/does not exist/);
  });
});
