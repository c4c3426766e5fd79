import { describe, expect, it } from 'vitest';
import type { Tensor } from '../../../src/index.js';
import type { DataType } from '../../../src/tensor/element-type.js';
import { expectTensorsClose, FLOAT32_TOLERANCE, runOnnxruntime } from '../../support/differential.js';
import { attr, type AttributeValue } from '../../support/model-builder.js';
import { caseFeeds, caseModel, expectCaseMatches, HALF_TOLERANCE, runCase, tensors, type NodeCase } from './contrib-case.js';

type MaskKind = 'end' | 'end-start' | 'keys' | 'dummy' | 'rows' | 'megatron';

interface AttentionCase {
  batch: number;
  seq: number;
  inputHidden: number;
  heads: number;
  headSize: number;
  vHeadSize?: number;
  past?: number;
  mask?: MaskKind;
  attentionBias?: 'full' | 'shared';
  attributes?: Record<string, AttributeValue>;
}

function maskTensor(t: ReturnType<typeof tensors>, kind: MaskKind, c: AttentionCase, total: number): Tensor {
  const { batch, seq } = c;
  const bits = (n: number) => Array.from({ length: n }, (_, i) => (i % total === 0 || t.rng.next() < 0.7 ? 1 : 0));
  switch (kind) {
    case 'end': return t.int32(Array.from({ length: batch }, (_, b) => (b === 0 ? total : t.rng.int(0, total))));
    case 'end-start': {
      const ends = Array.from({ length: batch }, () => t.rng.int(1, total));
      return t.int32([...ends, ...ends.map((e) => t.rng.int(0, e - 1))]);
    }
    case 'keys': return t.int32(bits(batch * total), [batch, total]);
    case 'dummy': return t.int32(Array.from({ length: batch }, () => 1), [batch, 1]);
    case 'rows': return t.int32(bits(batch * seq * total), [batch, seq, total]);
    case 'megatron': return t.int32(bits(batch * (total + 2) * (total + 2)), [batch, 1, total + 2, total + 2]);
  }
}

function attentionCase(c: AttentionCase, type: DataType = 'float32'): NodeCase {
  const t = tensors(c.batch * 100 + c.seq * 10 + c.heads + (c.past ?? 0));
  const hidden = c.heads * c.headSize;
  const vHidden = c.heads * (c.vHeadSize ?? c.headSize);
  const width = 2 * hidden + vHidden;
  const past = c.past ?? 0;
  const total = past + c.seq;
  const attributes: Record<string, AttributeValue> = { num_heads: attr.int(c.heads), ...c.attributes };
  if (c.vHeadSize) attributes.qkv_hidden_sizes = attr.ints([hidden, hidden, vHidden]);
  const biasShape = c.attentionBias === 'shared' ? [1, 1, c.seq, total] : [c.batch, c.heads, c.seq, total];
  const inputs: NodeCase['inputs'] = [
    ['input', t.float([c.batch, c.seq, c.inputHidden], type)],
    ['weights', t.float([c.inputHidden, width], type)],
    ['bias', t.float([width], type)],
    c.mask ? ['mask_index', maskTensor(t, c.mask, c, total)] : null,
    c.past ? ['past', t.float([2, c.batch, c.heads, past, c.headSize], type)] : null,
    c.attentionBias ? ['attention_bias', t.float(biasShape, type, -2, 2)] : null,
  ];
  const last = inputs.reduce((n, input, i) => (input ? i + 1 : n), 0);
  // onnxruntime sizes present by the V head size, so it is only meaningful when K's is the same.
  const outputs: NodeCase['outputs'] = c.vHeadSize ? [['output', type]] : [['output', type], ['present', type]];
  return { op: 'Attention', inputs: inputs.slice(0, last), outputs, attributes };
}

