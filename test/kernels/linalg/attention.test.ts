import { describe, expect, it } from 'vitest';
import { Tensor } from '../../../src/index.js';
import type { DataType } from '../../../src/tensor/element-type.js';
import { expectMatchesOnnxruntime, runOnnxts } from '../../support/differential.js';
import { attr, buildModel, type AttributeValue, type ValueSpec } from '../../support/model-builder.js';
import { Rng, randomTensor } from '../../support/random.js';

interface AttentionCase {
  q: number[];
  k: number[];
  v: number[];
  mask?: { shape: number[]; type: DataType };
  past?: { key: number[]; value: number[] };
  attributes?: Record<string, AttributeValue>;
  outputs?: number;
  type?: DataType;
  opset?: number;
}

function build(c: AttentionCase, rng: Rng): { model: Uint8Array; feeds: Record<string, Tensor> } {
  const type = c.type ?? 'float32';
  const inputs: ValueSpec[] = [{ name: 'q', type, shape: c.q }, { name: 'k', type, shape: c.k }, { name: 'v', type, shape: c.v }];
  const feeds: Record<string, Tensor> = { q: randomTensor(type, c.q, rng, -1, 1), k: randomTensor(type, c.k, rng, -1, 1), v: randomTensor(type, c.v, rng, -1, 1) };
  const names = ['q', 'k', 'v'];
  if (c.mask) {
    inputs.push({ name: 'mask', type: c.mask.type, shape: c.mask.shape });
    feeds.mask = randomTensor(c.mask.type, c.mask.shape, rng, -2, 1);
    names.push('mask');
  } else if (c.past) names.push('');
  if (c.past) {
    inputs.push({ name: 'past_key', type, shape: c.past.key }, { name: 'past_value', type, shape: c.past.value });
    feeds.past_key = randomTensor(type, c.past.key, rng, -1, 1);
    feeds.past_value = randomTensor(type, c.past.value, rng, -1, 1);
    names.push('past_key', 'past_value');
  }
  const outputNames = ['y', 'present_key', 'present_value', 'qk'].slice(0, c.outputs ?? (c.past ? 3 : 1));
  return { model: attentionModel(inputs, names, outputNames, type, c), feeds };
}

/** One Attention node; '' in `names` or `outputs` leaves that optional slot empty. */
function attentionModel(inputs: ValueSpec[], names: string[], outputs: string[], type: DataType, c: AttentionCase): Uint8Array {
  return buildModel({
    nodes: [{ op: 'Attention', inputs: names, outputs, attributes: c.attributes }],
    inputs,
    outputs: outputs.filter((name) => name !== '').map((name) => ({ name, type })),
    opsets: { '': c.opset ?? 23 },
  });
}

const heads3d = (q: number, kv: number) => ({ q_num_heads: attr.int(q), kv_num_heads: attr.int(kv) });

const cases: [string, AttentionCase][] = [
  ['4-D', { q: [2, 3, 4, 8], k: [2, 3, 6, 8], v: [2, 3, 6, 8] }],
  ['4-D, V head size differs', { q: [2, 3, 4, 8], k: [2, 3, 6, 8], v: [2, 3, 6, 5] }],
  ['3-D', { q: [2, 4, 24], k: [2, 6, 24], v: [2, 6, 24], attributes: heads3d(3, 3) }],
  ['3-D grouped heads', { q: [2, 4, 72], k: [2, 6, 24], v: [2, 6, 30], attributes: heads3d(9, 3) }],
  ['4-D grouped heads', { q: [1, 6, 5, 4], k: [1, 2, 7, 4], v: [1, 2, 7, 4] }],
  ['multi-query', { q: [2, 4, 3, 8], k: [2, 1, 5, 8], v: [2, 1, 5, 8] }],
  ['scaled', { q: [2, 3, 4, 8], k: [2, 3, 6, 8], v: [2, 3, 6, 8], attributes: { scale: attr.float(0.3) } }],
  ['softcap', { q: [2, 3, 4, 8], k: [2, 3, 6, 8], v: [2, 3, 6, 8], attributes: { softcap: attr.float(0.4) } }],
  ['causal square', { q: [2, 3, 5, 8], k: [2, 3, 5, 8], v: [2, 3, 5, 8], attributes: { is_causal: attr.int(1) } }],
  ['causal cross', { q: [1, 2, 3, 4], k: [1, 2, 6, 4], v: [1, 2, 6, 4], attributes: { is_causal: attr.int(1) } }],
  ['float mask 2-D', { q: [2, 3, 4, 8], k: [2, 3, 6, 8], v: [2, 3, 6, 8], mask: { shape: [4, 6], type: 'float32' } }],
  ['float mask 3-D', { q: [2, 3, 4, 8], k: [2, 3, 6, 8], v: [2, 3, 6, 8], mask: { shape: [3, 4, 6], type: 'float32' } }],
  ['float mask 4-D', { q: [2, 3, 4, 8], k: [2, 3, 6, 8], v: [2, 3, 6, 8], mask: { shape: [2, 1, 4, 6], type: 'float32' } }],
  ['bool mask', { q: [2, 3, 4, 8], k: [2, 3, 6, 8], v: [2, 3, 6, 8], mask: { shape: [2, 3, 4, 6], type: 'bool' } }],
  ['bool mask with causal', { q: [1, 2, 4, 8], k: [1, 2, 4, 8], v: [1, 2, 4, 8], mask: { shape: [4, 4], type: 'bool' }, attributes: { is_causal: attr.int(1) } }],
  ['float mask with causal', { q: [1, 2, 4, 8], k: [1, 2, 4, 8], v: [1, 2, 4, 8], mask: { shape: [1, 2, 4, 4], type: 'float32' }, attributes: { is_causal: attr.int(1) } }],
  ['past and present', { q: [2, 3, 4, 8], k: [2, 3, 2, 8], v: [2, 3, 2, 6], past: { key: [2, 3, 5, 8], value: [2, 3, 5, 6] }, mask: { shape: [4, 7], type: 'float32' } }],
  ['past and present, causal, 3-D', { q: [2, 1, 12], k: [2, 1, 12], v: [2, 1, 12], past: { key: [2, 3, 4, 4], value: [2, 3, 4, 4] }, attributes: { ...heads3d(3, 3), is_causal: attr.int(1) } }],
  ['past, grouped heads', { q: [1, 4, 2, 8], k: [1, 2, 2, 8], v: [1, 2, 2, 8], past: { key: [1, 2, 3, 8], value: [1, 2, 3, 8] } }],
  // Large enough for the WebAssembly GEMM on every product; sizes not multiples of 4.
  ['large 3-D, grouped heads, causal', { q: [2, 37, 78], k: [2, 37, 26], v: [2, 37, 34], attributes: { ...heads3d(6, 2), is_causal: attr.int(1) } }],
  ['large 4-D, float mask, past', { q: [1, 2, 29, 19], k: [1, 2, 11, 19], v: [1, 2, 11, 17], past: { key: [1, 2, 30, 19], value: [1, 2, 30, 17] }, mask: { shape: [29, 41], type: 'float32' } }],
];

