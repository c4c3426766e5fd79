import { describe, expect, it } from 'vitest';
import { Tensor } from '../../../src/index.js';
import type { DataType } from '../../../src/tensor/element-type.js';
import { expectTensorsClose, FLOAT32_TOLERANCE, runOnnxruntime } from '../../support/differential.js';
import { attr, type AttributeValue } from '../../support/model-builder.js';
import { caseFeeds, caseModel, expectCaseMatches, HALF_TOLERANCE, runCase, tensors, type NodeCase } from './contrib-case.js';

interface MhaCase {
  batch: number;
  seq: number;
  kvSeq: number;
  heads: number;
  headSize: number;
  vHeadSize?: number;
  bias?: boolean;
  past?: number;
  mask?: 'end' | 'keys' | 'rows';
  attentionBias?: 'full' | 'per-head';
  /** key and value given as a [batch, heads, kv_seq, head] cache. */
  cache?: boolean;
  /** List the qk output (the scores before the softmax). */
  qk?: boolean;
  attributes?: Record<string, AttributeValue>;
}

function mhaCase(c: MhaCase, type: DataType = 'float32'): NodeCase {
  const t = tensors(c.batch * 1000 + c.seq * 100 + c.kvSeq * 10 + c.heads);
  const { batch, seq, kvSeq, heads, headSize } = c;
  const vHeadSize = c.vHeadSize ?? headSize;
  const past = c.past ?? 0;
  const total = past + kvSeq;
  const bits = (n: number) => Array.from({ length: n }, (_, i) => (i % total === 0 || t.rng.next() < 0.7 ? 1 : 0));
  const masks = {
    end: () => t.int32(Array.from({ length: batch }, () => t.rng.int(1, total))),
    keys: () => t.int32(bits(batch * total), [batch, total]),
    rows: () => t.int32(bits(batch * seq * total), [batch, seq, total]),
  };
  const inputs: NodeCase['inputs'] = [
    ['query', t.float([batch, seq, heads * headSize], type)],
    ['key', t.float(c.cache ? [batch, heads, kvSeq, headSize] : [batch, kvSeq, heads * headSize], type)],
    ['value', t.float(c.cache ? [batch, heads, kvSeq, vHeadSize] : [batch, kvSeq, heads * vHeadSize], type)],
    c.bias ? ['bias', t.float([heads * (2 * headSize + vHeadSize)], type)] : null,
    c.mask ? ['key_padding_mask', masks[c.mask]()] : null,
    c.attentionBias ? ['attention_bias', t.float([c.attentionBias === 'full' ? batch : 1, heads, seq, total], type, -2, 2)] : null,
    c.past ? ['past_key', t.float([batch, heads, past, headSize], type)] : null,
    c.past ? ['past_value', t.float([batch, heads, past, vHeadSize], type)] : null,
  ];
  const last = inputs.reduce((n, input, i) => (input ? i + 1 : n), 0);
  return {
    op: 'MultiHeadAttention',
    inputs: inputs.slice(0, last),
    outputs: [['output', type], ['present_key', type], ['present_value', type], ...(c.qk ? [['qk', type] as const] : [])],
    attributes: { num_heads: attr.int(heads), ...c.attributes },
  };
}

const cases: [string, MhaCase][] = [
  ['self attention', { batch: 2, seq: 4, kvSeq: 4, heads: 3, headSize: 4 }],
  ['cross attention with bias', { batch: 2, seq: 3, kvSeq: 5, heads: 2, headSize: 3, bias: true }],
  ['V head size differs', { batch: 3, seq: 2, kvSeq: 4, heads: 2, headSize: 4, vHeadSize: 3, bias: true }],
  ['sequence 1', { batch: 3, seq: 1, kvSeq: 1, heads: 4, headSize: 2, bias: true }],
  ['mask: key lengths', { batch: 3, seq: 3, kvSeq: 5, heads: 2, headSize: 3, mask: 'end' }],
  ['mask: key padding', { batch: 2, seq: 4, kvSeq: 4, heads: 2, headSize: 5, mask: 'keys', bias: true }],
  ['mask: per query', { batch: 2, seq: 3, kvSeq: 4, heads: 3, headSize: 2, mask: 'rows' }],
  ['unidirectional', { batch: 2, seq: 5, kvSeq: 5, heads: 2, headSize: 3, attributes: { unidirectional: attr.int(1) } }],
  ['past and present', { batch: 2, seq: 3, kvSeq: 3, heads: 2, headSize: 4, past: 4, bias: true }],
  ['past, sequence 1, key padding', { batch: 3, seq: 1, kvSeq: 1, heads: 2, headSize: 3, past: 6, mask: 'keys' }],
  ['past, unidirectional, key lengths', { batch: 2, seq: 3, kvSeq: 3, heads: 3, headSize: 2, past: 2, mask: 'end', attributes: { unidirectional: attr.int(1) } }],
  ['attention_bias', { batch: 2, seq: 3, kvSeq: 4, heads: 2, headSize: 3, attentionBias: 'full' }],
  ['attention_bias broadcast over batch, with past', { batch: 3, seq: 2, kvSeq: 2, heads: 2, headSize: 4, attentionBias: 'per-head', past: 3 }],
  ['4-D key and value (a cache)', { batch: 2, seq: 3, kvSeq: 6, heads: 2, headSize: 4, cache: true, mask: 'keys' }],
  ['qk output, with a mask, attention_bias and past', { batch: 2, seq: 3, kvSeq: 3, heads: 2, headSize: 4, past: 2, mask: 'keys', attentionBias: 'full', qk: true }],
  ['qk output, unidirectional', { batch: 2, seq: 4, kvSeq: 4, heads: 3, headSize: 2, qk: true, attributes: { unidirectional: attr.int(1) } }],
  ['scale and mask_filter_value', { batch: 2, seq: 3, kvSeq: 3, heads: 2, headSize: 3, mask: 'keys', attributes: { scale: attr.float(0.7), mask_filter_value: attr.float(-30) } }],
  // Large enough for the WebAssembly GEMM on every product; sizes not multiples of 4.
  ['large self attention with bias and key padding', { batch: 2, seq: 37, kvSeq: 37, heads: 3, headSize: 13, bias: true, mask: 'keys' }],
  ['large cross attention, qk output, attention_bias', { batch: 1, seq: 21, kvSeq: 45, heads: 2, headSize: 19, qk: true, attentionBias: 'full' }],
  ['large, past, unidirectional', { batch: 2, seq: 17, kvSeq: 17, heads: 2, headSize: 12, past: 30, attributes: { unidirectional: attr.int(1) } }],
];

