/**
 * The additive bias Attention puts on each row of scores: the attention mask (a boolean mask
 * contributes 0 or -inf, a numeric one its value) broadcast numpy-style to [B, Hq, Sq, total],
 * plus -inf where the causal frontier or the `nonpad_kv_seqlen` padding excludes a key.
 * Opset 24 pads a mask shorter than `total` with -inf instead of broadcasting it.
 */
import { KernelInputError } from '../../errors/errors.js';
import type { DenseTensor } from '../../tensor/dense-tensor.js';
import { formatShape, stridesOf } from '../../tensor/shape.js';
import { computeValues } from '../support/numeric.js';

export interface BiasOptions {
  readonly mask: DenseTensor | undefined;
  readonly causal: boolean;
  /** Keys valid per batch entry (opset 24 external cache), or undefined. */
  readonly nonpad: readonly number[] | undefined;
  readonly pastLength: number;
  readonly padShortMask: boolean;
}

export type RowBias = (b: number, h: number, i: number, out: Float64Array) => void;

/** A function that fills `out` (length total) with the bias of score row (b, h, i). */
export function attentionBias(opts: BiasOptions, dims: readonly [number, number, number, number]): RowBias {
  const [, , qSeq, total] = dims;
  const mask = opts.mask && maskRows(opts.mask, dims, opts.padShortMask);
  return (b, h, i, out) => {
    if (mask) mask(b, h, i, out);
    else out.fill(0);
    if (opts.causal) {
      // Bottom-right alignment: the query block follows the `offset` keys before it.
      const offset = opts.nonpad && opts.pastLength === 0 ? opts.nonpad[b] - qSeq : opts.pastLength;
      for (let j = Math.max(0, i + offset + 1); j < total; j++) out[j] = -Infinity;
    }
    if (opts.nonpad) for (let j = opts.nonpad[b]; j < total; j++) out[j] = -Infinity;
  };
}

function maskRows(mask: DenseTensor, dims: readonly number[], padShort: boolean): RowBias {
  const total = dims[3];
  if (mask.rank < 1 || mask.rank > 4) throw new KernelInputError(`attn_mask must have rank 1 to 4, got ${formatShape(mask.dims)}`);
  const aligned = [...new Array<number>(4 - mask.rank).fill(1), ...mask.dims];
  const length = aligned[3];
  const lastOk = length === total || length === 1 || (padShort && length < total);
  if (!lastOk || aligned.slice(0, 3).some((d, i) => d !== 1 && d !== dims[i])) {
    throw new KernelInputError(`attn_mask ${formatShape(mask.dims)} does not broadcast to [batch, q_heads, q_seq, total_seq] = ${formatShape(dims)}`);
  }
  const strides = stridesOf(aligned).map((s, i) => (aligned[i] === 1 ? 0 : s));
  const values = mask.type === 'bool' ? undefined : computeValues(mask);
  const flags = mask.type === 'bool' ? (mask.data as Uint8Array) : undefined;
  // A last dimension of 1 broadcasts, unless opset 24 pads it like any other short mask.
  const broadcastLast = length === 1 && total !== 1 && !padShort;
  return (b, h, i, out) => {
    const base = b * strides[0] + h * strides[1] + i * strides[2];
    for (let j = 0; j < total; j++) {
      if (j >= length && !broadcastLast) {
        out[j] = -Infinity;
        continue;
      }
      const at = base + (broadcastLast ? 0 : j);
      out[j] = flags ? (flags[at] ? 0 : -Infinity) : Number(values![at]);
    }
  };
}

/** nonpad_kv_seqlen as numbers, each within [0, total]. */
export function nonpadLengths(t: DenseTensor, batch: number, total: number): number[] {
  if (t.rank !== 1 || t.dims[0] !== batch) throw new KernelInputError(`nonpad_kv_seqlen must have shape [${batch}], got ${formatShape(t.dims)}`);
  const lengths = Array.from(t.data as BigInt64Array, Number);
  const bad = lengths.find((n) => n < 0 || n > total);
  if (bad !== undefined) throw new KernelInputError(`nonpad_kv_seqlen value ${bad} is outside [0, ${total}]`);
  return lengths;
}
