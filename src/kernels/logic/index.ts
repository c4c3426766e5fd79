import type { KernelDefinition } from '../kernel.js';

export const logicKernels: KernelDefinition[] = [];
