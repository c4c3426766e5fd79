import type { KernelDefinition } from '../kernel.js';

export const stringKernels: KernelDefinition[] = [];
