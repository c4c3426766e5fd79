/**
 * Normalizer: each row of [N, C] (or the one row of [C]) divided by its max, its L1 norm or
 * its L2 norm, to float. A row whose divisor is zero is copied unchanged. L2 keeps each
 * element's sign, as onnxruntime does, though the spec's formula squares it away.
 */
import { KernelInputError } from '../../errors/errors.js';
import { DenseTensor } from '../../tensor/dense-tensor.js';
import { kernel } from '../kernel.js';
import { tensorInput } from '../support/inputs.js';
import { ESTIMATOR_INPUT_TYPES, featureRows } from './feature-rows.js';

type Norm = 'MAX' | 'L1' | 'L2';

const DIVISOR: Record<Norm, (row: Float64Array) => number> = {
  MAX: (row) => row.reduce((m, v) => Math.max(m, v), -Infinity),
  L1: (row) => row.reduce((s, v) => s + Math.abs(v), 0),
  L2: (row) => Math.sqrt(row.reduce((s, v) => s + v * v, 0)),
};

export const normalizerKernel = kernel<Norm>({
  domain: 'ai.onnx.ml',
  opType: 'Normalizer',
  sinceVersion: 1,
  typeConstraints: [{ input: 0, types: ESTIMATOR_INPUT_TYPES }],
  parseAttributes(attrs) {
    const norm = attrs.string('norm', 'MAX');
    if (norm !== 'MAX' && norm !== 'L1' && norm !== 'L2') throw new KernelInputError(`attribute 'norm' must be MAX, L1 or L2, got '${norm}'`);
    return norm;
  },
  run(inputs, norm) {
    const x = tensorInput(inputs, 0, 'X');
    const { cols, values } = featureRows(x);
    const out = new Float32Array(values.length);
    for (let start = 0; start < values.length; start += cols) {
      const row = values.subarray(start, start + cols);
      const divisor = DIVISOR[norm](row);
      for (let i = 0; i < cols; i++) out[start + i] = divisor === 0 ? row[i] : row[i] / divisor;
    }
    return [new DenseTensor('float32', x.dims, out)];
  },
});
