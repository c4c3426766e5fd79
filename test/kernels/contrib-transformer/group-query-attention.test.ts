import { describe, expect, it } from 'vitest';
import type { DataType } from '../../../src/tensor/element-type.js';
import { attr, type AttributeValue } from '../../support/model-builder.js';
import { expectCaseMatches, HALF_GQA_TOLERANCE, runCase, tensors, type NodeCase } from './contrib-case.js';

interface GqaCase {
  batch: number;
  seq: number;
  heads: number;
  kvHeads: number;
  headSize: number;
  /** Rows of the past buffers; absent for no past. */
  pastRows?: number;
  /** Keys per batch entry after this step (seqlens_k + 1); defaults to the prompt length. */
  totals?: number[];
  packed?: boolean;
  /** Width of the cos/sin caches (half the rotated part of a head). */
  rotary?: number;
  interleaved?: boolean;
  positionIds?: boolean;
  attentionBias?: boolean;
  headSink?: boolean;
  attributes?: Record<string, AttributeValue>;
}

function gqaCase(c: GqaCase, type: DataType = 'float32'): NodeCase {
  const t = tensors(c.batch * 1000 + c.seq * 100 + c.heads * 10 + c.kvHeads + (c.pastRows ?? 0));
  const { batch, seq, heads, kvHeads, headSize } = c;
  const totals = c.totals ?? new Array<number>(batch).fill(seq);
  const totalSequenceLength = Math.max(...totals);
  const maxPositions = totalSequenceLength + 4;
  const attributes: Record<string, AttributeValue> = { num_heads: attr.int(heads), kv_num_heads: attr.int(kvHeads), ...c.attributes };
  if (c.rotary) attributes.do_rotary = attr.int(1);
  if (c.interleaved) attributes.rotary_interleaved = attr.int(1);
  const qkvWidth = (heads + 2 * kvHeads) * headSize;
  const inputs: NodeCase['inputs'] = [
    ['query', t.float([batch, seq, c.packed ? qkvWidth : heads * headSize], type)],
    c.packed ? null : ['key', t.float([batch, seq, kvHeads * headSize], type)],
    c.packed ? null : ['value', t.float([batch, seq, kvHeads * headSize], type)],
    c.pastRows ? ['past_key', t.float([batch, kvHeads, c.pastRows, headSize], type)] : null,
    c.pastRows ? ['past_value', t.float([batch, kvHeads, c.pastRows, headSize], type)] : null,
    ['seqlens_k', t.int32(totals.map((n) => n - 1))],
    ['total_sequence_length', t.int32([totalSequenceLength], [])],
    c.rotary ? ['cos_cache', t.float([maxPositions, c.rotary], type)] : null,
    c.rotary ? ['sin_cache', t.float([maxPositions, c.rotary], type)] : null,
    c.positionIds ? ['position_ids', t.int64(Array.from({ length: batch * seq }, () => t.rng.int(0, maxPositions - seq)), [batch, seq])] : null,
    c.attentionBias ? ['attention_bias', t.float([batch, 1, seq, totalSequenceLength], type, -2, 2)] : null,
    c.headSink ? ['head_sink', t.float([heads], type, -1, 2)] : null,
  ];
  const last = inputs.reduce((n, input, i) => (input ? i + 1 : n), 0);
  const outputs: NodeCase['outputs'] = [['output', type], ['present_key', type], ['present_value', type], ...(c.attributes?.qk_output ? [['output_qk', type] as const] : [])];
  return { op: 'GroupQueryAttention', inputs: inputs.slice(0, last), outputs, attributes };
}

