import { describe, it } from 'vitest';
import { expectCaseMatches, tensors, type NodeCase } from './contrib-case.js';

interface EmbedCase {
  batch: number;
  seq: number;
  hidden: number;
  segments?: boolean;
  mask?: boolean;
  positionIds?: 'per-batch' | 'shared';
}

function embedCase(c: EmbedCase): NodeCase {
  const t = tensors(c.batch * 31 + c.seq * 7 + c.hidden);
  const tokens = c.batch * c.seq;
  const vocab = 11;
  const positions = c.seq + 3;
  const ids = (count: number, limit: number) => Array.from({ length: count }, () => t.rng.int(0, limit - 1));
  const dims = [c.batch, c.seq];
  // Right padding of b % 3 tokens; a 2 (neither 0 nor 1) in the last entry, which onnxruntime does not count.
  const mask = Array.from({ length: tokens }, (_, i) => (i === tokens - 1 ? 2 : i % c.seq < c.seq - (Math.floor(i / c.seq) % 3) ? 1 : 0));
  const positionIds = c.positionIds === 'shared' ? t.int32(ids(c.seq, positions), [1, c.seq]) : t.int32(ids(tokens, positions), dims);
  return {
    op: 'EmbedLayerNormalization',
    inputs: [
      ['input_ids', t.int32(ids(tokens, vocab), dims)],
      c.segments ? ['segment_ids', t.int32(ids(tokens, 2), dims)] : null,
      ['word_embedding', t.float([vocab, c.hidden])],
      ['position_embedding', t.float([positions, c.hidden])],
      c.segments ? ['segment_embedding', t.float([2, c.hidden])] : null,
      ['gamma', t.float([c.hidden])],
      ['beta', t.float([c.hidden])],
      c.mask ? ['mask', t.int32(mask, dims)] : null,
      c.positionIds ? ['position_ids', positionIds] : null,
    ],
    outputs: [['output', 'float32'], ['mask_index', 'int32'], ['embedding_sum', 'float32']],
  };
}

const cases: [string, EmbedCase][] = [
  ['BERT: segments and mask', { batch: 2, seq: 5, hidden: 7, segments: true, mask: true }],
  ['DistilBERT: no segments', { batch: 3, seq: 4, hidden: 9, mask: true }],
  ['no mask', { batch: 2, seq: 3, hidden: 6, segments: true }],
  ['sequence 1', { batch: 4, seq: 1, hidden: 5, segments: true, mask: true }],
  ['position_ids per batch entry', { batch: 2, seq: 4, hidden: 7, mask: true, positionIds: 'per-batch' }],
  ['position_ids shared', { batch: 3, seq: 4, hidden: 5, segments: true, positionIds: 'shared' }],
];

describe('EmbedLayerNormalization', () => {
  it.each(cases)('%s matches onnxruntime', async (_, c) => {
    await expectCaseMatches(embedCase(c));
  });
});
