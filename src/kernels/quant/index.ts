import type { KernelDefinition } from '../kernel.js';

export const quantKernels: KernelDefinition[] = [];
