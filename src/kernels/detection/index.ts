import type { KernelDefinition } from '../kernel.js';
import { maxRoiPoolKernels } from './max-roi-pool.js';
import { nonMaxSuppressionKernels } from './non-max-suppression.js';
import { roiAlignKernels } from './roi-align.js';

export const detectionKernels: KernelDefinition[] = [...nonMaxSuppressionKernels, ...roiAlignKernels, ...maxRoiPoolKernels];
