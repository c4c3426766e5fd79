import type { KernelDefinition } from '../kernel.js';
import { optionalOpKernels } from './optional-ops.js';
import { sequenceOpKernels } from './sequence-ops.js';

export const sequenceKernels: KernelDefinition[] = [...sequenceOpKernels, ...optionalOpKernels];
