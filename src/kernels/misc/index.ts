import type { KernelDefinition } from '../kernel.js';
import { detKernel } from './det.js';
import { lrnKernel } from './lrn.js';

/** Standalone ai.onnx ops that belong to no larger family here: Det and LRN. */
export const miscKernels: KernelDefinition[] = [detKernel, lrnKernel];
