import type { KernelDefinition } from '../kernel.js';
import { averagePoolKernels } from './average-pool.js';
import { causalConvWithStateKernel } from './causal-conv-with-state.js';
import { col2imKernel } from './col2im-kernel.js';
import { convKernels as conv } from './conv.js';
import { convTransposeKernels } from './conv-transpose.js';
import { deformConvKernels } from './deform-conv.js';
import { globalPoolKernels } from './global-pool.js';
import { maxPoolKernels } from './max-pool.js';
import { maxUnpoolKernels } from './max-unpool.js';

export const convKernels: KernelDefinition[] = [
  ...conv,
  ...convTransposeKernels,
  ...deformConvKernels,
  ...maxPoolKernels,
  ...averagePoolKernels,
  ...globalPoolKernels,
  ...maxUnpoolKernels,
  col2imKernel,
  causalConvWithStateKernel,
];
