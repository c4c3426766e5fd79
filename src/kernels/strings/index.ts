import type { KernelDefinition } from '../kernel.js';
import { regexFullMatchKernel } from './regex-full-match.js';
import { stringConcatKernel } from './string-concat.js';
import { stringNormalizerKernel } from './string-normalizer.js';
import { stringSplitKernel } from './string-split.js';
import { tfIdfVectorizerKernel } from './tfidf-vectorizer.js';

/** Ops on string tensors and text features. */
export const stringKernels: KernelDefinition[] = [
  stringNormalizerKernel,
  stringConcatKernel,
  stringSplitKernel,
  regexFullMatchKernel,
  tfIdfVectorizerKernel,
];
