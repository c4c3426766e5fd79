import type { KernelDefinition } from '../kernel.js';

export const castKernels: KernelDefinition[] = [];
