/** Shape and Size: a tensor's dims (optionally a [start, end) range of them) and element count, as int64. */
import { ALL_TENSOR_TYPES } from '../../tensor/element-type.js';
import { DenseTensor } from '../../tensor/dense-tensor.js';
import { kernel, type KernelDefinition } from '../kernel.js';
import { tensorInput } from '../support/inputs.js';

interface DimRange {
  readonly start: number;
  readonly end: number | undefined;
}

/** Opset 15 semantics: negative bounds count from the back, then both clamp into [0, rank]. */
function clampBound(bound: number, rank: number): number {
  return Math.min(Math.max(bound < 0 ? bound + rank : bound, 0), rank);
}

function shapeKernel(sinceVersion: number, untilVersion: number | undefined, hasRange: boolean): KernelDefinition {
  return kernel<DimRange>({
    domain: '',
    opType: 'Shape',
    sinceVersion,
    untilVersion,
    typeConstraints: [{ input: 0, types: ALL_TENSOR_TYPES }],
    parseAttributes: (attrs) => (hasRange ? { start: attrs.int('start', 0), end: attrs.int('end') } : { start: 0, end: undefined }),
    run(inputs, { start, end }) {
      const dims = tensorInput(inputs, 0, 'data').dims;
      const from = clampBound(start, dims.length);
      const to = clampBound(end ?? dims.length, dims.length);
      const picked = dims.slice(from, Math.max(from, to));
      return [new DenseTensor('int64', [picked.length], BigInt64Array.from(picked, BigInt))];
    },
  });
}

const size = kernel({
  domain: '',
  opType: 'Size',
  sinceVersion: 1,
  typeConstraints: [{ input: 0, types: ALL_TENSOR_TYPES }],
  run: (inputs) => [new DenseTensor('int64', [], BigInt64Array.of(BigInt(tensorInput(inputs, 0, 'data').size)))],
});

export const shapeKernels: KernelDefinition[] = [shapeKernel(1, 14, false), shapeKernel(15, undefined, true), size];
