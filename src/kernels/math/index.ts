import type { KernelDefinition } from '../kernel.js';
import { activationKernels } from './activations.js';
import { arithmeticKernels } from './arithmetic.js';
import { clipKernels } from './clip.js';
import { preluKernels } from './prelu.js';
import { unaryMathKernels } from './unary.js';
import { variadicKernels } from './variadic.js';

export const elementwiseKernels: KernelDefinition[] = [
  ...arithmeticKernels,
  ...unaryMathKernels,
  ...activationKernels,
  ...preluKernels,
  ...clipKernels,
  ...variadicKernels,
];
