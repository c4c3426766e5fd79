/**
 * GroupQueryAttention's Q, K and V heads in BNSH, from separate [batch, seq, heads * size]
 * tensors or all packed in the query ([batch, seq, (heads + 2 * kv_heads) * size]), and their
 * rotary embedding (cos_cache and sin_cache inputs 7 and 8, position_ids input 9).
 */
import { KernelInputError } from '../../errors/errors.js';
import type { DenseTensor } from '../../tensor/dense-tensor.js';
import { formatShape } from '../../tensor/shape.js';
import type { KernelInputs } from '../kernel.js';
import { optionalTensorInput, tensorInput } from '../support/inputs.js';
import { computeValues, type NumberArray } from '../support/numeric.js';
import type { GqaSequence } from './gqa-cache.js';
import { gatherHeads, rowMajorHeads, type HeadShape } from './heads.js';
import { applyRotary } from './rotary.js';

export interface GqaHeads {
  readonly batch: number;
  readonly seq: number;
  readonly size: number;
  readonly q: Float32Array;
  readonly k: Float32Array;
  readonly v: Float32Array;
}

/** Q, K and V in BNSH, from separate tensors or all packed in the query. */
export function gqaHeads(query: DenseTensor, key: DenseTensor | undefined, value: DenseTensor | undefined, heads: number, kvHeads: number): GqaHeads {
  if (query.rank !== 3) throw new KernelInputError(`query must be 3-D, got ${formatShape(query.dims)}`);
  const [batch, seq, width] = query.dims;
  const packed = key === undefined;
  if (packed !== (value === undefined)) throw new KernelInputError('key and value must be given together (or both packed in query)');
  const size = width / (packed ? heads + 2 * kvHeads : heads);
  if (!Number.isInteger(size)) throw new KernelInputError(`query width ${width} does not split into heads of one size`);
  const qShape: HeadShape = { batch, seq, heads, size };
  const kvShape: HeadShape = { batch, seq, heads: kvHeads, size };
  const qv = computeValues(query) as NumberArray;
  if (packed) {
    return {
      batch, seq, size,
      q: gatherHeads(rowMajorHeads(qv, qShape, width, 0), qShape),
      k: gatherHeads(rowMajorHeads(qv, kvShape, width, heads * size), kvShape),
      v: gatherHeads(rowMajorHeads(qv, kvShape, width, (heads + kvHeads) * size), kvShape),
    };
  }
  for (const [t, name] of [[key!, 'key'], [value!, 'value']] as const) {
    if (t.rank !== 3 || t.dims[0] !== batch || t.dims[1] !== seq || t.dims[2] !== kvHeads * size) {
      throw new KernelInputError(`${name} must have shape [${batch}, ${seq}, ${kvHeads * size}], got ${formatShape(t.dims)}`);
    }
  }
  return {
    batch, seq, size,
    q: gatherHeads(rowMajorHeads(qv, qShape), qShape),
    k: gatherHeads(rowMajorHeads(computeValues(key!) as NumberArray, kvShape), kvShape),
    v: gatherHeads(rowMajorHeads(computeValues(value!) as NumberArray, kvShape), kvShape),
  };
}

/**
 * The BNSH heads rotated by their positions. A prompt's token s sits at position_ids[0] + s
 * (0 + s without position_ids), padding included; a later step's token at position_ids[b, s],
 * or past + s.
 */
export function rotateHeads(data: Float32Array, heads: number, g: GqaHeads, inputs: KernelInputs, sequence: GqaSequence, interleaved: boolean): Float32Array {
  const cos = tensorInput(inputs, 7, 'cos_cache');
  const sin = tensorInput(inputs, 8, 'sin_cache');
  if (cos.rank !== 2 || sin.rank !== 2 || cos.dims[0] !== sin.dims[0] || cos.dims[1] !== sin.dims[1] || 2 * cos.dims[1] > g.size) {
    throw new KernelInputError(`cos_cache ${formatShape(cos.dims)} and sin_cache ${formatShape(sin.dims)} must be [positions, at most ${g.size / 2}]`);
  }
  const ids = optionalTensorInput(inputs, 9, 'position_ids');
  if (ids && (ids.rank !== 2 || ids.dims[0] !== g.batch || ids.dims[1] !== g.seq)) {
    throw new KernelInputError(`position_ids must have shape [${g.batch}, ${g.seq}], got ${formatShape(ids.dims)}`);
  }
  const positions = ids && Array.from(ids.data as BigInt64Array, Number);
  const positionOf = sequence.firstPrompt
    ? (_b: number, s: number) => (positions ? positions[0] : 0) + s
    : (b: number, s: number) => (positions ? positions[b * g.seq + s] : sequence.pasts[b] + s);
  const out = new Float32Array(data.length);
  const layout = {
    batch: g.batch, seq: g.seq, heads, headSize: g.size, rotaryDim: 2 * cos.dims[1], interleaved,
    batchStride: heads * g.seq * g.size, seqStride: g.size, headStride: g.seq * g.size,
  };
  const cache = { cos: computeValues(cos) as NumberArray, sin: computeValues(sin) as NumberArray, positions: cos.dims[0], width: cos.dims[1] };
  applyRotary(data, out, layout, cache, positionOf);
  return out;
}
