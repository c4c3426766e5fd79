import type { KernelDefinition } from '../kernel.js';
import { attentionKernels } from './attention.js';
import { gemmKernels } from './gemm.js';
import { matmulKernels } from './matmul.js';

export const linalgKernels: KernelDefinition[] = [...matmulKernels, ...gemmKernels, ...attentionKernels];
