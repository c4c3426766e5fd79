import type { KernelDefinition } from '../kernel.js';

export const linalgKernels: KernelDefinition[] = [];
