/** Lists of axes given by attributes or inputs (Squeeze, Unsqueeze, Slice): range-checked, distinct. */
import { KernelInputError } from '../../errors/errors.js';
import { normalizeAxis } from './inputs.js';

/**
 * Each axis made non-negative against `rank`. Opsets before 11 documented non-negative axes
 * only, so `allowNegative` false rejects them rather than guessing. A plain loop with a
 * quadratic duplicate check: axis lists are a handful long, and this runs at every step of
 * every run, where a Set and a closure per call were garbage.
 */
export function normalizeAxes(axes: readonly number[], rank: number, what: string, allowNegative = true): number[] {
  // Filled by push so the array stays packed, not holey.
  const normalized: number[] = [];
  for (let i = 0; i < axes.length; i++) {
    const axis = axes[i];
    if (axis < 0 && !allowNegative) throw new KernelInputError(`${what} must be non-negative at this opset, got ${axis}`);
    const value = normalizeAxis(axis, rank, what);
    for (let j = 0; j < i; j++) {
      if (normalized[j] === value) throw new KernelInputError(`${what} [${axes.join(',')}] names axis ${value} twice`);
    }
    normalized.push(value);
  }
  return normalized;
}
