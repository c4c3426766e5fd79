import type { KernelDefinition } from '../kernel.js';

export const indexingKernels: KernelDefinition[] = [];
