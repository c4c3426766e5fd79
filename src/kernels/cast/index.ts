import type { KernelDefinition } from '../kernel.js';
import { bitcastKernels } from './bitcast.js';
import { castOperatorKernels } from './cast.js';

export const castKernels: KernelDefinition[] = [...castOperatorKernels, ...bitcastKernels];
