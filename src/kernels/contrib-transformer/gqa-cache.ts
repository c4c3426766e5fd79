/**
 * GroupQueryAttention's view of the sequence: per batch entry, how many keys exist
 * (seqlens_k + 1) and how many of them came before this step, and the present cache built
 * from them. The present buffer holds max(total_sequence_length, past buffer) rows per head:
 * the entry's past rows, then its new rows, then zeros.
 */
import { KernelInputError } from '../../errors/errors.js';
import type { DenseTensor } from '../../tensor/dense-tensor.js';
import { formatShape } from '../../tensor/shape.js';
import { computeValues, type NumberArray } from '../support/numeric.js';

export interface GqaSequence {
  /** No past: this step is the whole (possibly right-padded) prompt. */
  readonly firstPrompt: boolean;
  /** Keys of each batch entry, this step's included. */
  readonly totals: readonly number[];
  /** Keys of each batch entry before this step. */
  readonly pasts: readonly number[];
  /** Rows per head of the present caches. */
  readonly presentRows: number;
  readonly totalSequenceLength: number;
}

/**
 * The first prompt (seq == total_sequence_length) has no past whatever seqlens_k says, so
 * shorter entries are right-padded prompts; later steps append seq tokens to each entry's past.
 */
export function gqaSequence(seqlensK: DenseTensor, totalLength: DenseTensor, batch: number, seq: number, pastRows: number): GqaSequence {
  if (seqlensK.rank !== 1 || seqlensK.dims[0] !== batch) throw new KernelInputError(`seqlens_k must have shape [${batch}], got ${formatShape(seqlensK.dims)}`);
  if (totalLength.size !== 1) throw new KernelInputError(`total_sequence_length must hold one value, got shape ${formatShape(totalLength.dims)}`);
  const totalSequenceLength = (totalLength.data as Int32Array)[0];
  const firstPrompt = seq === totalSequenceLength;
  if (!firstPrompt && seq > 1 && batch !== 1) throw new KernelInputError('a step of more than one token after the prompt needs a batch of 1');
  const presentRows = Math.max(totalSequenceLength, pastRows);
  const totals = Array.from(seqlensK.data as Int32Array, (n) => n + 1);
  const pasts = totals.map((total) => (firstPrompt ? 0 : total - seq));
  totals.forEach((total, b) => {
    const past = pasts[b];
    if (past < 0 || past > pastRows || past + seq > presentRows || total > past + seq) {
      throw new KernelInputError(`seqlens_k[${b}] = ${total - 1} does not fit ${seq} new tokens after a past of ${pastRows} in ${presentRows} positions`);
    }
  });
  return { firstPrompt, totals, pasts, presentRows, totalSequenceLength };
}

/** present [B, kvHeads, presentRows, H] from past [B, kvHeads, pastRows, H] and the new rows (BNSH). */
export function gqaPresent(past: DenseTensor | undefined, current: Float32Array, sequence: GqaSequence, kvHeads: number, seq: number, size: number): Float32Array {
  const batch = sequence.totals.length;
  const rows = sequence.presentRows;
  const out = new Float32Array(batch * kvHeads * rows * size);
  const pastValues = past && (computeValues(past) as NumberArray);
  const pastRows = past ? past.dims[2] : 0;
  for (let b = 0; b < batch; b++) {
    const keep = sequence.pasts[b] * size;
    for (let n = 0; n < kvHeads; n++) {
      const head = (b * kvHeads + n) * rows * size;
      if (pastValues) out.set(pastValues.subarray((b * kvHeads + n) * pastRows * size, (b * kvHeads + n) * pastRows * size + keep), head);
      const from = (b * kvHeads + n) * seq * size;
      out.set(current.subarray(from, from + seq * size), head + keep);
    }
  }
  return out;
}
