import type { KernelDefinition } from '../kernel.js';
import { bitwiseKernels } from './bitwise.js';
import { comparisonKernels } from './comparison.js';
import { isNanInfKernels } from './is-nan-inf.js';
import { logicalKernels } from './logical.js';
import { whereKernels } from './where.js';

export const logicKernels: KernelDefinition[] = [
  ...comparisonKernels,
  ...logicalKernels,
  ...bitwiseKernels,
  ...isNanInfKernels,
  ...whereKernels,
];
