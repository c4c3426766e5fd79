import type { KernelDefinition } from '../kernel.js';

export const trainingKernels: KernelDefinition[] = [];
