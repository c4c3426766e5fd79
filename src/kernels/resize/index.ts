import type { KernelDefinition } from '../kernel.js';

export const resizeKernels: KernelDefinition[] = [];
