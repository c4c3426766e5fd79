/**
 * The additive masks of the BERT-style attention ops (Attention's mask_index, MultiHeadAttention's
 * key_padding_mask), as onnxruntime's CPU kernels build them: a masked key gets
 * mask_filter_value (not -Infinity, so a fully masked row still averages its keys), and the
 * unidirectional (causal) mask sets every key after the query's own position to the element
 * type's lowest value (`lowest`). Formats:
 *   end        [batch]              keys at or after mask[b] are padding
 *   end-start  [2 * batch]          ... and keys before mask[batch + b]
 *   keys       [batch, total]       0 marks a padding key
 *   rows       [batch, seq, total]  0 marks a key row i must not see
 *   megatron   [batch, 1, max, max] row i reads row past + i of the square mask
 */
import { KernelInputError } from '../../errors/errors.js';
import type { DenseTensor } from '../../tensor/dense-tensor.js';
import { formatShape } from '../../tensor/shape.js';

export type MaskFormat = 'end' | 'end-start' | 'keys' | 'rows' | 'megatron';

export interface MaskSpec {
  readonly mask: DenseTensor | undefined;
  readonly format: MaskFormat | undefined;
  readonly seq: number;
  readonly past: number;
  readonly total: number;
  readonly causal: boolean;
  readonly filter: number;
  readonly lowest: number;
}

/** Adds the mask of row i of batch entry b to the `total` keys of `scores` from `at`. */
export type MaskRow = (b: number, i: number, scores: Float32Array, at: number) => void;

function paddingMask(spec: MaskSpec): MaskRow | undefined {
  const { mask, total, filter } = spec;
  if (!mask || !spec.format) return undefined;
  const data = mask.data as Int32Array;
  switch (spec.format) {
    case 'end':
    case 'end-start': {
      const starts = spec.format === 'end-start' ? mask.size / 2 : -1;
      return (b, _i, scores, at) => {
        const start = starts < 0 ? 0 : Math.max(0, Math.min(data[starts + b], total));
        const end = Math.max(start, Math.min(data[b], total));
        for (let j = 0; j < start; j++) scores[at + j] += filter;
        for (let j = end; j < total; j++) scores[at + j] += filter;
      };
    }
    case 'keys':
      return (b, _i, scores, at) => {
        const from = b * total;
        for (let j = 0; j < total; j++) if (data[from + j] <= 0) scores[at + j] += filter;
      };
    case 'rows':
      return (b, i, scores, at) => {
        const from = (b * spec.seq + i) * total;
        for (let j = 0; j < total; j++) if (data[from + j] <= 0) scores[at + j] += filter;
      };
    case 'megatron': {
      const max = mask.dims[3];
      return (b, i, scores, at) => {
        const from = (b * max + spec.past + i) * max;
        for (let j = 0; j < total; j++) if (data[from + j] <= 0) scores[at + j] += filter;
      };
    }
  }
}

export function maskRows(spec: MaskSpec): MaskRow | undefined {
  const padding = paddingMask(spec);
  // A single query row sees every key, so onnxruntime applies the causal mask only to longer ones.
  const causal = spec.causal && spec.seq > 1;
  if (!causal) return padding;
  return (b, i, scores, at) => {
    padding?.(b, i, scores, at);
    scores.fill(spec.lowest, at + spec.past + i + 1, at + spec.total);
  };
}

function badMask(name: string, mask: DenseTensor, expected: string): KernelInputError {
  return new KernelInputError(`${name} ${formatShape(mask.dims)} must have shape ${expected}`);
}

/** Attention's mask_index format; undefined for the [batch or 1, 1] mask that masks nothing. */
export function maskIndexFormat(mask: DenseTensor, batch: number, seq: number, total: number, causal: boolean): MaskFormat | undefined {
  const [d0, d1, d2, d3] = mask.dims;
  const expected = `[${batch}], [${2 * batch}], [${batch}, ${total}], [${batch}, ${seq}, ${total}] or [${batch}, 1, max, max] (max >= ${total})`;
  if (mask.rank === 1 && (d0 === batch || d0 === 2 * batch)) return d0 === batch ? 'end' : 'end-start';
  if (mask.rank === 2 && d0 === batch && d1 === total) return 'keys';
  if (mask.rank === 2 && (d0 === batch || d0 === 1) && d1 === 1) return undefined;
  if (mask.rank === 3 && d0 === batch && d1 === seq && d2 === total) return 'rows';
  if (mask.rank === 4 && d0 === batch && d1 === 1 && d2 === d3 && d3 >= total) {
    if (causal) throw new KernelInputError('a 4-D mask_index cannot be combined with unidirectional');
    return 'megatron';
  }
  throw badMask('mask_index', mask, expected);
}

/**
 * MultiHeadAttention's key_padding_mask format. onnxruntime also accepts [batch, kv_seq] beside
 * a past, but then reads it with the stride of the total length, so it is refused here; the
 * [3 * batch + 2] format is its CUDA kernels' alone.
 */
export function keyPaddingMaskFormat(mask: DenseTensor, batch: number, seq: number, total: number): MaskFormat {
  const [d0, d1, d2] = mask.dims;
  if (mask.rank === 1 && d0 === batch) return 'end';
  if (mask.rank === 2 && d0 === batch && d1 === total) return 'keys';
  if (mask.rank === 3 && d0 === batch && d1 === seq && d2 === total) return 'rows';
  throw badMask('key_padding_mask', mask, `[${batch}], [${batch}, ${total}] or [${batch}, ${seq}, ${total}]`);
}
