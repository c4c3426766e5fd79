import type { KernelDefinition } from '../kernel.js';
import { optimizerKernels } from './optimizers.js';

/** The ai.onnx.preview.training domain: optimizer update steps. */
export const trainingKernels: KernelDefinition[] = [...optimizerKernels];
