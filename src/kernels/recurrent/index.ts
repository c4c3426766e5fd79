import type { KernelDefinition } from '../kernel.js';

export const recurrentKernels: KernelDefinition[] = [];
