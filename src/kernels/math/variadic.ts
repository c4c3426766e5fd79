/**
 * Max, Min, Sum, Mean over one or more inputs. Opsets before 8 need every input to have one
 * shape; from 8 they broadcast numpy-style. The result folds each input into one accumulator
 * (decoded once for the encoded float types) rather than allocating a tensor per pair.
 */
import { KernelInputError } from '../../errors/errors.js';
import type { DenseTensor } from '../../tensor/dense-tensor.js';
import { FLOAT_TYPES, NUMERIC_TYPES, type DataType } from '../../tensor/element-type.js';
import { formatShape, sameShape, sizeOf } from '../../tensor/shape.js';
import { kernel, type KernelDefinition, type KernelInputs } from '../kernel.js';
import { broadcastIndex, broadcastShapes } from '../support/broadcast.js';
import { pickFn, type ElementFn, type ElementFns } from '../support/elementwise.js';
import { tensorInput } from '../support/inputs.js';
import { computeBuffer, computeValues, tensorFromCompute } from '../support/numeric.js';

function operands(inputs: KernelInputs, broadcast: boolean): DenseTensor[] {
  if (inputs.length === 0) throw new KernelInputError('at least one input is required');
  const tensors = inputs.map((_, i) => tensorInput(inputs, i, `input ${i}`));
  const first = tensors[0];
  for (const [i, t] of tensors.entries()) {
    if (t.type !== first.type) throw new KernelInputError(`input ${i} is ${t.type} but input 0 is ${first.type}; all must have one type`);
    if (!broadcast && !sameShape(t.dims, first.dims)) {
      throw new KernelInputError(`input ${i} has shape ${formatShape(t.dims)} but input 0 has ${formatShape(first.dims)}; before opset 8 all shapes must agree`);
    }
  }
  return tensors;
}

function fold(tensors: readonly DenseTensor[], fns: ElementFns<ElementFn>, divideBy: number): DenseTensor {
  if (tensors.length === 1 && divideBy === 1) return tensors[0];
  const type = tensors[0].type;
  const dims = broadcastShapes(...tensors.map((t) => t.dims));
  const size = sizeOf(dims);
  const fn = pickFn(fns, type);
  const acc = computeBuffer(type, size);
  tensors.forEach((t, k) => {
    const values = computeValues(t);
    const index = broadcastIndex(t.dims, dims);
    if (k === 0) for (let i = 0; i < size; i++) acc[i] = values[index ? index[i] : i];
    else if (index) for (let i = 0; i < size; i++) acc[i] = fn(acc[i], values[index[i]]);
    else for (let i = 0; i < size; i++) acc[i] = fn(acc[i], values[i]);
  });
  if (divideBy !== 1) for (let i = 0; i < size; i++) acc[i] = (acc[i] as number) / divideBy;
  return tensorFromCompute(type, dims, acc);
}

const add: ElementFns<ElementFn> = { float: (a, b) => a + b };
// Math.max/min propagate NaN, as numpy's maximum/minimum (the reference) do.
const max: ElementFns<ElementFn> = { float: Math.max, bigint: (a: bigint, b: bigint) => (a > b ? a : b) };
const min: ElementFns<ElementFn> = { float: Math.min, bigint: (a: bigint, b: bigint) => (a < b ? a : b) };

function variadicOp(opType: string, fns: ElementFns<ElementFn>, types: readonly DataType[], mean = false): KernelDefinition[] {
  const typeConstraints = [{ input: 0, types }];
  const run = (broadcast: boolean) => (inputs: KernelInputs) => {
    const tensors = operands(inputs, broadcast);
    return [fold(tensors, fns, mean ? tensors.length : 1)];
  };
  return [
    kernel({ domain: '', opType, sinceVersion: 8, typeConstraints, run: run(true) }),
    kernel({ domain: '', opType, sinceVersion: 1, untilVersion: 7, typeConstraints, run: run(false) }),
  ];
}

export const variadicKernels: KernelDefinition[] = [
  ...variadicOp('Max', max, NUMERIC_TYPES),
  ...variadicOp('Min', min, NUMERIC_TYPES),
  ...variadicOp('Sum', add, FLOAT_TYPES),
  ...variadicOp('Mean', add, FLOAT_TYPES, true),
];
