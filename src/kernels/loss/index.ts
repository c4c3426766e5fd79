import type { KernelDefinition } from '../kernel.js';
import { negativeLogLikelihoodLossKernels } from './negative-log-likelihood-loss.js';
import { softmaxCrossEntropyLossKernels } from './softmax-cross-entropy-loss.js';

export const lossKernels: KernelDefinition[] = [...softmaxCrossEntropyLossKernels, ...negativeLogLikelihoodLossKernels];
