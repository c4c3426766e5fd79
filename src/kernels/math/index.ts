import type { KernelDefinition } from '../kernel.js';
import { arithmeticKernels } from './arithmetic.js';
import { unaryMathKernels } from './unary.js';

export const elementwiseKernels: KernelDefinition[] = [...arithmeticKernels, ...unaryMathKernels];
