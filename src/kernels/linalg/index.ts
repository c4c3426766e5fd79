import type { KernelDefinition } from '../kernel.js';
import { attentionKernels } from './attention.js';
import { gemmKernels } from './gemm.js';
import { matmulIntegerKernels } from './matmul-integer.js';
import { matmulKernels } from './matmul.js';

export const linalgKernels: KernelDefinition[] = [...matmulKernels, ...matmulIntegerKernels, ...gemmKernels, ...attentionKernels];
