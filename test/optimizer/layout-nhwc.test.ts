/**
 * LayoutNhwc: convolution chains channels-last, transposes only at the chain's edges, outputs
 * unchanged (onnxts on the rewritten model, onnxruntime-node on the saved one, both against
 * onnxruntime-node on the original), and no rewrite where it must not fire.
 */
import { describe, expect, it } from 'vitest';
import { env } from '../../src/config/env.js';
import { InferenceSession, type Tensor } from '../../src/index.js';
import type { Model } from '../../src/ir/graph.js';
import { defaultRegistry } from '../../src/kernels/default-registry.js';
import { NHWC_DOMAIN } from '../../src/kernels/nhwc/nhwc-layout.js';
import { optimizeModel } from '../../src/optimizer/optimize-model.js';
import type { LayoutChoice, NhwcConvKind } from '../../src/optimizer/passes/layout-convs.js';
import { layoutNhwcPass } from '../../src/optimizer/passes/layout-nhwc.js';
import { GraphBuilder, type Value } from '../../src/tools/model-builder/index.js';
import { expectTensorsClose, FLOAT32_TOLERANCE, runOnnxruntime } from '../support/differential.js';
import { buildModel } from '../support/model-builder.js';
import { randomDense, randomTensor, Rng } from '../support/random.js';
import type { DenseTensor } from '../../src/tensor/dense-tensor.js';
import { bytesOf, expectSameOutputs, irOf, opCounts, savedBytesOf } from './support.js';

const registry = defaultRegistry();
const BOTH: LayoutChoice = { kinds: new Set(['pointwise', 'depthwise']), pointwiseMinPositions: 0 };
const only = (kind: NhwcConvKind): LayoutChoice => ({ kinds: new Set([kind]), pointwiseMinPositions: 0 });

/** Level extended, then the layout pass for `kinds`, then basic again (as the optimizer's rounds run them). */
function withLayout(bytes: Uint8Array, kinds = BOTH): { model: Model; fired: boolean } {
  const extended = optimizeModel(irOf(bytes), { level: 'extended', registry }).model;
  const result = layoutNhwcPass(kinds).run(extended, { registry, freeDimensionOverrides: new Map(), fired: () => undefined });
  if (result === 'unchanged') return { model: extended, fired: false };
  return { model: optimizeModel(result, { level: 'basic', registry }).model, fired: true };
}

function nhwcConvs(model: Model): number {
  return model.graph.nodes.filter((n) => n.domain === NHWC_DOMAIN).length;
}

async function expectSameAsOriginal(original: Uint8Array, model: Model, feeds: Record<string, Tensor>): Promise<void> {
  const expected = await runOnnxruntime(original, feeds);
  const session = await InferenceSession.create(bytesOf(model), { graphOptimizationLevel: 'disabled' });
  const ours = (await session.run(feeds)) as Record<string, Tensor>;
  for (const [name, e] of Object.entries(expected)) expectTensorsClose(ours[name], e, FLOAT32_TOLERANCE, `onnxts on the layout model: '${name}'`);
  await expectSameOutputs(original, savedBytesOf(model), feeds);
}

function feedsFor(shape: number[], seed = 3): Record<string, Tensor> {
  return { x: randomTensor('float32', shape, new Rng(seed), -1, 1) };
}

/** A MobileNetV2 block of odd widths: expand (pointwise), depthwise (stride 1), project, residual Add. */
function invertedResidual(b: GraphBuilder, x: Value, hidden: number): Value {
  const out = x.shape[1];
  const e = b.clip(b.conv(x, { out: hidden, kernel: 1, bias: true }), 0, 6);
  const d = b.clip(b.conv(e, { out: hidden, kernel: 3, pad: 1, group: hidden, bias: true }), 0, 6);
  return b.add(x, b.conv(d, { out, kernel: 1, bias: true }));
}

