/**
 * Reshape relabels the dims of the same storage. The target comes from the `shape` attribute
 * (opset 1-4) or input (5+); 0 copies the input dim unless allowzero=1 (14+) makes it a real
 * zero, and a single -1 is inferred from the element count.
 */
import { KernelInputError } from '../../errors/errors.js';
import { ALL_TENSOR_TYPES } from '../../tensor/element-type.js';
import type { DenseTensor } from '../../tensor/dense-tensor.js';
import { formatShape, sizeOf } from '../../tensor/shape.js';
import { kernel, type KernelDefinition } from '../kernel.js';
import { tensorInput } from '../support/inputs.js';
import { vectorInput } from '../support/shape-input.js';

function reshapeError(input: DenseTensor, requested: readonly number[], why: string): never {
  throw new KernelInputError(`cannot reshape ${input.describe()} to ${formatShape(requested)}: ${why}`);
}

// An index loop and no closures: Reshape runs often on tiny tensors, before V8 optimizes it.
function reshapeDims(input: DenseTensor, requested: readonly number[], allowZero: boolean): number[] {
  let inferred = -1;
  const dims: number[] = [];
  for (let i = 0; i < requested.length; i++) {
    const d = requested[i];
    if (d === -1) {
      if (inferred >= 0) reshapeError(input, requested, 'more than one dimension is -1');
      inferred = i;
      dims.push(1);
    } else if (!Number.isSafeInteger(d) || d < -1) {
      reshapeError(input, requested, `dimension ${i} is ${d}`);
    } else if (d === 0 && !allowZero) {
      if (i >= input.rank) reshapeError(input, requested, `dimension ${i} is 0 (copy the input dim) but the input has rank ${input.rank}`);
      dims.push(input.dims[i]);
    } else {
      dims.push(d);
    }
  }
  if (allowZero && inferred >= 0 && requested.includes(0)) reshapeError(input, requested, 'with allowzero=1 the shape cannot hold both 0 and -1');
  const known = sizeOf(dims);
  if (inferred >= 0) {
    if (known === 0 || input.size % known !== 0) reshapeError(input, requested, `the -1 dimension cannot be inferred from ${input.size} elements`);
    dims[inferred] = input.size / known;
  } else if (known !== input.size) {
    reshapeError(input, requested, `${known} elements requested, the input has ${input.size}`);
  }
  return dims;
}

const reshapeAttribute = kernel<readonly number[]>({
  domain: '',
  opType: 'Reshape',
  sinceVersion: 1,
  untilVersion: 4,
  typeConstraints: [{ input: 0, types: ALL_TENSOR_TYPES }],
  parseAttributes: (attrs) => attrs.requiredInts('shape'),
  run(inputs, shape) {
    const data = tensorInput(inputs, 0, 'data');
    return [data.reshaped(reshapeDims(data, shape, false))];
  },
});

function reshapeInput(sinceVersion: number, untilVersion: number | undefined, hasAllowZero: boolean): KernelDefinition {
  return kernel<boolean>({
    domain: '',
    opType: 'Reshape',
    sinceVersion,
    untilVersion,
    typeConstraints: [{ input: 0, types: ALL_TENSOR_TYPES }, { input: 1, types: ['int64'] }],
    parseAttributes: (attrs) => hasAllowZero && attrs.int('allowzero', 0) !== 0,
    run(inputs, allowZero) {
      const data = tensorInput(inputs, 0, 'data');
      const shape = vectorInput(tensorInput(inputs, 1, 'shape'), 'shape');
      return [data.reshaped(reshapeDims(data, shape, allowZero))];
    },
  });
}

export const reshapeKernels: KernelDefinition[] = [reshapeAttribute, reshapeInput(5, 13, false), reshapeInput(14, undefined, true)];
