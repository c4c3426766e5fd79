import type { KernelDefinition } from '../kernel.js';
import { arrayFeatureExtractorKernel } from './array-feature-extractor.js';
import { categoryMapperKernel } from './category-mapper.js';
import { binarizerKernel, imputerKernel, scalerKernel } from './elementwise-ops.js';
import { featureVectorizerKernel } from './feature-vectorizer.js';
import { labelEncoderKernels } from './label-encoder.js';
import { linearClassifierKernel, linearRegressorKernel } from './linear-models.js';
import { castMapKernel, dictVectorizerKernel, zipMapKernel } from './map-ops.js';
import { normalizerKernel } from './normalizer.js';
import { oneHotEncoderKernel } from './one-hot-encoder.js';
import { svmClassifierKernel } from './svm/svm-classifier.js';
import { svmRegressorKernel } from './svm/svm-regressor.js';
import { legacyTreeKernels } from './tree/tree-ensemble-legacy.js';
import { treeEnsembleKernel } from './tree/tree-ensemble.js';

/** The ai.onnx.ml domain: the preprocessors and estimators classic-ML exporters produce. */
export const mlKernels: KernelDefinition[] = [
  arrayFeatureExtractorKernel,
  binarizerKernel,
  scalerKernel,
  imputerKernel,
  normalizerKernel,
  oneHotEncoderKernel,
  categoryMapperKernel,
  ...labelEncoderKernels,
  linearClassifierKernel,
  linearRegressorKernel,
  zipMapKernel,
  castMapKernel,
  dictVectorizerKernel,
  featureVectorizerKernel,
  svmClassifierKernel,
  svmRegressorKernel,
  treeEnsembleKernel,
  ...legacyTreeKernels,
];
