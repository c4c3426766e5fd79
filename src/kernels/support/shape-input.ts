/**
 * Shapes that come from tensor data (Reshape's shape, Expand's shape, Tile's repeats,
 * ConstantOfShape's input, Range's count) are untrusted: a model can ask for a negative or
 * astronomically large tensor. These checks run before anything is allocated.
 */
import { KernelInputError } from '../../errors/errors.js';
import type { DenseTensor } from '../../tensor/dense-tensor.js';
import { formatShape } from '../../tensor/shape.js';
import { integersOf } from './inputs.js';

/** The most elements one output may have; beyond this no JavaScript engine can allocate it anyway. */
export const MAX_ELEMENTS = 2 ** 31 - 1;

/** `dims` itself, once every dim is a non-negative integer and the element count is allocatable. */
export function checkedDims(dims: readonly number[], what: string): number[] {
  let size = 1;
  for (const d of dims) {
    if (!Number.isSafeInteger(d) || d < 0) throw new KernelInputError(`${what} ${formatShape(dims)} has an invalid dimension ${d}`);
    size *= d;
  }
  // A zero dim makes the tensor empty however large the others are, but each must still fit.
  const largest = Math.max(0, ...dims);
  if (size > MAX_ELEMENTS || largest > MAX_ELEMENTS) {
    throw new KernelInputError(`${what} ${formatShape(dims)} would need ${size === 0 ? largest : size} elements, more than the limit of ${MAX_ELEMENTS}`);
  }
  return [...dims];
}

/** A 1-D integer tensor (a shape, repeats, axes...) as numbers. */
export function vectorInput(tensor: DenseTensor, what: string): number[] {
  if (tensor.rank !== 1) throw new KernelInputError(`${what} must be a 1-D tensor, got shape ${formatShape(tensor.dims)}`);
  return integersOf(tensor, what);
}

