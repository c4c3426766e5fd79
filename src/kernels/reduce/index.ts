import type { KernelDefinition } from '../kernel.js';
import { axesInputSince, MIN_MAX_VERSIONS, reduceOp } from './reduce-op.js';
import { l1, l2, logSum, logSumExp, max, mean, min, prod, sum, sumSquare } from './reductions.js';

export const reduceKernels: KernelDefinition[] = [
  ...reduceOp('ReduceSum', sum, axesInputSince(13), 'sum'),
  ...reduceOp('ReduceMean', mean, axesInputSince(18), 'mean'),
  ...reduceOp('ReduceProd', prod, axesInputSince(18)),
  ...reduceOp('ReduceL1', l1, axesInputSince(18)),
  ...reduceOp('ReduceL2', l2, axesInputSince(18)),
  ...reduceOp('ReduceLogSum', logSum, axesInputSince(18)),
  ...reduceOp('ReduceLogSumExp', logSumExp, axesInputSince(18)),
  ...reduceOp('ReduceSumSquare', sumSquare, axesInputSince(18)),
  ...reduceOp('ReduceMax', max, MIN_MAX_VERSIONS),
  ...reduceOp('ReduceMin', min, MIN_MAX_VERSIONS),
];
