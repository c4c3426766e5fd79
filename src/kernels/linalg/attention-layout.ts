/**
 * The shapes of an Attention node's Q, K, V and past caches, checked against each other, and the
 * present key/value caches ([batch, kv_heads, past + kv_seq, head_size]) built from them. Q and
 * the output stay in their own layout (4-D [B, H, S, D] or 3-D [B, S, H * D]); a head of either
 * is addressed by an offset and a row stride, so neither is ever transposed.
 */
import { KernelInputError } from '../../errors/errors.js';
import type { DenseTensor } from '../../tensor/dense-tensor.js';
import { formatShape } from '../../tensor/shape.js';
import { computeBuffer, computeValues, type NumberArray } from '../support/numeric.js';
import type { FloatArray } from './gemm-core.js';

/** One of Q, K or V seen as [batch, heads, seq, size], whatever its rank. */
export interface HeadView {
  readonly batch: number;
  readonly heads: number;
  readonly seq: number;
  readonly size: number;
  readonly threeD: boolean;
}

export function headView(t: DenseTensor, numHeads: number | undefined, what: string): HeadView {
  if (t.rank === 4) {
    const [batch, heads, seq, size] = t.dims;
    return { batch, heads, seq, size, threeD: false };
  }
  if (t.rank !== 3) throw new KernelInputError(`${what} must be 3-D or 4-D, got ${formatShape(t.dims)}`);
  if (numHeads === undefined || numHeads < 1) {
    throw new KernelInputError(`${what} is 3-D, so the q_num_heads and kv_num_heads attributes are required`);
  }
  const [batch, seq, hidden] = t.dims;
  if (hidden % numHeads !== 0) throw new KernelInputError(`${what} hidden size ${hidden} is not a multiple of ${numHeads} heads`);
  return { batch, heads: numHeads, seq, size: hidden / numHeads, threeD: true };
}

/** Offset of element [b, h, 0, 0] and the stride between its rows, in the tensor's own layout. */
export function headAddress(v: HeadView, b: number, h: number): { offset: number; rowStride: number } {
  return v.threeD
    ? { offset: b * v.seq * v.heads * v.size + h * v.size, rowStride: v.heads * v.size }
    : { offset: ((b * v.heads + h) * v.seq) * v.size, rowStride: v.size };
}

export interface AttentionLayout {
  readonly q: HeadView;
  readonly k: HeadView;
  readonly v: HeadView;
  readonly past: number;
  /** past + kv sequence length: the keys each query sees. */
  readonly total: number;
}

export function attentionLayout(
  q: DenseTensor, k: DenseTensor, v: DenseTensor, pastKey: DenseTensor | undefined, pastValue: DenseTensor | undefined,
  heads: { q?: number; kv?: number },
): AttentionLayout {
  if (q.rank !== k.rank || q.rank !== v.rank) {
    throw new KernelInputError(`Q, K and V must have one rank, got ${formatShape(q.dims)}, ${formatShape(k.dims)} and ${formatShape(v.dims)}`);
  }
  const qv = headView(q, heads.q, 'Q');
  const kv = headView(k, heads.kv, 'K');
  const vv = headView(v, heads.kv, 'V');
  if (kv.batch !== qv.batch || vv.batch !== qv.batch) throw new KernelInputError(`Q, K and V disagree on the batch size (${qv.batch}, ${kv.batch}, ${vv.batch})`);
  if (kv.size !== qv.size) throw new KernelInputError(`K head size ${kv.size} differs from Q head size ${qv.size}`);
  if (vv.heads !== kv.heads || vv.seq !== kv.seq) {
    throw new KernelInputError(`V has ${vv.heads} heads over ${vv.seq} positions but K has ${kv.heads} over ${kv.seq}`);
  }
  if (kv.heads < 1 || qv.heads % kv.heads !== 0) {
    throw new KernelInputError(`the ${qv.heads} query heads are not a multiple of the ${kv.heads} key/value heads`);
  }
  if ((pastKey === undefined) !== (pastValue === undefined)) throw new KernelInputError('past_key and past_value must be given together');
  let past = 0;
  if (pastKey && pastValue) {
    past = pastKey.rank === 4 ? pastKey.dims[2] : -1;
    const expect = (t: DenseTensor, size: number, what: string) => {
      const want = [qv.batch, kv.heads, past, size];
      if (t.rank !== 4 || t.dims.some((d, i) => d !== want[i])) {
        throw new KernelInputError(`${what} must have shape ${formatShape(want)}, got ${formatShape(t.dims)}`);
      }
    };
    expect(pastKey, kv.size, 'past_key');
    expect(pastValue, vv.size, 'past_value');
  }
  return { q: qv, k: kv, v: vv, past, total: past + kv.seq };
}

/** The present cache [B, heads, past + seq, size]: the past rows of each head, then the new ones. */
export function presentCache(past: DenseTensor | undefined, current: DenseTensor, view: HeadView, pastLength: number): FloatArray {
  const total = pastLength + view.seq;
  const out = computeBuffer(current.type, view.batch * view.heads * total * view.size) as FloatArray;
  const pastValues = past && (computeValues(past) as NumberArray);
  const values = computeValues(current) as NumberArray;
  for (let b = 0; b < view.batch; b++) {
    for (let h = 0; h < view.heads; h++) {
      const head = (b * view.heads + h) * total * view.size;
      if (pastValues) {
        const from = (b * view.heads + h) * pastLength * view.size;
        out.set(pastValues.subarray(from, from + pastLength * view.size), head);
      }
      const { offset, rowStride } = headAddress(view, b, h);
      for (let s = 0; s < view.seq; s++) {
        const row = offset + s * rowStride;
        out.set(values.subarray(row, row + view.size), head + (pastLength + s) * view.size);
      }
    }
  }
  return out;
}
