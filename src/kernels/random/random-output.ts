/**
 * What the random ops share besides the stream: the output type from `dtype` and a bound on
 * how much they generate. Drawing is slow per element, so the bound is far below what could be
 * allocated: a model asking for more gets an error instead of a run that never ends.
 */
import { KernelInputError } from '../../errors/errors.js';
import { dataTypeFromOnnx, type DataType } from '../../tensor/element-type.js';
import { formatShape } from '../../tensor/shape.js';
import { checkedDims } from '../support/shape-input.js';

/** 2^26 draws take a few seconds; more is not a model's honest need. */
export const MAX_RANDOM_ELEMENTS = 2 ** 26;

export const RANDOM_FLOAT_TYPES: readonly DataType[] = ['float32', 'float64', 'float16', 'bfloat16'];

/** `dtype` as a DataType from `allowed`, or `fallback` when the attribute is absent. */
export function outputType(code: number | undefined, allowed: readonly DataType[], fallback: DataType): DataType {
  if (code === undefined) return fallback;
  const type = dataTypeFromOnnx(code);
  if (type === undefined || !allowed.includes(type)) {
    throw new KernelInputError(`attribute 'dtype' ${code} is not one of ${allowed.join(', ')}`);
  }
  return type;
}

/** `dims` checked to be a shape whose element count is within the random ops' bound. */
export function generatedDims(dims: readonly number[], what: string): number[] {
  const checked = checkedDims(dims, what);
  const size = checked.reduce((a, b) => a * b, 1);
  if (size > MAX_RANDOM_ELEMENTS) {
    throw new KernelInputError(`${what} ${formatShape(dims)} asks for ${size} random values, more than the limit of ${MAX_RANDOM_ELEMENTS}`);
  }
  return checked;
}
