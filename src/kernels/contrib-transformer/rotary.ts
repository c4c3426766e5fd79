/**
 * Rotary position embedding of one tensor of heads, shared by RotaryEmbedding and
 * GroupQueryAttention: the first rotaryDim values of every head are rotated by the angle of
 * the token's position, read from the first rotaryDim / 2 columns of cos/sin caches of shape
 * [positions, width]; the rest of the head is copied. Pairs are (i, i + rotaryDim / 2), or
 * adjacent values when interleaved.
 */
import { KernelInputError } from '../../errors/errors.js';
import type { NumberArray } from '../support/numeric.js';

export interface RotaryLayout {
  readonly batch: number;
  readonly seq: number;
  readonly heads: number;
  readonly headSize: number;
  readonly rotaryDim: number;
  readonly interleaved: boolean;
  readonly batchStride: number;
  readonly seqStride: number;
  readonly headStride: number;
}

export interface RotaryCache {
  readonly cos: NumberArray;
  readonly sin: NumberArray;
  readonly positions: number;
  readonly width: number;
}

/** Rotates `input` into `output` (same layout); positionOf(b, s) picks the cache row. */
export function applyRotary(
  input: NumberArray, output: NumberArray, layout: RotaryLayout, cache: RotaryCache, positionOf: (b: number, s: number) => number,
): void {
  const { rotaryDim, interleaved } = layout;
  const half = rotaryDim / 2;
  for (let b = 0; b < layout.batch; b++) {
    for (let s = 0; s < layout.seq; s++) {
      const position = positionOf(b, s);
      if (!Number.isInteger(position) || position < 0 || position >= cache.positions) {
        throw new KernelInputError(`position ${position} is outside the cos/sin caches' ${cache.positions} positions`);
      }
      const row = position * cache.width;
      for (let n = 0; n < layout.heads; n++) {
        const at = b * layout.batchStride + s * layout.seqStride + n * layout.headStride;
        // Pair p is (first, second) = (2p, 2p + 1) interleaved, else (p, p + half).
        const step = interleaved ? 2 : 1;
        const offset = interleaved ? 1 : half;
        for (let p = 0, first = at; p < half; p++, first += step) {
          const second = first + offset;
          const cos = cache.cos[row + p];
          const sin = cache.sin[row + p];
          const x = input[first];
          const y = input[second];
          output[first] = x * cos - y * sin;
          output[second] = y * cos + x * sin;
        }
        for (let i = rotaryDim; i < layout.headSize; i++) output[at + i] = input[at + i];
      }
    }
  }
}
