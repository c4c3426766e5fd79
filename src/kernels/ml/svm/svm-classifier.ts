/**
 * SVMClassifier, following onnxruntime (which the spec leaves to define the details).
 *  - Linear mode (no vectors_per_class): one score per class, x . coefficients_c + rho[0]; the
 *    label is the argmax, except that two classes pick the second one when its score clears
 *    0.5 (all-positive weights) or 0 (mixed weights).
 *  - SVC mode: one-vs-one decision values for every class pair from the kernel against the
 *    support vectors; each pair votes and the label is the most voted class. The scores are the
 *    pairwise values (two columns for a binary SVM), or with prob_a / prob_b the coupled class
 *    probabilities.
 */
import { KernelInputError } from '../../../errors/errors.js';
import { DenseTensor } from '../../../tensor/dense-tensor.js';
import { kernel } from '../../kernel.js';
import { tensorInput } from '../../support/inputs.js';
import { classLabelsOf, labelTensor, type ClassLabels } from '../class-labels.js';
import { ESTIMATOR_INPUT_TYPES, featureRows } from '../feature-rows.js';
import { parsePostTransform, transformScores, widenScore, type PostTransform } from '../post-transform.js';
import { coupleProbabilities, pairProbability } from './pairwise-probability.js';
import { kernelValues, LINEAR_KERNEL, parseSvmKernel, type SvmKernel } from './svm-kernel.js';
import { svcScores, type SvcModel } from './svc-scores.js';

interface ClassifierAttributes {
  readonly labels: ClassLabels;
  readonly kernel: SvmKernel;
  readonly coefficients: readonly number[];
  readonly rho: readonly number[];
  readonly probA: readonly number[];
  readonly probB: readonly number[];
  readonly transform: PostTransform;
  readonly allPositive: boolean;
  readonly features: number;
  /** Present in SVC mode. */
  readonly svc: SvcModel | undefined;
}

function argmax(values: ArrayLike<number>, start: number, length: number): number {
  let best = 0;
  for (let i = 1; i < length; i++) if (values[start + i] > values[start + best]) best = i;
  return best;
}

function linearMode(values: Float64Array, rows: number, attrs: ClassifierAttributes): { picks: number[]; z: Float64Array; width: number } {
  const classes = attrs.labels.labels.length;
  const z = kernelValues(LINEAR_KERNEL, values, rows, attrs.coefficients, classes, attrs.features, attrs.rho[0]);
  const picks = Array.from({ length: rows }, (_, r) => {
    const best = argmax(z, r * classes, classes);
    const top = z[r * classes + best];
    if (classes === 2 && (attrs.allPositive ? top >= 0.5 : top > 0)) return 1;
    return best;
  });
  transformScores(z, classes, attrs.transform);
  return { picks, z, width: classes };
}

function svcMode(values: Float64Array, rows: number, attrs: ClassifierAttributes, svc: SvcModel): { picks: number[]; z: Float64Array; width: number } {
  const classes = attrs.labels.labels.length;
  const pairs = (classes * (classes - 1)) / 2;
  const { scores, votes } = svcScores(svc, kernelValues(attrs.kernel, values, rows, svc.supportVectors, svc.vectorCount, attrs.features), rows, classes, attrs.coefficients, attrs.rho);
  const picks = Array.from({ length: rows }, (_, r) => argmax(votes, r * classes, classes));
  if (attrs.probA.length > 0) {
    const z = new Float64Array(rows * classes);
    for (let r = 0; r < rows; r++) {
      const pairwise = new Float64Array(classes * classes);
      let pair = 0;
      for (let i = 0; i < classes; i++) {
        for (let j = i + 1; j < classes; j++, pair++) {
          const p = pairProbability(scores[r * pairs + pair], attrs.probA[pair], attrs.probB[pair]);
          pairwise[i * classes + j] = p;
          pairwise[j * classes + i] = 1 - p;
        }
      }
      z.set(coupleProbabilities(classes, pairwise), r * classes);
    }
    transformScores(z, classes, attrs.transform);
    return { picks, z, width: classes };
  }
  if (classes === 2) {
    const z = new Float64Array(rows * 2);
    // onnxruntime widens a margin for NONE and LOGISTIC and a probability-like complement otherwise.
    const widening = attrs.transform === 'NONE' || attrs.transform === 'LOGISTIC' ? 'margin' : 'complement';
    for (let r = 0; r < rows; r++) z.set(widenScore(scores[r], widening, attrs.transform), 2 * r);
    return { picks, z, width: 2 };
  }
  transformScores(scores, pairs, attrs.transform);
  return { picks, z: scores, width: pairs };
}

export const svmClassifierKernel = kernel<ClassifierAttributes>({
  domain: 'ai.onnx.ml',
  opType: 'SVMClassifier',
  sinceVersion: 1,
  typeConstraints: [{ input: 0, types: ESTIMATOR_INPUT_TYPES }],
  parseAttributes(attrs) {
    const labels = classLabelsOf(attrs, 'classlabels_ints');
    const classes = labels.labels.length;
    if (classes < 2) throw new KernelInputError(`an SVM classifier needs at least two class labels, got ${classes}`);
    const coefficients = attrs.floats('coefficients', []);
    const rho = attrs.floats('rho', []);
    const probA = attrs.floats('prob_a', []);
    const probB = attrs.floats('prob_b', []);
    const pairs = (classes * (classes - 1)) / 2;
    if (coefficients.length === 0 || rho.length === 0) throw new KernelInputError('coefficients and rho are required');
    if (probA.length !== probB.length) throw new KernelInputError(`prob_a has ${probA.length} values but prob_b has ${probB.length}`);
    const vectorsPerClass = attrs.ints('vectors_per_class', []);
    const supportVectors = attrs.floats('support_vectors', []);
    const vectorCount = vectorsPerClass.reduce((a, b) => a + b, 0);
    const svc = vectorCount > 0 ? { vectorsPerClass, supportVectors, vectorCount } : undefined;
    const features = svc ? supportVectors.length / vectorCount : coefficients.length / classes;
    if (!Number.isInteger(features)) throw new KernelInputError(`the coefficients or support vectors do not divide into whole feature rows`);
    if (svc && (vectorsPerClass.length !== classes || coefficients.length < (classes - 1) * vectorCount || rho.length < pairs || (probA.length > 0 && probA.length < pairs))) {
      throw new KernelInputError(`vectors_per_class, coefficients, rho and prob_a/prob_b do not fit ${classes} classes and ${vectorCount} support vectors`);
    }
    return {
      labels, coefficients, rho, probA, probB, features, svc,
      kernel: svc ? parseSvmKernel(attrs) : LINEAR_KERNEL,
      transform: parsePostTransform(attrs.string('post_transform', 'NONE')),
      allPositive: coefficients.every((c) => c >= 0),
    };
  },
  run(inputs, attrs) {
    const { rows, cols, values } = featureRows(tensorInput(inputs, 0, 'X'));
    if (cols !== attrs.features) throw new KernelInputError(`X has ${cols} features, the model ${attrs.features}`);
    const { picks, z, width } = attrs.svc ? svcMode(values, rows, attrs, attrs.svc) : linearMode(values, rows, attrs);
    return [labelTensor(attrs.labels, picks.map((k) => attrs.labels.labels[k])), new DenseTensor('float32', [rows, width], Float32Array.from(z))];
  },
});
