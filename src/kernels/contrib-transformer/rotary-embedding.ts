/**
 * RotaryEmbedding (com.microsoft): rotary position embedding of a [batch, seq, hidden] or
 * [batch, heads, seq, headSize] input. position_ids is either one start position (token s of
 * every batch entry sits at start + s) or a [batch, seq] tensor. Without rotary_embedding_dim
 * the whole head rotates and its size is twice the caches' width.
 */
import { KernelInputError } from '../../errors/errors.js';
import type { DenseTensor } from '../../tensor/dense-tensor.js';
import { formatShape } from '../../tensor/shape.js';
import { kernel } from '../kernel.js';
import { requireSameType, tensorInput } from '../support/inputs.js';
import { computeBuffer, computeValues, tensorFromCompute, type NumberArray } from '../support/numeric.js';
import { HALF_AND_SINGLE, MS_DOMAIN } from './element-types.js';
import { applyRotary, type RotaryLayout } from './rotary.js';

interface RotaryAttributes {
  readonly interleaved: boolean;
  readonly rotaryDim: number;
  readonly numHeads: number;
}

function layoutOf(x: DenseTensor, cacheWidth: number, attrs: RotaryAttributes): RotaryLayout {
  if (x.rank !== 3 && x.rank !== 4) throw new KernelInputError(`input must be 3-D or 4-D, got ${formatShape(x.dims)}`);
  const transposed = x.rank === 4;
  const [batch] = x.dims;
  const seq = transposed ? x.dims[2] : x.dims[1];
  const hidden = transposed ? x.dims[1] * x.dims[3] : x.dims[2];
  const headSize = transposed ? x.dims[3] : attrs.rotaryDim > 0 ? hidden / attrs.numHeads : 2 * cacheWidth;
  const heads = hidden / headSize;
  const rotaryDim = attrs.rotaryDim > 0 ? attrs.rotaryDim : headSize;
  const cacheFits = 2 * cacheWidth === rotaryDim || 2 * cacheWidth === headSize;
  if (!Number.isInteger(heads) || !Number.isInteger(headSize) || rotaryDim > headSize || rotaryDim % 2 !== 0 || !cacheFits) {
    throw new KernelInputError(`input ${formatShape(x.dims)} does not split into heads rotated over ${rotaryDim} values by caches ${cacheWidth} wide`);
  }
  return transposed
    ? { batch, seq, heads, headSize, rotaryDim, interleaved: attrs.interleaved, batchStride: heads * seq * headSize, seqStride: headSize, headStride: seq * headSize }
    : { batch, seq, heads, headSize, rotaryDim, interleaved: attrs.interleaved, batchStride: seq * hidden, seqStride: hidden, headStride: headSize };
}

function positionsOf(t: DenseTensor, batch: number, seq: number): (b: number, s: number) => number {
  const data = Array.from(t.data as BigInt64Array, Number);
  if (t.size === 1 && t.rank <= 1) return (_, s) => data[0] + s;
  if (t.rank !== 2 || t.dims[0] !== batch || t.dims[1] !== seq) {
    throw new KernelInputError(`position_ids must hold one start position or have shape [${batch}, ${seq}], got ${formatShape(t.dims)}`);
  }
  return (b, s) => data[b * seq + s];
}

export const rotaryEmbeddingKernel = kernel<RotaryAttributes>({
  domain: MS_DOMAIN,
  opType: 'RotaryEmbedding',
  sinceVersion: 1,
  typeConstraints: [
    { input: 0, types: HALF_AND_SINGLE },
    { input: 1, types: ['int64'] },
    { input: 2, types: HALF_AND_SINGLE },
    { input: 3, types: HALF_AND_SINGLE },
  ],
  parseAttributes(attrs) {
    const rotaryDim = attrs.int('rotary_embedding_dim', 0);
    const numHeads = attrs.int('num_heads', 0);
    if (rotaryDim > 0 && numHeads <= 0) throw new KernelInputError(`attribute 'num_heads' is required with 'rotary_embedding_dim'`);
    if (attrs.int('is_packed_batching', 0) !== 0) throw new KernelInputError(`attribute 'is_packed_batching' is not supported`);
    return { interleaved: attrs.int('interleaved', 0) !== 0, rotaryDim, numHeads };
  },
  run(inputs, attrs) {
    const x = tensorInput(inputs, 0, 'input');
    const cos = tensorInput(inputs, 2, 'cos_cache');
    const sin = tensorInput(inputs, 3, 'sin_cache');
    requireSameType(x, cos, 'input and cos_cache');
    requireSameType(x, sin, 'input and sin_cache');
    if (cos.rank !== 2 || sin.rank !== 2 || cos.dims[0] !== sin.dims[0] || cos.dims[1] !== sin.dims[1]) {
      throw new KernelInputError(`cos_cache ${formatShape(cos.dims)} and sin_cache ${formatShape(sin.dims)} must be 2-D of one shape`);
    }
    const layout = layoutOf(x, cos.dims[1], attrs);
    const positionOf = positionsOf(tensorInput(inputs, 1, 'position_ids'), layout.batch, layout.seq);
    const y = computeBuffer(x.type, x.size) as NumberArray;
    const cache = { cos: computeValues(cos) as NumberArray, sin: computeValues(sin) as NumberArray, positions: cos.dims[0], width: cos.dims[1] };
    applyRotary(computeValues(x) as NumberArray, y, layout, cache, positionOf);
    return [tensorFromCompute(x.type, x.dims, y)];
  },
});
