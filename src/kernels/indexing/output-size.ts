/**
 * Guards allocations whose size comes from input data (pads, depth): a negative, fractional or
 * absurd dimension is a KernelInputError before anything is allocated.
 */
import { KernelInputError } from '../../errors/errors.js';
import { formatShape, type Shape } from '../../tensor/shape.js';

// Typed arrays longer than this cannot be allocated by every supported engine.
const MAX_ELEMENTS = 2 ** 31 - 1;

export function requireAllocatable(dims: Shape, what: string): void {
  let size = 1;
  for (const d of dims) {
    if (!Number.isSafeInteger(d) || d < 0 || d > MAX_ELEMENTS) {
      throw new KernelInputError(`${what} would have shape ${formatShape(dims)}: dimension ${d} is not an integer in 0..${MAX_ELEMENTS}`);
    }
    size *= d;
  }
  if (size > MAX_ELEMENTS) throw new KernelInputError(`${what} would have shape ${formatShape(dims)} (${size} elements), more than ${MAX_ELEMENTS}`);
}
