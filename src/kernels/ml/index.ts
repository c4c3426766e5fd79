import type { KernelDefinition } from '../kernel.js';

export const mlKernels: KernelDefinition[] = [];
