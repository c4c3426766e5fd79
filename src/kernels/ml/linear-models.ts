/**
 * LinearClassifier and LinearRegressor: scores = X * coefficients^T + intercepts, one row of
 * coefficients per class or target, then the post transform.
 *
 * A classifier with a single score column and two labels is binary: the label is the second
 * one when the score is positive, and the scores widen to [1 - p, p] (onnxruntime's behaviour,
 * which the tests pin down). With several columns the label is the argmax of the raw scores.
 */
import { KernelInputError } from '../../errors/errors.js';
import { DenseTensor } from '../../tensor/dense-tensor.js';
import { kernel } from '../kernel.js';
import { tensorInput } from '../support/inputs.js';
import { classLabelsOf, labelTensor, type ClassLabels } from './class-labels.js';
import { ESTIMATOR_INPUT_TYPES, featureRows } from './feature-rows.js';
import { logistic, parsePostTransform, probit, transformScores, type PostTransform } from './post-transform.js';

interface LinearAttributes {
  readonly coefficients: readonly number[];
  readonly intercepts: readonly number[] | undefined;
  readonly transform: PostTransform;
}

/** [rows, outputs] scores; the output count comes from the intercepts, else from the coefficients. */
function linearScores(x: DenseTensor, { coefficients, intercepts }: LinearAttributes, declaredOutputs?: number): { scores: Float64Array; rows: number; outputs: number } {
  const { rows, cols, values } = featureRows(x);
  const outputs = declaredOutputs ?? intercepts?.length ?? (cols === 0 ? 0 : coefficients.length / cols);
  if (!Number.isInteger(outputs) || outputs * cols !== coefficients.length) {
    throw new KernelInputError(`${coefficients.length} coefficients do not make ${outputs} rows of ${cols} features`);
  }
  if (intercepts && intercepts.length !== outputs) throw new KernelInputError(`${intercepts.length} intercepts for ${outputs} outputs`);
  const scores = new Float64Array(rows * outputs);
  for (let r = 0; r < rows; r++) {
    for (let o = 0; o < outputs; o++) {
      let sum = intercepts ? intercepts[o] : 0;
      for (let c = 0; c < cols; c++) sum += values[r * cols + c] * coefficients[o * cols + c];
      scores[r * outputs + o] = sum;
    }
  }
  return { scores, rows, outputs };
}

export const linearRegressorKernel = kernel<LinearAttributes & { targets: number }>({
  domain: 'ai.onnx.ml',
  opType: 'LinearRegressor',
  sinceVersion: 1,
  typeConstraints: [{ input: 0, types: ESTIMATOR_INPUT_TYPES }],
  parseAttributes: (attrs) => ({
    coefficients: attrs.floats('coefficients', []),
    intercepts: attrs.floats('intercepts'),
    transform: parsePostTransform(attrs.string('post_transform', 'NONE')),
    targets: attrs.int('targets', 1),
  }),
  run(inputs, attrs) {
    const x = tensorInput(inputs, 0, 'X');
    const { scores, rows, outputs } = linearScores(x, attrs, attrs.targets);
    transformScores(scores, outputs, attrs.transform);
    return [new DenseTensor('float32', [rows, outputs], Float32Array.from(scores))];
  },
});

function argmaxLabels(scores: Float64Array, classes: number, labels: ClassLabels): (string | bigint)[] {
  const picks: (string | bigint)[] = [];
  for (let start = 0; start < scores.length; start += classes) {
    let best = 0;
    for (let k = 1; k < classes; k++) if (scores[start + k] > scores[start + best]) best = k;
    if (best >= labels.labels.length) throw new KernelInputError(`class ${best} has no label (${labels.labels.length} labels)`);
    picks.push(labels.labels[best]);
  }
  return picks;
}

/** One score per row: positive picks the second label; two labels widen the scores to two columns. */
function binaryResult(scores: Float64Array, labels: ClassLabels, transform: PostTransform): DenseTensor[] {
  const twoLabels = labels.labels.length === 2;
  // Without two labels to choose between, the answer is the class index itself.
  const [negative, positive] = twoLabels ? labels.labels : labels.kind === 'string' ? ['0', '1'] : [0n, 1n];
  const picks = Array.from(scores, (s) => (s > 0 ? positive : negative));
  if (!twoLabels) {
    transformScores(scores, 1, transform);
    return [labelTensor(labels, picks), new DenseTensor('float32', [scores.length, 1], Float32Array.from(scores))];
  }
  const z = new Float32Array(scores.length * 2);
  scores.forEach((s, r) => {
    // Unlike the tree and SVM classifiers, the transform applies before widening here.
    const p = transform === 'LOGISTIC' ? logistic(s) : transform === 'PROBIT' ? probit(s) : s;
    z.set([1 - p, p], 2 * r);
  });
  return [labelTensor(labels, picks), new DenseTensor('float32', [scores.length, 2], z)];
}

export const linearClassifierKernel = kernel<LinearAttributes & { labels: ClassLabels }>({
  domain: 'ai.onnx.ml',
  opType: 'LinearClassifier',
  sinceVersion: 1,
  typeConstraints: [{ input: 0, types: ESTIMATOR_INPUT_TYPES }],
  parseAttributes: (attrs) => ({
    coefficients: attrs.floats('coefficients', []),
    intercepts: attrs.floats('intercepts'),
    transform: parsePostTransform(attrs.string('post_transform', 'NONE')),
    labels: classLabelsOf(attrs, 'classlabels_ints'),
  }),
  run(inputs, attrs) {
    const x = tensorInput(inputs, 0, 'X');
    const { scores, rows, outputs } = linearScores(x, attrs);
    if (outputs === 1) return binaryResult(scores, attrs.labels, attrs.transform);
    const picks = argmaxLabels(scores, outputs, attrs.labels);
    transformScores(scores, outputs, attrs.transform);
    return [labelTensor(attrs.labels, picks), new DenseTensor('float32', [rows, outputs], Float32Array.from(scores))];
  },
});
