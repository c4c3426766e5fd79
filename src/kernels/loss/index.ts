import type { KernelDefinition } from '../kernel.js';

export const lossKernels: KernelDefinition[] = [];
