/**
 * SVMRegressor: rho[0] plus, with n_supports > 0, sum_j coefficients[j] K(x, sv_j), or without
 * support vectors the linear x . coefficients. A one-class SVM answers +1 or -1 by the sign.
 */
import { KernelInputError } from '../../../errors/errors.js';
import { DenseTensor } from '../../../tensor/dense-tensor.js';
import { kernel } from '../../kernel.js';
import { tensorInput } from '../../support/inputs.js';
import { ESTIMATOR_INPUT_TYPES, featureRows } from '../feature-rows.js';
import { parsePostTransform, transformScores, type PostTransform } from '../post-transform.js';
import { kernelValues, LINEAR_KERNEL, parseSvmKernel, type SvmKernel } from './svm-kernel.js';

interface RegressorAttributes {
  readonly kernel: SvmKernel;
  readonly supports: number;
  readonly supportVectors: readonly number[];
  readonly coefficients: readonly number[];
  readonly rho: number;
  readonly oneClass: boolean;
  readonly features: number;
  readonly transform: PostTransform;
}

export const svmRegressorKernel = kernel<RegressorAttributes>({
  domain: 'ai.onnx.ml',
  opType: 'SVMRegressor',
  sinceVersion: 1,
  typeConstraints: [{ input: 0, types: ESTIMATOR_INPUT_TYPES }],
  parseAttributes(attrs) {
    const supports = attrs.int('n_supports', 0);
    const supportVectors = attrs.floats('support_vectors', []);
    const coefficients = attrs.floats('coefficients', []);
    const rho = attrs.floats('rho', []);
    if (coefficients.length === 0 || rho.length === 0) throw new KernelInputError('coefficients and rho are required');
    const features = supports > 0 ? supportVectors.length / supports : coefficients.length;
    if (supports > 0 && (!Number.isInteger(features) || coefficients.length !== supports)) {
      throw new KernelInputError(`${supportVectors.length} support vector values and ${coefficients.length} coefficients do not fit ${supports} support vectors`);
    }
    return {
      kernel: supports > 0 ? parseSvmKernel(attrs) : LINEAR_KERNEL,
      supports, supportVectors, coefficients, rho: rho[0], features,
      oneClass: attrs.int('one_class', 0) !== 0,
      transform: parsePostTransform(attrs.string('post_transform', 'NONE')),
    };
  },
  run(inputs, attrs) {
    const { rows, cols, values } = featureRows(tensorInput(inputs, 0, 'X'));
    if (cols !== attrs.features) throw new KernelInputError(`X has ${cols} features, the model ${attrs.features}`);
    let scores: Float64Array;
    if (attrs.supports > 0) {
      const k = kernelValues(attrs.kernel, values, rows, attrs.supportVectors, attrs.supports, cols);
      scores = new Float64Array(rows).map((_, r) => attrs.coefficients.reduce((sum, c, j) => sum + c * k[r * attrs.supports + j], attrs.rho));
    } else {
      scores = kernelValues(LINEAR_KERNEL, values, rows, attrs.coefficients, 1, cols, attrs.rho);
    }
    if (attrs.oneClass) scores = scores.map((s) => (s > 0 ? 1 : -1));
    else transformScores(scores, 1, attrs.transform);
    return [new DenseTensor('float32', [rows, 1], Float32Array.from(scores))];
  },
});
