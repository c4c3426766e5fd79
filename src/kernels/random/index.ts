import type { KernelDefinition } from '../kernel.js';

export const randomKernels: KernelDefinition[] = [];
