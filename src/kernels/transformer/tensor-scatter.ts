/**
 * TensorScatter (opset 24): a KV-cache write. The update's rows along `axis` are copied into a
 * copy of the cache starting at each batch entry's write index, wrapping around the sequence
 * axis in circular mode; in linear mode they must fit.
 */
import { KernelInputError } from '../../errors/errors.js';
import { DenseTensor } from '../../tensor/dense-tensor.js';
import { slotsPerElement, type TensorStorage } from '../../tensor/element-type.js';
import { formatShape, sizeOf } from '../../tensor/shape.js';
import { kernel } from '../kernel.js';
import { integersOf, normalizeAxis, optionalTensorInput, tensorInput } from '../support/inputs.js';

interface ScatterAttributes {
  readonly axis: number;
  readonly circular: boolean;
}

function copyRun(from: TensorStorage, fromAt: number, to: TensorStorage, toAt: number, length: number): void {
  if (Array.isArray(from)) {
    for (let i = 0; i < length; i++) (to as string[])[toAt + i] = from[fromAt + i];
  } else {
    (to as Exclude<TensorStorage, string[]>).set(from.subarray(fromAt, fromAt + length) as never, toAt);
  }
}

function scatter(past: DenseTensor, update: DenseTensor, writeIndices: number[] | undefined, { axis: rawAxis, circular }: ScatterAttributes): DenseTensor {
  const rank = past.rank;
  const axis = normalizeAxis(rawAxis, rank);
  if (axis === 0) throw new KernelInputError('axis cannot be the batch axis 0');
  if (update.type !== past.type || update.rank !== rank || update.dims.some((d, i) => i !== axis && d !== past.dims[i])) {
    throw new KernelInputError(`update ${update.describe()} must match past_cache ${past.describe()} except along axis ${axis}`);
  }
  const maxLength = past.dims[axis];
  const length = update.dims[axis];
  if (length > maxLength) throw new KernelInputError(`update has ${length} rows along axis ${axis}, more than the cache's ${maxLength}`);
  const batch = past.dims[0];
  if (writeIndices && writeIndices.length !== batch) throw new KernelInputError(`write_indices has ${writeIndices.length} entries for a batch of ${batch}`);
  const inner = sizeOf(past.dims.slice(axis + 1)) * slotsPerElement(past.type);
  const prefixes = sizeOf(past.dims.slice(0, axis));
  const perBatch = batch === 0 ? 0 : prefixes / batch;
  const out = past.data.slice() as TensorStorage;
  for (let p = 0; p < prefixes; p++) {
    const start = writeIndices ? writeIndices[Math.floor(p / perBatch)] : 0;
    if (start < 0 || (!circular && start + length > maxLength)) {
      throw new KernelInputError(`write index ${start} with ${length} rows does not fit a cache of ${maxLength} in linear mode`);
    }
    for (let s = 0; s < length; s++) {
      const row = circular ? (start + s) % maxLength : start + s;
      copyRun(update.data, (p * length + s) * inner, out, (p * maxLength + row) * inner, inner);
    }
  }
  return new DenseTensor(past.type, past.dims, out);
}

export const tensorScatterKernel = kernel<ScatterAttributes>({
  domain: '',
  opType: 'TensorScatter',
  sinceVersion: 24,
  typeConstraints: [{ input: 2, types: ['int64'] }],
  parseAttributes(attrs) {
    const mode = attrs.string('mode', 'linear');
    if (mode !== 'linear' && mode !== 'circular') throw new KernelInputError(`attribute 'mode' must be linear or circular, got '${mode}'`);
    return { axis: attrs.int('axis', -2), circular: mode === 'circular' };
  },
  run(inputs, attrs) {
    const past = tensorInput(inputs, 0, 'past_cache');
    const update = tensorInput(inputs, 1, 'update');
    const indices = optionalTensorInput(inputs, 2, 'write_indices');
    if (indices && indices.rank !== 1) throw new KernelInputError(`write_indices must be 1-D, got ${formatShape(indices.dims)}`);
    return [scatter(past, update, indices && integersOf(indices, 'write_indices'), attrs)];
  },
});
