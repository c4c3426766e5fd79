/**
 * MultiHeadAttention's query, key and value in every layout it accepts, gathered into BNSH
 * with their bias slices (bias is [q_hidden + k_hidden + v_hidden]):
 *   query [B, S, D], key [B, L, D], value [B, L, Dv]
 *   query [B, S, D], key and value [B, N, L, H] (a cross-attention cache; no bias, no past)
 *   query [B, S, D], key [B, L, N, 2, H] (packed K and V), value absent
 *   query [B, S, N, 3, H] (packed Q, K and V), key and value absent
 */
import { KernelInputError } from '../../errors/errors.js';
import type { DenseTensor } from '../../tensor/dense-tensor.js';
import { formatShape } from '../../tensor/shape.js';
import { computeValues, type NumberArray } from '../support/numeric.js';
import { bnshHeads, gatherHeads, rowMajorHeads, type HeadShape, type StridedHeads } from './heads.js';

export interface MhaInputs {
  readonly batch: number;
  readonly seq: number;
  readonly kvSeq: number;
  readonly size: number;
  readonly vSize: number;
  readonly q: Float32Array;
  readonly k: Float32Array;
  readonly v: Float32Array;
  /** Key and value came as a complete cache, so no past may extend them. */
  readonly kvIsCache: boolean;
}

/** Element [b, s, n, 0] of slot `slot` of a [B, S, N, slots, H] packed tensor. */
function packedHeads(data: NumberArray, dims: readonly number[], slot: number): StridedHeads {
  const [, seq, heads, slots, size] = dims;
  return { data, offset: slot * size, batchStride: seq * heads * slots * size, seqStride: heads * slots * size, headStride: slots * size };
}

function mismatch(what: string, t: DenseTensor, expected: string): KernelInputError {
  return new KernelInputError(`${what} ${formatShape(t.dims)} must have shape ${expected}`);
}

/** The bias values, once the Q/K and V hidden sizes they must cover are known. */
function biasValues(bias: DenseTensor | undefined, hidden: number, vHidden: number): NumberArray | undefined {
  if (!bias) return undefined;
  if (bias.rank !== 1 || bias.dims[0] !== 2 * hidden + vHidden) throw mismatch('bias', bias, `[${2 * hidden + vHidden}]`);
  return computeValues(bias) as NumberArray;
}

export function mhaInputs(query: DenseTensor, key: DenseTensor | undefined, value: DenseTensor | undefined, biasTensor: DenseTensor | undefined, heads: number): MhaInputs {
  const qv = computeValues(query) as NumberArray;
  const [batch, seq] = query.dims;
  if (!key) {
    if (value || query.rank !== 5 || query.dims[2] !== heads || query.dims[3] !== 3) {
      throw mismatch('query without key', query, `[batch, seq, ${heads}, 3, head_size] (packed Q, K and V)`);
    }
    const size = query.dims[4];
    const shape = { batch, seq, heads, size };
    const bias = biasValues(biasTensor, heads * size, heads * size);
    const gather = (slot: number) => gatherHeads(packedHeads(qv, query.dims, slot), shape, bias, slot * heads * size);
    return { batch, seq, kvSeq: seq, size, vSize: size, q: gather(0), k: gather(1), v: gather(2), kvIsCache: false };
  }
  if (query.rank !== 3 || query.dims[2] % heads !== 0) throw mismatch('query', query, `[batch, seq, ${heads} * head_size]`);
  const hidden = query.dims[2];
  const size = hidden / heads;
  const gatherQuery = (bias: NumberArray | undefined) => gatherHeads(rowMajorHeads(qv, { batch, seq, heads, size }), { batch, seq, heads, size }, bias);
  const kv = computeValues(key) as NumberArray;
  if (key.rank === 5) {
    if (value || key.dims[0] !== batch || key.dims[2] !== heads || key.dims[3] !== 2 || key.dims[4] !== size) {
      throw mismatch('packed key', key, `[${batch}, kv_seq, ${heads}, 2, ${size}] with no value`);
    }
    const shape = { batch, seq: key.dims[1], heads, size };
    const bias = biasValues(biasTensor, hidden, hidden);
    const q = gatherQuery(bias);
    const k = gatherHeads(packedHeads(kv, key.dims, 0), shape, bias, hidden);
    const v = gatherHeads(packedHeads(kv, key.dims, 1), shape, bias, 2 * hidden);
    return { batch, seq, kvSeq: shape.seq, size, vSize: size, q, k, v, kvIsCache: false };
  }
  if (!value || value.rank !== key.rank || value.dims[0] !== batch) throw new KernelInputError('key and value must be given together, of one rank and batch');
  const vv = computeValues(value) as NumberArray;
  if (key.rank === 4) {
    const [, n, kvSeq, kSize] = key.dims;
    if (biasTensor) throw new KernelInputError('bias cannot be used with 4-D key and value (a cache)');
    if (key.dims[0] !== batch || n !== heads || kSize !== size || value.dims[1] !== heads || value.dims[2] !== kvSeq) {
      throw mismatch('key and value', key, `[${batch}, ${heads}, kv_seq, ${size}]`);
    }
    const vSize = value.dims[3];
    const q = gatherQuery(undefined);
    const k = gatherHeads(bnshHeads(kv, { batch, seq: kvSeq, heads, size }), { batch, seq: kvSeq, heads, size });
    const v = gatherHeads(bnshHeads(vv, { batch, seq: kvSeq, heads, size: vSize }), { batch, seq: kvSeq, heads, size: vSize });
    return { batch, seq, kvSeq, size, vSize, q, k, v, kvIsCache: true };
  }
  const kvSeq = key.dims[1];
  if (key.rank !== 3 || key.dims[0] !== batch || key.dims[2] !== hidden || value.dims[1] !== kvSeq || value.dims[2] % heads !== 0) {
    throw mismatch('key', key, `[${batch}, kv_seq, ${hidden}] with value [${batch}, kv_seq, ${heads} * v_head_size]`);
  }
  const vSize = value.dims[2] / heads;
  const kShape: HeadShape = { batch, seq: kvSeq, heads, size };
  const vShape: HeadShape = { batch, seq: kvSeq, heads, size: vSize };
  const bias = biasValues(biasTensor, hidden, heads * vSize);
  const q = gatherQuery(bias);
  const k = gatherHeads(rowMajorHeads(kv, kShape), kShape, bias, hidden);
  const v = gatherHeads(rowMajorHeads(vv, vShape), vShape, bias, 2 * hidden);
  return { batch, seq, kvSeq, size, vSize, q, k, v, kvIsCache: false };
}
