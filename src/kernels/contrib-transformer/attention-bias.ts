/** The attention_bias input of the contrib attention ops: [batch or 1, heads or 1, seq, total] added to the scores. */
import { KernelInputError } from '../../errors/errors.js';
import type { DenseTensor } from '../../tensor/dense-tensor.js';
import { formatShape } from '../../tensor/shape.js';
import { computeValues, type NumberArray } from '../support/numeric.js';

/** Adds the bias of score row (b, h, i) to the `total` keys of `scores` from `at`. */
export type BiasRow = (b: number, h: number, i: number, scores: Float32Array, at: number) => void;

export function attentionBiasRows(bias: DenseTensor | undefined, batch: number, heads: number, seq: number, total: number): BiasRow | undefined {
  if (!bias) return undefined;
  const [b0, h0, s0, t0] = bias.dims;
  if (bias.rank !== 4 || (b0 !== batch && b0 !== 1) || (h0 !== heads && h0 !== 1) || s0 !== seq || t0 !== total) {
    throw new KernelInputError(`attention_bias must have shape [${batch} or 1, ${heads} or 1, ${seq}, ${total}], got ${formatShape(bias.dims)}`);
  }
  const values = computeValues(bias) as NumberArray;
  return (b, h, i, scores, at) => {
    const from = (((b0 === 1 ? 0 : b) * h0 + (h0 === 1 ? 0 : h)) * seq + i) * t0;
    for (let j = 0; j < total; j++) scores[at + j] += values[from + j];
  };
}