const cases: [string, GqaCase][] = [
  ['prompt, grouped heads', { batch: 2, seq: 4, heads: 4, kvHeads: 2, headSize: 8 }],
  ['prompt, multi-query, odd sequence', { batch: 2, seq: 5, heads: 3, kvHeads: 1, headSize: 8 }],
  ['prompt, right-padded entries', { batch: 3, seq: 4, heads: 2, kvHeads: 2, headSize: 8, totals: [4, 2, 3] }],
  ['token generation, ragged past', { batch: 3, seq: 1, heads: 4, kvHeads: 2, headSize: 8, pastRows: 6, totals: [7, 4, 5] }],
  ['token generation into a larger buffer', { batch: 2, seq: 1, heads: 2, kvHeads: 1, headSize: 8, pastRows: 9, totals: [6, 3] }],
  ['next prompt chunk after a past', { batch: 1, seq: 3, heads: 4, kvHeads: 2, headSize: 8, pastRows: 5, totals: [7] }],
  ['packed QKV', { batch: 2, seq: 3, heads: 4, kvHeads: 2, headSize: 8, packed: true }],
  ['packed QKV, token generation', { batch: 2, seq: 1, heads: 2, kvHeads: 2, headSize: 8, packed: true, pastRows: 4, totals: [5, 3] }],
  ['local window, prompt', { batch: 2, seq: 6, heads: 2, kvHeads: 1, headSize: 8, attributes: { local_window_size: attr.int(2) } }],
  ['local window, token generation', { batch: 2, seq: 1, heads: 2, kvHeads: 2, headSize: 8, pastRows: 6, totals: [7, 5], attributes: { local_window_size: attr.int(3) } }],
  ['softcap and scale', { batch: 2, seq: 4, heads: 2, kvHeads: 1, headSize: 8, attributes: { softcap: attr.float(0.5), scale: attr.float(0.9) } }],
  ['rotary over the whole head', { batch: 2, seq: 3, heads: 2, kvHeads: 1, headSize: 16, rotary: 8 }],
  ['rotary interleaved, token generation', { batch: 2, seq: 1, heads: 2, kvHeads: 2, headSize: 16, rotary: 8, interleaved: true, pastRows: 4, totals: [5, 3] }],
  ['rotary over part of the head, packed', { batch: 2, seq: 3, heads: 2, kvHeads: 1, headSize: 32, rotary: 8, packed: true }],
  ['rotary, right-padded prompt', { batch: 2, seq: 4, heads: 2, kvHeads: 1, headSize: 16, rotary: 8, totals: [4, 2] }],
  ['rotary with position_ids, prompt', { batch: 2, seq: 3, heads: 2, kvHeads: 1, headSize: 16, rotary: 8, positionIds: true }],
  ['rotary with position_ids, next chunk', { batch: 1, seq: 2, heads: 2, kvHeads: 1, headSize: 16, rotary: 8, positionIds: true, pastRows: 3, totals: [5] }],
  ['attention_bias', { batch: 2, seq: 3, heads: 2, kvHeads: 1, headSize: 8, attentionBias: true }],
  ['head_sink', { batch: 2, seq: 3, heads: 4, kvHeads: 2, headSize: 8, headSink: true }],
  ['bidirectional (causal 0), prompt', { batch: 2, seq: 4, heads: 2, kvHeads: 1, headSize: 8, attributes: { causal: attr.int(0) } }],
  ['bidirectional, right-padded prompt', { batch: 2, seq: 4, heads: 2, kvHeads: 2, headSize: 8, totals: [4, 3], attributes: { causal: attr.int(0) } }],
  ['bidirectional, next chunk', { batch: 1, seq: 3, heads: 2, kvHeads: 1, headSize: 8, pastRows: 4, totals: [6], attributes: { causal: attr.int(0) } }],
  ['output_qk before the softmax, with window and softcap', { batch: 2, seq: 5, heads: 2, kvHeads: 1, headSize: 8, attributes: { qk_output: attr.int(1), local_window_size: attr.int(2), softcap: attr.float(0.8) } }],
  ['output_qk after the softmax, next chunk', { batch: 1, seq: 2, heads: 4, kvHeads: 2, headSize: 8, pastRows: 3, totals: [5], attributes: { qk_output: attr.int(2) } }],
  ['smooth_softmax, token generation', { batch: 2, seq: 1, heads: 2, kvHeads: 1, headSize: 8, pastRows: 3, totals: [4, 2], attributes: { smooth_softmax: attr.int(1) } }],
  // Large enough for the WebAssembly GEMM on every product.
  ['large prompt, grouped heads, right-padded', { batch: 2, seq: 37, heads: 4, kvHeads: 2, headSize: 24, totals: [37, 30] }],
  ['large token generation after a long past', { batch: 2, seq: 1, heads: 4, kvHeads: 1, headSize: 16, pastRows: 70, totals: [71, 50] }],
  ['large, window, softcap, output_qk', { batch: 1, seq: 33, heads: 2, kvHeads: 1, headSize: 24, attributes: { qk_output: attr.int(1), local_window_size: attr.int(9), softcap: attr.float(0.8) } }],
  ['large, head_sink', { batch: 1, seq: 29, heads: 2, kvHeads: 2, headSize: 16, headSink: true }],
];

describe('GroupQueryAttention (com.microsoft)', () => {
  it.each(cases)('%s matches onnxruntime', async (_, c) => {
    await expectCaseMatches(gqaCase(c));
  });

  it.each(cases)('%s matches onnxruntime in float16', async (_, c) => {
    await expectCaseMatches(gqaCase(c, 'float16'), HALF_GQA_TOLERANCE);
  });
});

describe('GroupQueryAttention inputs', () => {
  it('refuses seqlens_k beyond the past and new tokens, and qk_output without its output', async () => {
    const c = gqaCase({ batch: 2, seq: 1, heads: 2, kvHeads: 1, headSize: 8, pastRows: 3, totals: [4, 2] });
    const inputs = c.inputs.map((input, i) => (i === 5 ? (['seqlens_k', tensors(0).int32([5, 1])] as const) : input));
    await expect(runCase({ ...c, inputs })).rejects.toThrow(/seqlens_k/);
    await expect(runCase({ ...c, attributes: { ...c.attributes, qk_output: attr.int(1) } })).rejects.toThrow(/qk_output/);
  });
});
