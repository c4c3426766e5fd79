import type { KernelDefinition } from '../kernel.js';

export const contribTransformerKernels: KernelDefinition[] = [];
