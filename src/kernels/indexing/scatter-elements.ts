/**
 * ScatterElements (opset 11+, reductions from 16) and its deprecated alias Scatter (opset 9-10):
 * the inverse of GatherElements.
 */
import { KernelInputError } from '../../errors/errors.js';
import { ALL_TENSOR_TYPES } from '../../tensor/element-type.js';
import { formatShape, sameShape } from '../../tensor/shape.js';
import { kernel, type KernelDefinition } from '../kernel.js';
import { normalizeAxis, tensorInput } from '../support/inputs.js';
import { derivedFromIndices } from './constant-indices.js';
import { consecutiveRuns } from './index-runs.js';
import { elementOffsets } from './element-indices.js';
import { parseReduction, scatterSlices, type ScatterReduction } from './scatter-slices.js';

interface ScatterElementsAttributes {
  readonly axis: number;
  readonly reduction: ScatterReduction;
}

function scatterElementsKernel(opType: string, sinceVersion: number, untilVersion?: number): KernelDefinition {
  return kernel<ScatterElementsAttributes>({
    domain: '',
    opType,
    sinceVersion,
    untilVersion,
    typeConstraints: [
      { input: 0, types: ALL_TENSOR_TYPES },
      { input: 1, types: ['int32', 'int64'] },
      { input: 2, types: ALL_TENSOR_TYPES },
    ],
    parseAttributes: (attrs, ctx) => ({ axis: attrs.int('axis', 0), reduction: parseReduction(attrs, ctx.opset) }),
    run(inputs, attrs, context) {
      const data = tensorInput(inputs, 0, 'data');
      const indices = tensorInput(inputs, 1, 'indices');
      const updates = tensorInput(inputs, 2, 'updates');
      if (data.rank === 0) throw new KernelInputError('data must have rank >= 1, got a scalar');
      if (!sameShape(indices.dims, updates.dims)) {
        throw new KernelInputError(`updates shape ${formatShape(updates.dims)} must equal indices shape ${formatShape(indices.dims)}`);
      }
      const axis = normalizeAxis(attrs.axis, data.rank);
      const offsets = derivedFromIndices(indices, 'elements', data.dims, axis, context, () => elementOffsets(data, indices, axis));
      const runs = context?.isConstant?.(indices)
        ? derivedFromIndices(indices, 'elements-runs', data.dims, axis, context, () => consecutiveRuns(offsets, 1))
        : undefined;
      return [scatterSlices(data, updates, offsets, 1, attrs.reduction, context, runs)];
    },
  });
}

export const scatterElementsKernels: KernelDefinition[] = [
  scatterElementsKernel('ScatterElements', 11),
  scatterElementsKernel('Scatter', 9, 10),
];
