/**
 * RotaryEmbedding (opset 23): rotates the first rotary_embedding_dim features of each head by
 * its position's angles. Pairs are (i, i + half) or, interleaved, (2i, 2i + 1):
 * (x1, x2) -> (cos x1 - sin x2, sin x1 + cos x2). The caches are [max_position, half] indexed
 * by position_ids, or [batch, sequence, half] without them. X is [B, H, S, D], or [B, S, H * D]
 * with num_heads.
 */
import { KernelInputError } from '../../errors/errors.js';
import type { DenseTensor } from '../../tensor/dense-tensor.js';
import { formatShape } from '../../tensor/shape.js';
import { kernel } from '../kernel.js';
import { integersOf, optionalTensorInput, tensorInput } from '../support/inputs.js';
import { computeValues, tensorFromCompute } from '../support/numeric.js';

interface RotaryAttributes {
  readonly interleaved: boolean;
  readonly numHeads: number | undefined;
  readonly rotaryDim: number;
}

/** Strides of X as [batch, sequence, head, feature], whichever layout it has. */
function layoutOf(x: DenseTensor, numHeads: number | undefined) {
  if (x.rank === 4) {
    const [batch, heads, seq, size] = x.dims;
    return { batch, seq, heads, size, strides: [heads * seq * size, size, seq * size] };
  }
  if (x.rank === 3 && numHeads !== undefined && numHeads > 0 && x.dims[2] % numHeads === 0) {
    const [batch, seq, hidden] = x.dims;
    const size = hidden / numHeads;
    return { batch, seq, heads: numHeads, size, strides: [seq * hidden, hidden, size] };
  }
  throw new KernelInputError(`X must be [B, H, S, D], or [B, S, H*D] with num_heads dividing the last dimension; got ${formatShape(x.dims)} and num_heads ${numHeads}`);
}

function rotate(x: DenseTensor, cos: DenseTensor, sin: DenseTensor, positions: number[] | undefined, attrs: RotaryAttributes): DenseTensor {
  const { batch, seq, heads, size, strides } = layoutOf(x, attrs.numHeads);
  const rotary = attrs.rotaryDim === 0 ? size : attrs.rotaryDim;
  if (rotary % 2 !== 0 || rotary > size) throw new KernelInputError(`rotary_embedding_dim ${rotary} must be even and at most the head size ${size}`);
  const half = rotary / 2;
  const expected = positions ? 2 : 3;
  if (cos.rank !== expected || sin.rank !== expected || cos.dims.some((d, i) => d !== sin.dims[i]) || cos.dims[expected - 1] !== half) {
    throw new KernelInputError(`cos_cache and sin_cache must both be ${positions ? '[max_position, ' : '[batch, sequence, '}${half}], got ${formatShape(cos.dims)} and ${formatShape(sin.dims)}`);
  }
  if (!positions && (cos.dims[0] !== batch || cos.dims[1] !== seq)) throw new KernelInputError(`caches without position_ids must be [${batch}, ${seq}, ${half}], got ${formatShape(cos.dims)}`);
  if (positions && positions.length !== batch * seq) throw new KernelInputError(`position_ids must be [${batch}, ${seq}]`);
  const cosValues = computeValues(cos) as Float32Array;
  const sinValues = computeValues(sin) as Float32Array;
  const input = computeValues(x) as Float32Array;
  const out = Float32Array.from(input);
  // Pair i is (first, second) = (2i, 2i + 1) interleaved, else (i, i + half).
  const step = attrs.interleaved ? 2 : 1;
  const offset = attrs.interleaved ? 1 : half;
  for (let b = 0; b < batch; b++) {
    for (let s = 0; s < seq; s++) {
      const position = positions ? positions[b * seq + s] : b * seq + s;
      if (positions && !(position >= 0 && position < cos.dims[0])) throw new KernelInputError(`position id ${position} is outside the caches' ${cos.dims[0]} rows`);
      const row = position * half;
      for (let h = 0; h < heads; h++) {
        const base = b * strides[0] + s * strides[1] + h * strides[2];
        for (let i = 0, first = base; i < half; i++, first += step) {
          const second = first + offset;
          const c = cosValues[row + i];
          const n = sinValues[row + i];
          out[first] = c * input[first] - n * input[second];
          out[second] = n * input[first] + c * input[second];
        }
      }
    }
  }
  return tensorFromCompute(x.type, x.dims, out);
}

export const rotaryEmbeddingKernel = kernel<RotaryAttributes>({
  domain: '',
  opType: 'RotaryEmbedding',
  sinceVersion: 23,
  typeConstraints: [{ input: 0, types: ['float32', 'float16', 'bfloat16'] }, { input: 3, types: ['int64'] }],
  parseAttributes: (attrs) => ({
    interleaved: attrs.int('interleaved', 0) !== 0,
    numHeads: attrs.int('num_heads'),
    rotaryDim: attrs.int('rotary_embedding_dim', 0),
  }),
  run(inputs, attrs) {
    const x = tensorInput(inputs, 0, 'X');
    const positions = optionalTensorInput(inputs, 3, 'position_ids');
    return [rotate(x, tensorInput(inputs, 1, 'cos_cache'), tensorInput(inputs, 2, 'sin_cache'), positions && integersOf(positions, 'position_ids'), attrs)];
  },
});
