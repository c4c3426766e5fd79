import type { KernelDefinition } from '../kernel.js';

export const tensorKernels: KernelDefinition[] = [];
