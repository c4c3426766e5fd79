import type { KernelDefinition } from '../kernel.js';

export const detectionKernels: KernelDefinition[] = [];
