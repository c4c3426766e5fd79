/** Lists of axes given by attributes or inputs (Squeeze, Unsqueeze, Slice): range-checked, distinct. */
import { KernelInputError } from '../../errors/errors.js';
import { normalizeAxis } from './inputs.js';

/**
 * Each axis made non-negative against `rank`. Opsets before 11 documented non-negative axes
 * only, so `allowNegative` false rejects them rather than guessing.
 */
export function normalizeAxes(axes: readonly number[], rank: number, what: string, allowNegative = true): number[] {
  const seen = new Set<number>();
  return axes.map((axis) => {
    if (axis < 0 && !allowNegative) throw new KernelInputError(`${what} must be non-negative at this opset, got ${axis}`);
    const normalized = normalizeAxis(axis, rank, what);
    if (seen.has(normalized)) throw new KernelInputError(`${what} [${axes.join(',')}] names axis ${normalized} twice`);
    seen.add(normalized);
    return normalized;
  });
}