/** [B, L, N * H] tensors of a [B, L, N, slots, H] packed tensor, slot by slot. */
function unpack(packed: Tensor): Tensor[] {
  const [batch, seq, heads, slots, size] = packed.dims;
  const data = packed.data as Float32Array;
  return Array.from({ length: slots }, (_, slot) => {
    const out = new Float32Array(batch * seq * heads * size);
    for (let r = 0; r < batch * seq * heads; r++) out.set(data.subarray((r * slots + slot) * size, (r * slots + slot + 1) * size), r * size);
    return new Tensor('float32', out, [batch, seq, heads * size]);
  });
}

async function expectSameAsUnpacked(packed: NodeCase, unpacked: NodeCase): Promise<void> {
  const [ours, theirs] = await Promise.all([runCase(packed), runOnnxruntime(caseModel(unpacked), caseFeeds(unpacked))]);
  for (const name of ['output', 'present_key', 'present_value']) expectTensorsClose(ours[name], theirs[name], FLOAT32_TOLERANCE, `packed '${name}'`);
}

describe('MultiHeadAttention (com.microsoft)', () => {
  it.each(cases)('%s matches onnxruntime', async (_, c) => {
    await expectCaseMatches(mhaCase(c));
  });

  it.each(cases)('%s matches onnxruntime in float16', async (_, c) => {
    await expectCaseMatches(mhaCase(c, 'float16'), HALF_TOLERANCE);
  });

  // onnxruntime's CPU kernel refuses packed layouts, so they are checked against the same
  // tensors unpacked.
  it('packed K and V [batch, kv_seq, heads, 2, head] match the unpacked inputs', async () => {
    const t = tensors(77);
    const query = t.float([2, 3, 8]);
    const kv = t.float([2, 5, 2, 2, 4]);
    const bias = t.float([24]);
    const [key, value] = unpack(kv);
    const outputs: NodeCase['outputs'] = [['output', 'float32'], ['present_key', 'float32'], ['present_value', 'float32']];
    const attributes = { num_heads: attr.int(2) };
    await expectSameAsUnpacked(
      { op: 'MultiHeadAttention', inputs: [['query', query], ['key', kv], null, ['bias', bias]], outputs, attributes },
      { op: 'MultiHeadAttention', inputs: [['query', query], ['key', key], ['value', value], ['bias', bias]], outputs, attributes },
    );
  });

  it('packed Q, K and V [batch, seq, heads, 3, head] match the unpacked inputs', async () => {
    const t = tensors(78);
    const qkv = t.float([3, 4, 2, 3, 3]);
    const mask = t.int32([4, 2, 3]);
    const [query, key, value] = unpack(qkv);
    const outputs: NodeCase['outputs'] = [['output', 'float32'], ['present_key', 'float32'], ['present_value', 'float32']];
    const attributes = { num_heads: attr.int(2), unidirectional: attr.int(1) };
    await expectSameAsUnpacked(
      { op: 'MultiHeadAttention', inputs: [['query', qkv], null, null, null, ['key_padding_mask', mask]], outputs, attributes },
      { op: 'MultiHeadAttention', inputs: [['query', query], ['key', key], ['value', value], null, ['key_padding_mask', mask]], outputs, attributes },
    );
  });

  it('refuses a key padding mask of the new keys only beside a past', async () => {
    const c = mhaCase({ batch: 2, seq: 1, kvSeq: 1, heads: 2, headSize: 2, past: 3 });
    const inputs = [...c.inputs.slice(0, 4), ['key_padding_mask', tensors(2).int32([1, 1], [2, 1])] as const, null, ...c.inputs.slice(6)];
    await expect(runCase({ ...c, inputs })).rejects.toThrow(/key_padding_mask/);
  });
});
