import type { KernelDefinition } from '../kernel.js';
import { optionalOpKernels } from './optional-ops.js';
import { sequenceMapKernel } from './sequence-map.js';
import { sequenceOpKernels } from './sequence-ops.js';
import { sequenceTensorKernels } from './sequence-tensors.js';

export const sequenceKernels: KernelDefinition[] = [...sequenceOpKernels, ...sequenceTensorKernels, sequenceMapKernel, ...optionalOpKernels];
