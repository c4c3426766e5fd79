import type { KernelDefinition } from '../kernel.js';
import { gruKernels } from './gru.js';
import { lstmKernels } from './lstm.js';
import { rnnKernels } from './rnn.js';

export const recurrentKernels: KernelDefinition[] = [...rnnKernels, ...gruKernels, ...lstmKernels];
