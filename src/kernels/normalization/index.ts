import type { KernelDefinition } from '../kernel.js';

export const normalizationKernels: KernelDefinition[] = [];
