import type { KernelDefinition } from '../kernel.js';
import { bernoulliKernel } from './bernoulli.js';
import { multinomialKernel } from './multinomial.js';
import { distributionKernels } from './random-distributions.js';

/** Ops that draw random values: seeded ones repeat their output on every run. */
export const randomKernels: KernelDefinition[] = [...distributionKernels, multinomialKernel, bernoulliKernel];
