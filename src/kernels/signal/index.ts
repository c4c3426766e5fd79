import type { KernelDefinition } from '../kernel.js';

export const signalKernels: KernelDefinition[] = [];
