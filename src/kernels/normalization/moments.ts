/**
 * Per-group statistics shared by the normalizations whose groups are contiguous runs of the
 * input (LayerNormalization, InstanceNormalization, GroupNormalization). The variance is the
 * two-pass mean of squared deviations, as the ONNX function bodies define it, which stays
 * accurate where E[x^2] - E[x]^2 would cancel.
 */
import type { NumberArray } from '../support/numeric.js';

export interface Moments {
  readonly mean: Float64Array;
  /** 1 / sqrt(variance + epsilon). */
  readonly invStdDev: Float64Array;
}

/** Moments of each of `groups` consecutive runs of `size` values of x. */
export function groupMoments(x: NumberArray, groups: number, size: number, epsilon: number): Moments {
  const mean = new Float64Array(groups);
  const invStdDev = new Float64Array(groups);
  for (let g = 0; g < groups; g++) {
    const start = g * size;
    const end = start + size;
    let sum = 0;
    for (let i = start; i < end; i++) sum += x[i];
    const mu = sum / size;
    let squares = 0;
    for (let i = start; i < end; i++) {
      const d = x[i] - mu;
      squares += d * d;
    }
    mean[g] = mu;
    invStdDev[g] = 1 / Math.sqrt(squares / size + epsilon);
  }
  return { mean, invStdDev };
}
