import { beforeAll, describe, expect, it } from 'vitest';
import { expectTensorsClose, runOnnxruntime, runOnnxts } from '../../support/differential.js';
import { attr, buildModel, graph, singleNodeModel, type AttributeValue } from '../../support/model-builder.js';
import { Rng, randomTensor } from '../../support/random.js';
import type { DataType } from '../../../src/tensor/element-type.js';
import { DenseTensor } from '../../../src/tensor/dense-tensor.js';
import { Tensor } from '../../../src/index.js';

const rng = new Rng(57);
const values = (t: Tensor): number[] => Array.from(t.data as Float32Array);
/** Within float32 rounding of the state carried between steps. */
const expectNear = (actual: number, expected: number) => expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(expected)));

describe('FlexAttention', () => {
  function flex(attributes: Record<string, AttributeValue> = {}, type: DataType = 'float32'): Uint8Array {
    return buildModel({
      nodes: [{ op: 'FlexAttention', domain: 'ai.onnx.preview', inputs: ['q', 'k', 'v'], outputs: ['y'], attributes }],
      inputs: ['q', 'k', 'v'].map((name) => ({ name, type })),
      outputs: [{ name: 'y', type }],
      opsets: { '': 26, 'ai.onnx.preview': 1 },
    });
  }
  /** onnxruntime's Attention (opset 23) computes the same thing without modifiers: the oracle. */
  function attention(withMask: boolean, scale?: number): Uint8Array {
    const inputs = withMask ? ['q', 'k', 'v', 'mask'] : ['q', 'k', 'v'];
    return singleNodeModel('Attention', inputs.map((name) => ({ name, type: 'float32' as DataType })), [{ name: 'y', type: 'float32' }], {
      opset: 23, attributes: scale === undefined ? {} : { scale: attr.float(scale) },
    });
  }
  const qkv = (b: number, hq: number, hkv: number, l: number, s: number, e: number, ev: number) => ({
    q: randomTensor('float32', [b, hq, l, e], rng, -1, 1), k: randomTensor('float32', [b, hkv, s, e], rng, -1, 1), v: randomTensor('float32', [b, hkv, s, ev], rng, -1, 1),
  });

  const shapes: [string, Parameters<typeof qkv>][] = [
    ['multi-head', [2, 3, 3, 5, 4, 8, 8]], ['grouped query heads', [1, 6, 2, 3, 7, 4, 4]], ['a different value size', [2, 2, 2, 4, 4, 8, 3]],
  ];
  it.each(shapes)('%s matches onnxruntime Attention', async (_, dims) => {
    const feeds = qkv(...dims);
    const [ours, theirs] = await Promise.all([runOnnxts(flex(), feeds), runOnnxruntime(attention(false), feeds)]);
    expectTensorsClose(ours.y, theirs.y, { rtol: 1e-4, atol: 1e-5 }, 'FlexAttention');
  });

  it('applies an explicit scale', async () => {
    const feeds = qkv(1, 2, 2, 3, 3, 4, 4);
    const [ours, theirs] = await Promise.all([runOnnxts(flex({ scale: attr.float(0.7) }), feeds), runOnnxruntime(attention(false, 0.7), feeds)]);
    expectTensorsClose(ours.y, theirs.y, { rtol: 1e-4, atol: 1e-5 }, 'scaled');
  });

  it('runs score_mod on the scores: adding a mask there equals an attention mask', async () => {
    const feeds = qkv(2, 2, 2, 4, 5, 8, 8);
    const maskValues = Float32Array.from({ length: 20 }, (_, i) => (i % 3 === 0 ? -Infinity : rng.uniform(-1, 1)));
    maskValues[1] = 0;
    const mask = new DenseTensor('float32', [1, 1, 4, 5], maskValues);
    const scoreMod = graph({
      nodes: [{ op: 'Add', inputs: ['scores', 'mask'], outputs: ['masked'] }],
      inputs: [{ name: 'scores', type: 'float32' }], outputs: [{ name: 'masked', type: 'float32' }], initializers: { mask },
    });
    const ours = await runOnnxts(flex({ score_mod: attr.graph(scoreMod) }), feeds);
    const theirs = await runOnnxruntime(attention(true), { ...feeds, mask: new Tensor('float32', maskValues, [4, 5]) });
    expectTensorsClose(ours.y, theirs.y, { rtol: 1e-4, atol: 1e-5 }, 'score_mod');
  });

  it('runs prob_mod on the probabilities', async () => {
    const feeds = qkv(1, 2, 1, 3, 4, 4, 4);
    const double = graph({
      nodes: [{ op: 'Add', inputs: ['p', 'p'], outputs: ['twice'] }],
      inputs: [{ name: 'p', type: 'float32' }], outputs: [{ name: 'twice', type: 'float32' }],
    });
    const plain = values((await runOnnxts(flex(), feeds)).y);
    const doubled = values((await runOnnxts(flex({ prob_mod: attr.graph(double) }), feeds)).y);
    doubled.forEach((v, i) => expect(v).toBeCloseTo(2 * plain[i], 5));
  });

  it('computes in double for double inputs and rejects heads that do not group', async () => {
    const feeds = { q: randomTensor('float64', [1, 2, 2, 3], rng), k: randomTensor('float64', [1, 2, 2, 3], rng), v: randomTensor('float64', [1, 2, 2, 3], rng) };
    expect((await runOnnxts(flex({}, 'float64'), feeds)).y.type).toBe('float64');
    const bad = qkv(1, 3, 2, 2, 2, 4, 4);
    await expect(runOnnxts(flex(), bad)).rejects.toThrow(/multiple of kv_num_heads/);
  });
});

