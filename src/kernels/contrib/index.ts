import type { KernelDefinition } from '../kernel.js';

export const contribKernels: KernelDefinition[] = [];
