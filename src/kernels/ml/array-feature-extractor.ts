/**
 * ArrayFeatureExtractor: picks the given indices along the last axis. A 1-D input gives a
 * [1, K] result, as onnxruntime and the reference implementation do.
 */
import { KernelInputError } from '../../errors/errors.js';
import { DenseTensor } from '../../tensor/dense-tensor.js';
import { allocateStorage } from '../../tensor/element-type.js';
import { sizeOf } from '../../tensor/shape.js';
import { kernel } from '../kernel.js';
import { integersOf, tensorInput } from '../support/inputs.js';

function extract(x: DenseTensor, indices: number[]): DenseTensor {
  if (x.rank === 0) throw new KernelInputError('X must have at least one dimension');
  if (indices.length === 0) throw new KernelInputError('Y must hold at least one index');
  const stride = x.dims[x.rank - 1];
  const bad = indices.find((i) => i < 0 || i >= stride);
  if (bad !== undefined) throw new KernelInputError(`index ${bad} is out of range for a last axis of ${stride}`);
  const dims = x.rank === 1 ? [1, indices.length] : [...x.dims.slice(0, -1), indices.length];
  const out = allocateStorage(x.type, sizeOf(dims)) as unknown as unknown[];
  const data = x.data as unknown as ArrayLike<unknown>;
  const rows = sizeOf(dims) / indices.length;
  for (let r = 0; r < rows; r++) {
    for (let k = 0; k < indices.length; k++) out[r * indices.length + k] = data[r * stride + indices[k]];
  }
  return new DenseTensor(x.type, dims, out as never);
}

export const arrayFeatureExtractorKernel = kernel({
  domain: 'ai.onnx.ml',
  opType: 'ArrayFeatureExtractor',
  sinceVersion: 1,
  typeConstraints: [{ input: 0, types: ['float32', 'float64', 'int64', 'int32', 'string'] }, { input: 1, types: ['int64'] }],
  run: (inputs) => [extract(tensorInput(inputs, 0, 'X'), integersOf(tensorInput(inputs, 1, 'Y'), 'Y'))],
});