describe('Attention', () => {
  it.each(cases)('%s matches onnxruntime', async (_, c) => {
    const rng = new Rng(c.q.reduce((a, b) => a * 3 + b, 1));
    const { model, feeds } = build(c, rng);
    await expectMatchesOnnxruntime(model, feeds);
  });

  for (const mode of [0, 1, 2, 3]) {
    it(`qk_matmul_output_mode ${mode} matches onnxruntime`, async () => {
      const rng = new Rng(40 + mode);
      const c: AttentionCase = {
        q: [1, 2, 3, 4], k: [1, 2, 5, 4], v: [1, 2, 5, 4], mask: { shape: [3, 5], type: 'float32' }, attributes: { qk_matmul_output_mode: attr.int(mode), softcap: attr.float(0.8) },
      };
      const { feeds } = build(c, rng);
      const model = attentionModel(
        [{ name: 'q', type: 'float32', shape: c.q }, { name: 'k', type: 'float32', shape: c.k }, { name: 'v', type: 'float32', shape: c.v }, { name: 'mask', type: 'float32', shape: [3, 5] }],
        ['q', 'k', 'v', 'mask'], ['y', '', '', 'qk'], 'float32', c,
      );
      await expectMatchesOnnxruntime(model, feeds);
    });
  }

  it('float16 matches onnxruntime', async () => {
    const rng = new Rng(50);
    const { model, feeds } = build({ q: [1, 2, 3, 8], k: [1, 2, 5, 8], v: [1, 2, 5, 8], type: 'float16' }, rng);
    await expectMatchesOnnxruntime(model, feeds, { rtol: 1e-2, atol: 1e-2 });
  });

  it('gives a zero row where every key is masked', async () => {
    const rng = new Rng(51);
    const c: AttentionCase = { q: [1, 1, 2, 4], k: [1, 1, 3, 4], v: [1, 1, 3, 4], mask: { shape: [2, 3], type: 'bool' } };
    const { model, feeds } = build(c, rng);
    feeds.mask = new Tensor('bool', Uint8Array.from([0, 0, 0, 1, 0, 1]), [2, 3]);
    const out = await runOnnxts(model, feeds);
    const y = out.y.data as Float32Array;
    expect(Array.from(y.subarray(0, 4))).toEqual([0, 0, 0, 0]);
    const v = feeds.v.data as Float32Array;
    // Row 1 attends keys 0 and 2 only, so it is a convex mix of those value rows.
    for (let d = 0; d < 4; d++) {
      const lo = Math.min(v[d], v[8 + d]);
      const hi = Math.max(v[d], v[8 + d]);
      expect(y[4 + d]).toBeGreaterThanOrEqual(lo - 1e-6);
      expect(y[4 + d]).toBeLessThanOrEqual(hi + 1e-6);
    }
  });

  describe('opset 24', () => {
    it('nonpad_kv_seqlen masks the padding keys and shifts the causal frontier', async () => {
      const rng = new Rng(60);
      const q = randomTensor('float32', [2, 1, 2, 4], rng, -1, 1);
      const k = randomTensor('float32', [2, 1, 5, 4], rng, -1, 1);
      const v = randomTensor('float32', [2, 1, 5, 4], rng, -1, 1);
      const nonpad = new Tensor('int64', BigInt64Array.from([3n, 5n]), [2]);
      const inputs: ValueSpec[] = [
        { name: 'q', type: 'float32', shape: [2, 1, 2, 4] }, { name: 'k', type: 'float32', shape: [2, 1, 5, 4] },
        { name: 'v', type: 'float32', shape: [2, 1, 5, 4] }, { name: 'nonpad', type: 'int64', shape: [2] },
      ];
      const model = buildModel({
        nodes: [{ op: 'Attention', inputs: ['q', 'k', 'v', '', '', '', 'nonpad'], outputs: ['y'], attributes: { is_causal: attr.int(1) } }],
        inputs, outputs: [{ name: 'y', type: 'float32' }], opsets: { '': 24 },
      });
      const out = await runOnnxts(model, { q, k, v, nonpad });
      // Batch b, query i sees keys j <= i + nonpad[b] - 2 (and j < nonpad[b]).
      const expected = referenceAttention(q, k, v, (b, i, j) => j <= i + [3, 5][b] - 2 && j < [3, 5][b]);
      Array.from(out.y.data as Float32Array).forEach((y, i) => expect(y).toBeCloseTo(expected[i], 5));
    });

    it('pads a mask shorter than the keys with -inf', async () => {
      const rng = new Rng(61);
      const q = randomTensor('float32', [1, 1, 2, 4], rng, -1, 1);
      const k = randomTensor('float32', [1, 1, 4, 4], rng, -1, 1);
      const v = randomTensor('float32', [1, 1, 4, 4], rng, -1, 1);
      const mask = new Tensor('float32', new Float32Array(4), [2, 2]);
      const model = buildModel({
        nodes: [{ op: 'Attention', inputs: ['q', 'k', 'v', 'mask'], outputs: ['y'] }],
        inputs: [
          { name: 'q', type: 'float32', shape: [1, 1, 2, 4] }, { name: 'k', type: 'float32', shape: [1, 1, 4, 4] },
          { name: 'v', type: 'float32', shape: [1, 1, 4, 4] }, { name: 'mask', type: 'float32', shape: [2, 2] },
        ],
        outputs: [{ name: 'y', type: 'float32' }], opsets: { '': 24 },
      });
      const out = await runOnnxts(model, { q, k, v, mask });
      const expected = referenceAttention(q, k, v, (_b, _i, j) => j < 2);
      Array.from(out.y.data as Float32Array).forEach((y, i) => expect(y).toBeCloseTo(expected[i], 5));
    });
  });

  it.each([
    ['3-D without head counts', { q: [2, 4, 24], k: [2, 6, 24], v: [2, 6, 24] }, /q_num_heads and kv_num_heads/],
    ['heads that do not group', { q: [1, 3, 2, 4], k: [1, 2, 2, 4], v: [1, 2, 2, 4] }, /not a multiple/],
    ['mismatched head sizes', { q: [1, 2, 2, 4], k: [1, 2, 2, 5], v: [1, 2, 2, 4] }, /head size/],
    ['a mask that does not broadcast', { q: [1, 2, 2, 4], k: [1, 2, 3, 4], v: [1, 2, 3, 4], mask: { shape: [3, 3], type: 'float32' } }, /does not broadcast/],
  ] as [string, AttentionCase, RegExp][])('rejects %s', async (_, c, message) => {
    const rng = new Rng(70);
    const { model, feeds } = build(c, rng);
    await expect(runOnnxts(model, feeds)).rejects.toThrow(message);
  });
});

/** Single-head 4-D attention with the default scale, computed in the test; `allowed` picks the keys. */
function referenceAttention(q: Tensor, k: Tensor, v: Tensor, allowed: (b: number, i: number, j: number) => boolean): number[] {
  const [batch, , sq, d] = q.dims;
  const sk = k.dims[2];
  const qd = q.data as Float32Array;
  const kd = k.data as Float32Array;
  const vd = v.data as Float32Array;
  const out: number[] = [];
  for (let b = 0; b < batch; b++) {
    for (let i = 0; i < sq; i++) {
      const weights = Array.from({ length: sk }, (_, j) => {
        if (!allowed(b, i, j)) return 0;
        let dot = 0;
        for (let x = 0; x < d; x++) dot += qd[(b * sq + i) * d + x] * kd[(b * sk + j) * d + x];
        return Math.exp(dot / Math.sqrt(d));
      });
      const sum = weights.reduce((a, w) => a + w, 0);
      for (let x = 0; x < d; x++) out.push(sum === 0 ? 0 : weights.reduce((a, w, j) => a + (w / sum) * vd[(b * sk + j) * d + x], 0));
    }
  }
  return out;
}
