/**
 * TreeEnsembleRegressor and TreeEnsembleClassifier (ai.onnx.ml 1-4; deprecated by TreeEnsemble
 * at 5). Opset 3 added the *_as_tensor attributes; the semantics are otherwise the same, so one
 * definition per op serves 1-2 and another 3-4. Scores come out as float32.
 */
import { KernelInputError } from '../../../errors/errors.js';
import { DenseTensor } from '../../../tensor/dense-tensor.js';
import { kernel, type KernelDefinition } from '../../kernel.js';
import { tensorInput } from '../../support/inputs.js';
import { classLabelsOf, labelTensor, type ClassLabels } from '../class-labels.js';
import { ESTIMATOR_INPUT_TYPES, featureRows } from '../feature-rows.js';
import { parsePostTransform, transformScores, type PostTransform } from '../post-transform.js';
import { classifyRow, type ClassifierShape } from './classifier-scores.js';
import { floatsOrTensor, parseLegacyTrees } from './legacy-trees.js';
import type { TreeEnsembleModel } from './tree-model.js';
import { parseAggregate, treeScores, type Aggregate } from './tree-scores.js';

interface RegressorAttributes {
  readonly model: TreeEnsembleModel;
  readonly targets: number;
  readonly aggregate: Aggregate;
  readonly baseValues: readonly number[];
  readonly transform: PostTransform;
}

function regress(x: DenseTensor, attrs: RegressorAttributes): DenseTensor {
  const rows = featureRows(x);
  const { targets, baseValues } = attrs;
  const { scores, hasScore } = treeScores(attrs.model, rows, targets, attrs.aggregate);
  // As in onnxruntime: base values count only when there is one per target, and with several
  // targets one that no leaf voted for stays 0, base value or not.
  const base = baseValues.length === targets ? baseValues : undefined;
  for (let i = 0; i < scores.length; i++) {
    if (targets > 1 && !hasScore[i]) scores[i] = 0;
    else if (base) scores[i] += base[i % targets];
  }
  transformScores(scores, targets, attrs.transform);
  return new DenseTensor('float32', [rows.rows, targets], Float32Array.from(scores));
}

function regressorKernel(sinceVersion: number, untilVersion: number, withTensors: boolean): KernelDefinition {
  return kernel<RegressorAttributes>({
    domain: 'ai.onnx.ml',
    opType: 'TreeEnsembleRegressor',
    sinceVersion,
    untilVersion,
    typeConstraints: [{ input: 0, types: ESTIMATOR_INPUT_TYPES }],
    parseAttributes(attrs) {
      const model = parseLegacyTrees(attrs, 'target', withTensors);
      const targets = attrs.int('n_targets', 1);
      if (targets < 1) throw new KernelInputError(`n_targets must be positive, got ${targets}`);
      return {
        model,
        targets,
        aggregate: parseAggregate(attrs.string('aggregate_function', 'SUM')),
        baseValues: floatsOrTensor(attrs, 'base_values', withTensors) ?? [],
        transform: parsePostTransform(attrs.string('post_transform', 'NONE')),
      };
    },
    run: (inputs, attrs) => [regress(tensorInput(inputs, 0, 'X'), attrs)],
  });
}

interface ClassifierAttributes extends ClassifierShape {
  readonly model: TreeEnsembleModel;
  readonly labels: ClassLabels;
}

function classify(x: DenseTensor, attrs: ClassifierAttributes): DenseTensor[] {
  const rows = featureRows(x);
  const { classes } = attrs;
  const { scores, hasScore } = treeScores(attrs.model, rows, classes, 'SUM');
  const z = new Float32Array(rows.rows * classes);
  const picks: (string | bigint)[] = [];
  for (let r = 0; r < rows.rows; r++) {
    const at = r * classes;
    const row = classifyRow(scores.subarray(at, at + classes), hasScore.subarray(at, at + classes), attrs);
    z.set(row.z, at);
    picks.push(attrs.labels.labels[row.winner]);
  }
  return [labelTensor(attrs.labels, picks), new DenseTensor('float32', [rows.rows, classes], z)];
}

function classifierKernel(sinceVersion: number, untilVersion: number, withTensors: boolean): KernelDefinition {
  return kernel<ClassifierAttributes>({
    domain: 'ai.onnx.ml',
    opType: 'TreeEnsembleClassifier',
    sinceVersion,
    untilVersion,
    typeConstraints: [{ input: 0, types: ESTIMATOR_INPUT_TYPES }],
    parseAttributes(attrs) {
      const labels = classLabelsOf(attrs, 'classlabels_int64s');
      const classes = labels.labels.length;
      if (classes < 2) throw new KernelInputError(`a classifier needs at least two class labels, got ${classes}`);
      const model = parseLegacyTrees(attrs, 'class', withTensors);
      const votes = model.leaves.flatMap((leaf) => leaf.targets.map((t, i) => ({ t, w: leaf.weights[i] })));
      return {
        model,
        labels,
        classes,
        baseValues: floatsOrTensor(attrs, 'base_values', withTensors) ?? [],
        transform: parsePostTransform(attrs.string('post_transform', 'NONE')),
        binaryCase: classes === 2 && new Set(votes.map((v) => v.t)).size === 1,
        allPositive: votes.every((v) => v.w >= 0),
      };
    },
    run: (inputs, attrs) => classify(tensorInput(inputs, 0, 'X'), attrs),
  });
}

export const legacyTreeKernels: KernelDefinition[] = [
  regressorKernel(1, 2, false),
  regressorKernel(3, 4, true),
  classifierKernel(1, 2, false),
  classifierKernel(3, 4, true),
];
