import type { KernelDefinition } from '../kernel.js';

export const reduceKernels: KernelDefinition[] = [];
