import type { KernelDefinition } from '../kernel.js';
import { ifKernel } from './if.js';
import { loopKernel } from './loop.js';
import { scanKernels } from './scan.js';

export const controlKernels: KernelDefinition[] = [ifKernel, loopKernel, ...scanKernels];
