/**
 * Reading the scale and zero-point inputs of the QLinear ops: per-tensor ones as numbers, with
 * errors that name the input.
 */
import { KernelInputError } from '../../errors/errors.js';
import type { DenseTensor } from '../../tensor/dense-tensor.js';
import { formatShape } from '../../tensor/shape.js';
import type { Value } from '../../tensor/value.js';
import { optionalTensorInput, tensorInput } from '../support/inputs.js';
import { computeValues, type NumberArray } from '../support/numeric.js';

/** A tensor's values as numbers (float16/bfloat16/float8 decoded). */
export function numbersOf(t: DenseTensor): NumberArray {
  return computeValues(t) as NumberArray;
}

export function singleValue(t: DenseTensor, what: string): number {
  if (t.size !== 1) throw new KernelInputError(`${what} must hold one value (per-tensor quantization), got shape ${formatShape(t.dims)}`);
  return numbersOf(t)[0];
}

export function scaleInput(inputs: readonly (Value | undefined)[], index: number, what: string): number {
  return singleValue(tensorInput(inputs, index, what), what);
}

/** An optional per-tensor zero point (0 when absent) of the quantized tensor's type. */
export function zeroPointInput(inputs: readonly (Value | undefined)[], index: number, what: string, type: string): number {
  const t = optionalTensorInput(inputs, index, what);
  if (t === undefined) return 0;
  if (t.type !== type) throw new KernelInputError(`${what} must have the type of the tensor it describes (${type}), got ${t.type}`);
  return singleValue(t, what);
}
