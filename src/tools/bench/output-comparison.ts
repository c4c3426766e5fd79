/**
 * How far one runtime's outputs are from the reference's: the largest absolute difference and
 * whether every element is within the tolerance the differential tests use for float models.
 */
import type { OutputData } from './ort-like-runtime.js';

export const OUTPUT_TOLERANCE = { rtol: 1e-3, atol: 1e-4 };

export interface OutputComparison {
  /** Largest |value - reference| over all outputs; Infinity where NaN meets a number. */
  readonly maxAbsDiff: number;
  /** Every element within atol + rtol·|reference|, and every output present with its length. */
  readonly agrees: boolean;
  /** What made them disagree structurally: a missing output or a different element count. */
  readonly problem?: string;
}

export function compareOutputs(actual: OutputData, reference: OutputData): OutputComparison {
  let maxAbsDiff = 0;
  let agrees = true;
  for (const [name, expected] of reference) {
    const got = actual.get(name);
    if (!got) return { maxAbsDiff: Number.POSITIVE_INFINITY, agrees: false, problem: `output '${name}' missing` };
    if (got.length !== expected.length) {
      return { maxAbsDiff: Number.POSITIVE_INFINITY, agrees: false, problem: `output '${name}' has ${got.length} elements, the reference ${expected.length}` };
    }
    for (let i = 0; i < expected.length; i++) {
      const e = Number(expected[i]);
      const a = Number(got[i]);
      if (Number.isNaN(e) && Number.isNaN(a)) continue;
      const diff = Math.abs(a - e);
      const d = Number.isNaN(diff) ? Number.POSITIVE_INFINITY : diff;
      if (d > maxAbsDiff) maxAbsDiff = d;
      if (!(d <= OUTPUT_TOLERANCE.atol + OUTPUT_TOLERANCE.rtol * Math.abs(e)) && a !== e) agrees = false;
    }
  }
  return { maxAbsDiff, agrees };
}
