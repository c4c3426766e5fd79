import type { KernelDefinition } from '../kernel.js';
import { nhwcConvKernel } from './nhwc-conv.js';

/** Channels-last kernels: only the optimizer's layout level creates their nodes. */
export const nhwcKernels: KernelDefinition[] = [nhwcConvKernel];