const cases: [string, AttentionCase][] = [
  ['no mask, odd input hidden', { batch: 2, seq: 3, inputHidden: 7, heads: 3, headSize: 4 }],
  ['sequence 1', { batch: 3, seq: 1, inputHidden: 5, heads: 2, headSize: 3 }],
  ['V head size differs (qkv_hidden_sizes)', { batch: 2, seq: 4, inputHidden: 6, heads: 3, headSize: 4, vHeadSize: 2 }],
  ['mask: key lengths [batch]', { batch: 3, seq: 4, inputHidden: 5, heads: 2, headSize: 4, mask: 'end' }],
  ['mask: end and start [2 * batch]', { batch: 2, seq: 5, inputHidden: 6, heads: 2, headSize: 3, mask: 'end-start' }],
  ['mask: key padding [batch, total]', { batch: 2, seq: 4, inputHidden: 9, heads: 3, headSize: 2, mask: 'keys' }],
  ['mask: [batch, 1] masks nothing', { batch: 2, seq: 3, inputHidden: 4, heads: 2, headSize: 2, mask: 'dummy' }],
  ['mask: per query [batch, seq, total]', { batch: 2, seq: 3, inputHidden: 5, heads: 1, headSize: 6, mask: 'rows' }],
  ['unidirectional', { batch: 2, seq: 5, inputHidden: 6, heads: 2, headSize: 4, attributes: { unidirectional: attr.int(1) } }],
  ['unidirectional with key padding', { batch: 2, seq: 4, inputHidden: 5, heads: 2, headSize: 3, mask: 'keys', attributes: { unidirectional: attr.int(1) } }],
  ['past and present', { batch: 2, seq: 3, inputHidden: 7, heads: 2, headSize: 4, past: 4 }],
  ['past, sequence 1, unidirectional, key padding', { batch: 3, seq: 1, inputHidden: 4, heads: 2, headSize: 4, past: 5, mask: 'keys', attributes: { unidirectional: attr.int(1) } }],
  ['past, unidirectional, per-query mask', { batch: 2, seq: 3, inputHidden: 5, heads: 3, headSize: 2, past: 2, mask: 'rows', attributes: { unidirectional: attr.int(1) } }],
  ['attention_bias [batch, heads, seq, total]', { batch: 2, seq: 4, inputHidden: 5, heads: 2, headSize: 3, attentionBias: 'full' }],
  ['attention_bias broadcast, with a mask', { batch: 3, seq: 2, inputHidden: 6, heads: 2, headSize: 2, attentionBias: 'shared', mask: 'end' }],
  ['scale and mask_filter_value', { batch: 2, seq: 3, inputHidden: 5, heads: 2, headSize: 3, mask: 'keys', attributes: { scale: attr.float(0.2), mask_filter_value: attr.float(-50) } }],
  // Large enough for the WebAssembly GEMM on every product; sizes not multiples of 4.
  ['large, odd head size, no mask', { batch: 1, seq: 37, inputHidden: 30, heads: 3, headSize: 13 }],
  ['large, batch 2, attention_bias broadcast', { batch: 2, seq: 29, inputHidden: 22, heads: 2, headSize: 17, attentionBias: 'shared' }],
  ['large, key lengths mask', { batch: 3, seq: 33, inputHidden: 18, heads: 2, headSize: 11, mask: 'end' }],
  ['large, unidirectional with key padding', { batch: 2, seq: 31, inputHidden: 14, heads: 3, headSize: 9, mask: 'keys', attributes: { unidirectional: attr.int(1) } }],
  ['large, past and present, per-query mask', { batch: 2, seq: 19, inputHidden: 15, heads: 2, headSize: 10, past: 23, mask: 'rows' }],
  ['large, sequence 1 after a long past', { batch: 2, seq: 1, inputHidden: 21, heads: 3, headSize: 7, past: 61, attributes: { unidirectional: attr.int(1) } }],
  ['large, V head size differs', { batch: 2, seq: 26, inputHidden: 19, heads: 2, headSize: 14, vHeadSize: 9, mask: 'end-start' }],
];

describe('Attention (com.microsoft)', () => {
  it.each(cases)('%s matches onnxruntime', async (_, c) => {
    await expectCaseMatches(attentionCase(c));
  });

  it.each(cases.filter(([, c]) => !c.vHeadSize))('%s matches onnxruntime in float16', async (_, c) => {
    await expectCaseMatches(attentionCase(c, 'float16'), HALF_TOLERANCE);
  });

  // onnxruntime's CPU kernel refuses 4-D masks, so the 4-D result is checked against the 3-D
  // mask holding the rows it selects (row past + i of each batch entry's square).
  it.each([0, 3])('4-D mask with past %i matches onnxruntime given the equivalent 3-D mask', async (past) => {
    const c: AttentionCase = { batch: 2, seq: 3, inputHidden: 5, heads: 2, headSize: 3, past, mask: 'megatron' };
    const node = attentionCase(c);
    const mask = node.inputs[3]![1];
    const total = past + c.seq;
    const max = mask.dims[3];
    const rows = Array.from({ length: c.batch * c.seq * total }, (_, n) => {
      const [b, i, j] = [Math.floor(n / (c.seq * total)), Math.floor(n / total) % c.seq, n % total];
      return (mask.data as Int32Array)[(b * max + past + i) * max + j];
    });
    const equivalent: NodeCase = { ...node, inputs: node.inputs.map((input, k) => (k === 3 ? ['mask_index', tensors(0).int32(rows, [c.batch, c.seq, total])] as const : input)) };
    const [ours, theirs] = await Promise.all([runCase(node), runOnnxruntime(caseModel(equivalent), caseFeeds(equivalent))]);
    for (const name of ['output', 'present']) expectTensorsClose(ours[name], theirs[name], FLOAT32_TOLERANCE, `4-D mask '${name}'`);
  });

  it('refuses a mask of another shape and a 4-D mask with unidirectional', async () => {
    const c = attentionCase({ batch: 2, seq: 3, inputHidden: 4, heads: 2, headSize: 2 });
    const t = tensors(1);
    const withMask = (mask: Tensor, attributes?: Record<string, AttributeValue>): NodeCase => ({
      ...c, inputs: [...c.inputs.slice(0, 3), ['mask_index', mask]], attributes: { ...c.attributes, ...attributes },
    });
    await expect(runCase(withMask(t.int32([1, 1, 1], [3])))).rejects.toThrow(/mask_index/);
    await expect(runCase(withMask(t.int32(new Array(32).fill(1), [2, 1, 4, 4]), { unidirectional: attr.int(1) }))).rejects.toThrow(/unidirectional/);
  });
});
