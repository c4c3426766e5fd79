import type { KernelDefinition } from '../kernel.js';

export const convKernels: KernelDefinition[] = [];
