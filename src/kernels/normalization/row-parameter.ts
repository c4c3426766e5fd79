/**
 * The common case of a broadcast parameter (Scale, B) for the row-wise normalizations: one
 * value per element of a normalized row, in order, so row loops can index it directly.
 */
import type { NumberArray } from '../support/numeric.js';
import type { BroadcastParameter } from './broadcast-parameter.js';

/** The parameter's values when element j of every `inner`-long row uses values[j]; else undefined. */
export function rowParameter(p: BroadcastParameter, inner: number): NumberArray | undefined {
  return p.index === undefined && p.period === inner ? p.values : undefined;
}