describe('LinearAttention', () => {
  const B = 2, T = 5, H = 2, DK = 3, DV = 4;

  function linear(rule: string, inputs: string[], qHeads = H, extra: Record<string, AttributeValue> = {}): Uint8Array {
    return buildModel({
      nodes: [{ op: 'LinearAttention', inputs, outputs: ['out', 'state'], attributes: { q_num_heads: attr.int(qHeads), kv_num_heads: attr.int(H), update_rule: attr.string(rule), ...extra } }],
      inputs: inputs.filter((n) => n !== '').map((name) => ({ name, type: 'float32' as DataType })),
      outputs: [{ name: 'out', type: 'float32' }, { name: 'state', type: 'float32' }],
      opsets: { '': 27 },
    });
  }
  const at = (b: number, t: number, width: number, i: number) => (b * T + t) * width + i;

  it("'linear' equals causal attention without softmax: o_t = sum over s <= t of (q_t . k_s) v_s / sqrt(d_k)", async () => {
    const feeds = { q: randomTensor('float32', [B, T, H * DK], rng), k: randomTensor('float32', [B, T, H * DK], rng), v: randomTensor('float32', [B, T, H * DV], rng) };
    const out = values((await runOnnxts(linear('linear', ['q', 'k', 'v']), feeds)).out);
    const [q, k, v] = [values(feeds.q), values(feeds.k), values(feeds.v)];
    for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) for (let h = 0; h < H; h++) for (let j = 0; j < DV; j++) {
      let expected = 0;
      for (let s = 0; s <= t; s++) {
        let dot = 0;
        for (let i = 0; i < DK; i++) dot += q[at(b, t, H * DK, h * DK + i)] * k[at(b, s, H * DK, h * DK + i)];
        expected += dot * v[at(b, s, H * DV, h * DV + j)];
      }
      expect(out[at(b, t, H * DV, h * DV + j)]).toBeCloseTo(expected / Math.sqrt(DK), 4);
    }
  });

  it("'gated' with a per-head decay weights token s by exp(g_{s+1} + ... + g_t)", async () => {
    const feeds = {
      q: randomTensor('float32', [B, T, H * DK], rng), k: randomTensor('float32', [B, T, H * DK], rng), v: randomTensor('float32', [B, T, H * DV], rng),
      g: randomTensor('float32', [B, T, H], rng, -0.5, 0),
    };
    const out = values((await runOnnxts(linear('gated', ['q', 'k', 'v', '', 'g'], H, { scale: attr.float(0.5) }), feeds)).out);
    const [q, k, v, g] = [values(feeds.q), values(feeds.k), values(feeds.v), values(feeds.g)];
    for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) for (let h = 0; h < H; h++) for (let j = 0; j < DV; j++) {
      let expected = 0;
      for (let s = 0; s <= t; s++) {
        let logDecay = 0;
        for (let r = s + 1; r <= t; r++) logDecay += g[at(b, r, H, h)];
        let dot = 0;
        for (let i = 0; i < DK; i++) dot += q[at(b, t, H * DK, h * DK + i)] * k[at(b, s, H * DK, h * DK + i)];
        expected += Math.exp(logDecay) * dot * v[at(b, s, H * DV, h * DV + j)];
      }
      expect(out[at(b, t, H * DV, h * DV + j)]).toBeCloseTo(0.5 * expected, 4);
    }
  });

  it('gives the same result token by token, passing the state along, as over the whole sequence', async () => {
    const q = randomTensor('float32', [1, T, H * DK], rng), k = randomTensor('float32', [1, T, H * DK], rng), v = randomTensor('float32', [1, T, H * DV], rng);
    const g = randomTensor('float32', [1, T, H * DK], rng, -0.3, 0), beta = randomTensor('float32', [1, T, H], rng, 0, 1);
    const all = await runOnnxts(linear('gated_delta', ['q', 'k', 'v', '', 'g', 'beta']), { q, k, v, g, beta });
    const step = linear('gated_delta', ['q', 'k', 'v', 'past', 'g', 'beta']);
    let state = new Tensor('float32', new Float32Array(H * DK * DV), [1, H, DK, DV]);
    const slice = (t: Tensor, i: number) => {
      const width = t.dims[2];
      return new Tensor('float32', (t.data as Float32Array).slice(i * width, (i + 1) * width), [1, 1, width]);
    };
    for (let i = 0; i < T; i++) {
      const out = await runOnnxts(step, { q: slice(q, i), k: slice(k, i), v: slice(v, i), past: state, g: slice(g, i), beta: slice(beta, i) });
      values(out.out).forEach((x, j) => expectNear(x, values(all.out)[i * H * DV + j]));
      state = out.state;
    }
    values(state).forEach((x, j) => expectNear(x, values(all.state)[j]));
  });

  it('shares each KV head among its group of query heads', async () => {
    const q = randomTensor('float32', [B, T, 2 * H * DK], rng), k = randomTensor('float32', [B, T, H * DK], rng), v = randomTensor('float32', [B, T, H * DV], rng);
    const beta = randomTensor('float32', [B, T, 1], rng, 0, 1);
    const grouped = values((await runOnnxts(linear('delta', ['q', 'k', 'v', '', '', 'beta'], 2 * H), { q, k, v, beta })).out);
    // Query heads 2h and 2h + 1 read KV head h: run each half of the query heads as its own MHA.
    for (const half of [0, 1]) {
      const qHalf = new Float32Array(B * T * H * DK);
      for (let bt = 0; bt < B * T; bt++) for (let h = 0; h < H; h++) for (let i = 0; i < DK; i++) qHalf[(bt * H + h) * DK + i] = values(q)[(bt * 2 * H + 2 * h + half) * DK + i];
      const single = values((await runOnnxts(linear('delta', ['q', 'k', 'v', '', '', 'beta']), { q: new Tensor('float32', qHalf, [B, T, H * DK]), k, v, beta })).out);
      for (let bt = 0; bt < B * T; bt++) for (let h = 0; h < H; h++) for (let j = 0; j < DV; j++) {
        expect(grouped[(bt * 2 * H + 2 * h + half) * DV + j]).toBeCloseTo(single[(bt * H + h) * DV + j], 5);
      }
    }
  });

  it('rejects a missing decay for gated rules and head counts that do not group', async () => {
    const feeds = { q: randomTensor('float32', [1, 1, H * DK], rng), k: randomTensor('float32', [1, 1, H * DK], rng), v: randomTensor('float32', [1, 1, H * DV], rng) };
    await expect(runOnnxts(linear('gated', ['q', 'k', 'v']), feeds)).rejects.toThrow(/needs the decay/);
    await expect(runOnnxts(linear('linear', ['q', 'k', 'v'], 3), feeds)).rejects.toThrow(/multiple of kv_num_heads/);
  });
});
