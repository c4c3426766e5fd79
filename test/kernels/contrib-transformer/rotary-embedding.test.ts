import { describe, it } from 'vitest';
import type { DataType } from '../../../src/tensor/element-type.js';
import { attr, type AttributeValue } from '../../support/model-builder.js';
import { expectCaseMatches, HALF_TOLERANCE, tensors } from './contrib-case.js';

interface RotaryCase {
  input: number[];
  /** Width of the caches: half the rotated part of a head. */
  half: number;
  positions: 'start' | 'per-token';
  heads?: number;
  rotaryDim?: number;
}

const cases: [string, RotaryCase][] = [
  ['3-D, whole head, start position', { input: [2, 3, 16], half: 4, positions: 'start' }],
  ['3-D, per-token positions', { input: [3, 4, 24], half: 6, positions: 'per-token' }],
  ['4-D [batch, heads, seq, head]', { input: [2, 3, 5, 8], half: 4, positions: 'per-token' }],
  ['partial rotation (rotary_embedding_dim)', { input: [2, 3, 24], half: 2, positions: 'per-token', heads: 2, rotaryDim: 4 }],
  ['partial rotation, 4-D', { input: [1, 2, 3, 10], half: 3, positions: 'start', heads: 2, rotaryDim: 6 }],
  ['sequence 1', { input: [4, 1, 12], half: 3, positions: 'per-token' }],
];

describe.each(['float32', 'float16'] as DataType[])('RotaryEmbedding (%s)', (type) => {
  const tol = type === 'float16' ? HALF_TOLERANCE : undefined;
  describe.each([0, 1])('interleaved %i', (interleaved) => {
    it.each(cases)('%s matches onnxruntime', async (_, c) => {
      const t = tensors(c.input.reduce((a, b) => a * 3 + b, interleaved));
      const [batch] = c.input;
      const seq = c.input.length === 4 ? c.input[2] : c.input[1];
      const maxPositions = seq + 6;
      const positionIds = c.positions === 'start'
        ? t.int64([2])
        : t.int64(Array.from({ length: batch * seq }, () => t.rng.int(0, maxPositions - 1)), [batch, seq]);
      const attributes: Record<string, AttributeValue> = { interleaved: attr.int(interleaved) };
      if (c.rotaryDim) attributes.rotary_embedding_dim = attr.int(c.rotaryDim);
      if (c.heads) attributes.num_heads = attr.int(c.heads);
      await expectCaseMatches({
        op: 'RotaryEmbedding',
        inputs: [['x', t.float(c.input, type, -2, 2)], ['position_ids', positionIds], ['cos', t.float([maxPositions, c.half], type)], ['sin', t.float([maxPositions, c.half], type)]],
        outputs: [['y', type]],
        attributes,
      }, tol);
    });
  });
});
