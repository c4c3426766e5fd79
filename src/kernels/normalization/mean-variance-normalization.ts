/**
 * MeanVarianceNormalization: (X - E[X]) / (sqrt(E[(X - E[X])^2]) + 1e-9), the moments taken
 * over `axes` (default [0, 2, 3]: per channel of NCHW). The 1e-9 is added to the standard
 * deviation, not the variance, as the ONNX function body does.
 */
import { KernelInputError } from '../../errors/errors.js';
import { FLOAT_TYPES, type DataType } from '../../tensor/element-type.js';
import { sizeOf } from '../../tensor/shape.js';
import { kernel, type KernelDefinition } from '../kernel.js';
import { broadcastIndex } from '../support/broadcast.js';
import { normalizeAxis, tensorInput } from '../support/inputs.js';
import { computeBuffer, computeValues, tensorFromCompute, type NumberArray } from '../support/numeric.js';

const EPSILON = 1e-9;

function mvnKernel(sinceVersion: number, untilVersion: number | undefined, types: readonly DataType[]): KernelDefinition {
  return kernel<{ axes: readonly number[] }>({
    domain: '',
    opType: 'MeanVarianceNormalization',
    sinceVersion,
    untilVersion,
    typeConstraints: [{ input: 0, types }],
    parseAttributes: (attrs) => ({ axes: attrs.ints('axes', [0, 2, 3]) }),
    run(inputs, { axes }) {
      const x = tensorInput(inputs, 0, 'X');
      const reduced = new Set(axes.map((a) => normalizeAxis(a, x.rank, 'axes entry')));
      if (reduced.size !== axes.length) throw new KernelInputError(`attribute 'axes' repeats an axis: [${axes.join(', ')}]`);
      // An element's group is its flat index in X with the reduced axes collapsed to 1.
      const kept = x.dims.map((d, i) => (reduced.has(i) ? 1 : d));
      const groups = sizeOf(kept);
      const index = broadcastIndex(kept, x.dims) ?? Int32Array.from({ length: x.size }, (_, i) => i);
      const xv = computeValues(x) as NumberArray;
      const count = new Float64Array(groups);
      const mean = new Float64Array(groups);
      for (let i = 0; i < xv.length; i++) {
        mean[index[i]] += xv[i];
        count[index[i]]++;
      }
      for (let g = 0; g < groups; g++) mean[g] /= count[g];
      const denominator = new Float64Array(groups);
      for (let i = 0; i < xv.length; i++) {
        const d = xv[i] - mean[index[i]];
        denominator[index[i]] += d * d;
      }
      for (let g = 0; g < groups; g++) denominator[g] = Math.sqrt(denominator[g] / count[g]) + EPSILON;
      const y = computeBuffer(x.type, x.size) as NumberArray;
      for (let i = 0; i < xv.length; i++) y[i] = (xv[i] - mean[index[i]]) / denominator[index[i]];
      return [tensorFromCompute(x.type, x.dims, y)];
    },
  });
}

export const meanVarianceNormalizationKernels: KernelDefinition[] = [
  mvnKernel(9, 12, ['float16', 'float32', 'float64']),
  mvnKernel(13, undefined, FLOAT_TYPES),
];