describe('LayoutNhwc', () => {
  it('runs a chain of inverted residual blocks channels-last, transposed only at its two ends', async () => {
    const b = new GraphBuilder(7);
    let x = b.input('x', 'float32', [2, 5, 9, 7]);
    x = b.clip(b.conv(x, { out: 6, kernel: 3, pad: 1, stride: 2, bias: true }), 0, 6);
    // As in MobileNetV2's first block: depthwise next to the planar stem (it stays planar), then pointwise.
    x = b.clip(b.conv(x, { out: 6, kernel: 3, pad: 1, group: 6, bias: true }), 0, 6);
    x = b.conv(x, { out: 5, kernel: 1, bias: true });
    x = invertedResidual(b, x, 13);
    x = invertedResidual(b, x, 11);
    b.output(b.globalAveragePool(x), 'y');
    const bytes = b.build();
    const { model, fired } = withLayout(bytes);
    expect(fired).toBe(true);
    const counts = opCounts(model.graph);
    expect(nhwcConvs(model)).toBe(7);
    expect(counts.Transpose).toBe(2);
    expect(counts.GlobalAveragePool).toBe(1);
    // The residual Adds join the projecting convolutions as their Z.
    expect(counts.Add).toBeUndefined();
    expect(model.graph.nodes.filter((n) => n.domain === NHWC_DOMAIN && n.inputs.length === 4)).toHaveLength(2);
    // Shape inference knows the channels-last op: [N, H, W, C] out of [N, H, W, C] in.
    const expand = model.graph.nodes.filter((n) => n.domain === NHWC_DOMAIN)[1];
    expect(model.graph.valueInfo.get(expand.outputs[0])).toMatchObject({ shape: [2, 5, 4, 13] });
    await expectSameAsOriginal(bytes, model, feedsFor([2, 5, 9, 7]));
  });

  it('carries Concat (axis 1 -> 3) and per-channel constants through the layout', async () => {
    const b = new GraphBuilder(8);
    const x = b.input('x', 'float32', [1, 6, 5, 7]);
    const s = b.relu(b.conv(x, { out: 3, kernel: 1, bias: true }));
    const left = b.relu(b.conv(s, { out: 5, kernel: 1, bias: true }));
    const right = b.relu(b.conv(s, { out: 4, kernel: 1, bias: true }));
    const joined = b.concat([left, right], 1);
    const scale = b.initializer('scale', randomDenseChannels(9));
    const scaled = b.add(b.mul(joined, scale), 0.25);
    b.output(b.conv(scaled, { out: 2, kernel: 1, bias: true }), 'y');
    const bytes = b.build();
    const { model } = withLayout(bytes);
    const counts = opCounts(model.graph);
    expect(nhwcConvs(model)).toBe(4);
    expect(counts.Transpose).toBe(2);
    expect(model.graph.nodes.find((n) => n.opType === 'Concat')?.attributes.get('axis')).toEqual({ type: 'int', value: 3 });
    await expectSameAsOriginal(bytes, model, feedsFor([1, 6, 5, 7]));
  });

  it('keeps a chain value that a planar op also reads correct, with a Transpose for that reader', async () => {
    const b = new GraphBuilder(9);
    const x = b.input('x', 'float32', [1, 4, 6, 5]);
    const a = b.relu(b.conv(x, { out: 7, kernel: 1, bias: true }));
    const d = b.conv(a, { out: 7, kernel: 3, pad: 1, group: 7, bias: true });
    b.output(b.conv(d, { out: 3, kernel: 1, bias: true }), 'y');
    b.output(b.reshape(a, [1, -1]), 'flat');
    b.output(a, 'a');
    const bytes = b.build();
    const { model } = withLayout(bytes);
    expect(nhwcConvs(model)).toBe(3);
    await expectSameAsOriginal(bytes, model, feedsFor([1, 4, 6, 5]));
  });

  it('does not fire on 1-D convolutions, general 3x3 convolutions, a lone convolution, or kinds it is not given', () => {
    const rng = new Rng(10);
    const conv1d = buildModel({
      nodes: [{ op: 'Conv', inputs: ['x', 'w', 'b'], outputs: ['y'] }],
      inputs: [{ name: 'x', type: 'float32', shape: [1, 4, 9] }],
      outputs: [{ name: 'y', type: 'float32' }],
      initializers: { w: randomDense('float32', [3, 4, 1], rng), b: randomDense('float32', [3], rng) },
    });
    expect(withLayout(conv1d).fired).toBe(false);
    const dense = new GraphBuilder(11);
    dense.output(dense.conv(dense.input('x', 'float32', [1, 4, 9, 9]), { out: 3, kernel: 3, pad: 1, bias: true }), 'y');
    expect(withLayout(dense.build()).fired).toBe(false);
    const lone = new GraphBuilder(12);
    lone.output(lone.conv(lone.input('x', 'float32', [1, 4, 9, 9]), { out: 4, kernel: 3, group: 4, bias: true }), 'y');
    expect(withLayout(lone.build()).fired).toBe(false);
    const pair = new GraphBuilder(14);
    const d = pair.relu(pair.conv(pair.input('x', 'float32', [1, 4, 9, 9]), { out: 4, kernel: 3, group: 4, bias: true }));
    pair.output(pair.conv(d, { out: 4, kernel: 3, group: 4, bias: true }), 'y');
    expect(withLayout(pair.build(), only('pointwise')).fired).toBe(false);
    expect(withLayout(pair.build(), only('depthwise')).fired).toBe(true);
  });

  it('leaves pointwise convolutions next to a planar one planar (a SqueezeNet fire module)', () => {
    const b = new GraphBuilder(15);
    const x = b.input('x', 'float32', [1, 8, 9, 9]);
    const s = b.relu(b.conv(x, { out: 4, kernel: 1, bias: true }));
    const e1 = b.relu(b.conv(s, { out: 6, kernel: 1, bias: true }));
    const e3 = b.relu(b.conv(s, { out: 6, kernel: 3, pad: 1, bias: true }));
    b.output(b.concat([e1, e3], 1), 'y');
    expect(withLayout(b.build()).fired).toBe(false);
  });

  it('stands aside where the WebAssembly kernels are off', () => {
    const b = new GraphBuilder(17);
    const a = b.relu(b.conv(b.input('x', 'float32', [1, 8, 3, 5]), { out: 6, kernel: 1, bias: true }));
    b.output(b.conv(a, { out: 4, kernel: 1, bias: true }), 'y');
    const saved = env.wasm.simd;
    env.wasm.simd = false;
    try {
      expect(withLayout(b.build()).fired).toBe(false);
    } finally {
      env.wasm.simd = saved;
    }
    expect(withLayout(b.build()).fired).toBe(true);
  });

  it('leaves pointwise convolutions over few positions planar', () => {
    const b = new GraphBuilder(16);
    const a = b.relu(b.conv(b.input('x', 'float32', [1, 8, 3, 5]), { out: 6, kernel: 1, bias: true }));
    b.output(b.conv(a, { out: 4, kernel: 1, bias: true }), 'y');
    expect(withLayout(b.build(), { kinds: BOTH.kinds, pointwiseMinPositions: 16 }).fired).toBe(false);
    expect(withLayout(b.build(), { kinds: BOTH.kinds, pointwiseMinPositions: 15 }).fired).toBe(true);
  });

  it('saves a model onnxruntime loads: a pure chain goes back to planar Convs with no Transpose', () => {
    const b = new GraphBuilder(13);
    let x = b.input('x', 'float32', [1, 4, 6, 6]);
    for (let i = 0; i < 3; i++) x = b.clip(b.conv(x, { out: 4, kernel: i === 1 ? 3 : 1, pad: i === 1 ? 1 : 0, group: i === 1 ? 4 : 1, bias: true }), 0, 6);
    b.output(x, 'y');
    const { model } = withLayout(b.build());
    expect(nhwcConvs(model)).toBe(3);
    const saved = irOf(savedBytesOf(model));
    expect(opCounts(saved.graph)).toEqual({ 'com.microsoft:FusedConv': 3 });
    expect(saved.opsetImports.has(NHWC_DOMAIN)).toBe(false);
  });
});

function randomDenseChannels(channels: number): DenseTensor {
  return randomDense('float32', [1, channels, 1, 1], new Rng(channels), 0.5, 1.5);
}
