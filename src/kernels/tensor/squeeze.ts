/**
 * Squeeze and Unsqueeze relabel dims over the same storage. Axes were an attribute of
 * non-negative values (1-10), then could be negative (11), then became an input (13).
 */
import { KernelInputError } from '../../errors/errors.js';
import type { DenseTensor } from '../../tensor/dense-tensor.js';
import { ALL_TENSOR_TYPES } from '../../tensor/element-type.js';
import { kernel, type KernelDefinition } from '../kernel.js';
import { tensorInput } from '../support/inputs.js';
import { normalizeAxes } from '../support/axes.js';
import { vectorInput } from '../support/shape-input.js';

type Op = 'Squeeze' | 'Unsqueeze';

/** Without axes, Squeeze drops every size-1 dim. Index loops, no filter() callbacks: this runs on tiny tensors, often unoptimized. */
function squeeze(data: DenseTensor, axes: readonly number[] | undefined, allowNegative: boolean): DenseTensor {
  const dims: number[] = [];
  if (axes === undefined) {
    for (let i = 0; i < data.rank; i++) if (data.dims[i] !== 1) dims.push(data.dims[i]);
    return data.reshaped(dims);
  }
  const drop = normalizeAxes(axes, data.rank, 'axes', allowNegative);
  for (let k = 0; k < drop.length; k++) {
    const axis = drop[k];
    if (data.dims[axis] !== 1) throw new KernelInputError(`cannot squeeze axis ${axis} of ${data.describe()}: its size is ${data.dims[axis]}, not 1`);
  }
  for (let i = 0; i < data.rank; i++) if (!drop.includes(i)) dims.push(data.dims[i]);
  return data.reshaped(dims);
}

/** Axes index the output, whose rank is the input's plus the number of axes. */
function unsqueeze(data: DenseTensor, axes: readonly number[], allowNegative: boolean): DenseTensor {
  const rank = data.rank + axes.length;
  const inserted = normalizeAxes(axes, rank, 'axes', allowNegative);
  const dims: number[] = [];
  let next = 0;
  for (let i = 0; i < rank; i++) dims.push(inserted.includes(i) ? 1 : data.dims[next++]);
  return data.reshaped(dims);
}

function apply(op: Op, data: DenseTensor, axes: readonly number[] | undefined, allowNegative: boolean): DenseTensor {
  if (op === 'Squeeze') return squeeze(data, axes, allowNegative);
  if (axes === undefined) throw new KernelInputError(`axes are required to unsqueeze ${data.describe()}`);
  return unsqueeze(data, axes, allowNegative);
}

function axesAttributeKernel(opType: Op, sinceVersion: number, untilVersion: number, allowNegative: boolean): KernelDefinition {
  return kernel<readonly number[] | undefined>({
    domain: '',
    opType,
    sinceVersion,
    untilVersion,
    typeConstraints: [{ input: 0, types: ALL_TENSOR_TYPES }],
    parseAttributes: (attrs) => (opType === 'Unsqueeze' ? attrs.requiredInts('axes') : attrs.ints('axes')),
    run: (inputs, axes) => [apply(opType, tensorInput(inputs, 0, 'data'), axes, allowNegative)],
  });
}

function axesInputKernel(opType: Op): KernelDefinition {
  return kernel({
    domain: '',
    opType,
    sinceVersion: 13,
    typeConstraints: [{ input: 0, types: ALL_TENSOR_TYPES }, { input: 1, types: ['int64'] }],
    run(inputs) {
      const axesTensor = inputs[1] === undefined ? undefined : tensorInput(inputs, 1, 'axes');
      // Exporters often pass a scalar axis although the spec asks for a 1-D tensor.
      const axes = axesTensor && vectorInput(axesTensor.rank === 0 ? axesTensor.reshaped([1]) : axesTensor, 'axes');
      return [apply(opType, tensorInput(inputs, 0, 'data'), axes, true)];
    },
  });
}

export const squeezeKernels: KernelDefinition[] = (['Squeeze', 'Unsqueeze'] as const).flatMap((op) => [
  axesAttributeKernel(op, 1, 10, false),
  axesAttributeKernel(op, 11, 12, true),
  axesInputKernel(op),
]);
