import type { KernelDefinition } from '../kernel.js';
import { dftKernels } from './dft.js';
import { melWeightMatrixKernels } from './mel-weight-matrix.js';
import { stftKernels } from './stft.js';
import { windowKernels } from './windows.js';

export const signalKernels: KernelDefinition[] = [...dftKernels, ...stftKernels, ...windowKernels, ...melWeightMatrixKernels];
