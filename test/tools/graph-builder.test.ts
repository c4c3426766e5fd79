import { describe, expect, it } from 'vitest';
import { Tensor } from '../../src/index.js';
import { decodeModelProto } from '../../src/onnx/decode-model.js';
import { GraphBuilder } from '../../src/tools/model-builder/graph-builder.js';
import { recipeTensors } from '../../src/tools/model-builder/input-recipe.js';
import { Lcg } from '../../src/tools/model-builder/lcg.js';
import { ModelBuildError } from '../../src/tools/model-builder/model-build-error.js';
import { countParameters } from '../../src/tools/model-builder/parameter-count.js';
import { fillWeights } from '../../src/tools/model-builder/weight-init.js';
import { expectMatchesOnnxruntime } from '../support/differential.js';
import { Rng } from '../support/random.js';
import { ARCHITECTURE_TOLERANCE } from './architecture-check.js';

/** A small conv net touching most builder methods: conv/BN/pool, split/concat, resize, gemm. */
function smallNet(seed: number): Uint8Array {
  const b = new GraphBuilder(seed);
  const x = b.input('x', 'float32', [1, 3, 16, 16]);
  const stem = b.scope('stem', () => b.relu(b.batchNorm(b.conv(x, { out: 8, kernel: 3, stride: 2, pad: 1, bias: false }))));
  const [left, right] = b.split(stem, [4, 4], 1);
  const joined = b.concat([b.silu(left), b.clip(right, 0, 6), b.resizeNearest(b.maxPool(stem, { kernel: 2 }), 2)], 1);
  const logits = b.scope('fc', () => b.gemm(b.flatten(b.globalAveragePool(joined)), 5));
  b.output(logits, 'logits');
  return b.build();
}

describe('Lcg', () => {
  it('is the manifest recipe generator, and fillUniform draws what uniform() draws', () => {
    const [ours, manifest] = [new Lcg(42), new Rng(42)];
    for (let i = 0; i < 5; i++) expect(ours.next()).toBe(manifest.next());
    const [a, b] = [new Lcg(7), new Lcg(7)];
    const filled = new Float32Array(100);
    a.fillUniform(filled, -0.5, 2);
    expect(filled).toEqual(Float32Array.from({ length: 100 }, () => b.uniform(-0.5, 2)));
    expect(a.next()).toBe(b.next());
  });
});

describe('weight init', () => {
  it('keeps He and Xavier draws inside their bounds; constants and values draw nothing', () => {
    const rng = new Lcg(1);
    const he = fillWeights({ kind: 'he', fanIn: 24 }, 1000, rng);
    expect(Math.max(...he.map(Math.abs))).toBeLessThanOrEqual(Math.sqrt(6 / 24));
    const xavier = fillWeights({ kind: 'xavier', fanIn: 10, fanOut: 14 }, 1000, rng);
    expect(Math.max(...xavier.map(Math.abs))).toBeLessThanOrEqual(Math.sqrt(6 / 24));
    const before = new Lcg(5);
    const after = new Lcg(5);
    fillWeights({ kind: 'constant', value: 3 }, 10, after);
    fillWeights({ kind: 'values', values: [1, 2] }, 2, after);
    expect(after.next()).toBe(before.next());
    expect(() => fillWeights({ kind: 'values', values: [1] }, 2, after)).toThrow(RangeError);
  });
});

describe('GraphBuilder', () => {
  it('tracks static shapes through the ops', () => {
    const b = new GraphBuilder();
    const x = b.input('x', 'float32', [1, 3, 224, 224]);
    const c = b.conv(x, { out: 64, kernel: 7, stride: 2, pad: 3 });
    expect(c.shape).toEqual([1, 64, 112, 112]);
    expect(b.maxPool(c, { kernel: 3, stride: 2, pad: 1 }).shape).toEqual([1, 64, 56, 56]);
    // SqueezeNet's ceil-mode pools: 111 -> 55 -> 27 -> 13.
    expect(b.maxPool(b.input('p', 'float32', [1, 64, 111, 111]), { kernel: 3, stride: 2, ceil: true }).shape).toEqual([1, 64, 55, 55]);
    const t = b.input('t', 'float32', [1, 8, 768]);
    const heads = b.transpose(b.reshape(t, [1, 8, 12, -1]), [0, 2, 1, 3]);
    expect(heads.shape).toEqual([1, 12, 8, 64]);
    expect(b.matmul(heads, b.transpose(heads, [0, 1, 3, 2])).shape).toEqual([1, 12, 8, 8]);
    expect(b.split(t, [256, 512], -1).map((v) => v.shape)).toEqual([[1, 8, 256], [1, 8, 512]]);
    expect(b.gather(t, 0, 1).shape).toEqual([1, 768]);
    expect(b.unsqueeze(b.input('m', 'int64', [1, 8]), [1, 2]).shape).toEqual([1, 1, 1, 8]);
    expect(b.linear(t, 3072).shape).toEqual([1, 8, 3072]);
  });

  it('rejects graphs that cannot be valid with ModelBuildError', () => {
    const b = new GraphBuilder();
    const x = b.input('x', 'float32', [1, 6, 8, 8]);
    expect(() => b.conv(x, { out: 4, kernel: 3, group: 4 })).toThrow(ModelBuildError);
    expect(() => b.reshape(x, [5, -1])).toThrow(ModelBuildError);
    expect(() => b.split(x, [2, 2], 1)).toThrow(ModelBuildError);
    expect(() => b.concat([x, b.input('y', 'float32', [1, 6, 4, 8])], 1)).toThrow(ModelBuildError);
    expect(() => b.conv(x, { out: 4, kernel: 9 })).toThrow(ModelBuildError);
    expect(() => b.build()).toThrow(/no outputs/);
  });

  it('names parameters after their scope, like a PyTorch state dict', () => {
    const b = new GraphBuilder();
    const x = b.input('x', 'float32', [1, 3, 8, 8]);
    b.output(b.scope('layer1', () => b.scope('0', () => b.batchNorm(b.scope('conv1', () => b.conv(x, { out: 4, kernel: 1, bias: false }))))));
    const graph = decodeModelProto(b.build()).graph;
    expect(graph?.initializer?.map((t) => t.name)).toEqual([
      'layer1.0.conv1.weight', 'layer1.0.weight', 'layer1.0.bias', 'layer1.0.running_mean', 'layer1.0.running_var',
    ]);
    expect(graph?.node?.map((n) => n.name)).toEqual(['/layer1/0/conv1/Conv', '/layer1/0/BatchNormalization']);
  });

  it('renames outputs everywhere they are used', async () => {
    const b = new GraphBuilder();
    const x = b.input('x', 'float32', [2, 3]);
    const relu = b.relu(x);
    const doubled = b.add(relu, relu);
    b.output(relu, 'relu');
    b.output(doubled, 'doubled');
    b.output(x, 'echo');
    const model = b.build();
    expect(decodeModelProto(model).graph?.output?.map((o) => o.name)).toEqual(['relu', 'doubled', 'echo']);
    await expectMatchesOnnxruntime(model, { x: new Tensor('float32', Float32Array.of(-1, 2, -3, 4, -5, 6), [2, 3]) });
  });

  it('builds the same bytes from the same seed, other weights from another, and runs them as onnxruntime does', async () => {
    const model = smallNet(3);
    expect(smallNet(3)).toEqual(model);
    expect(smallNet(4)).not.toEqual(model);
    // conv, BN (4 per channel), Gemm over 16 channels, and the float constants: Clip's 0 and 6, Resize's 4 scales.
    expect(countParameters(model)).toBe(8 * 3 * 9 + 4 * 8 + 16 * 5 + 5 + 2 + 4);
    const feeds = { x: new Tensor('float32', recipeTensors([{ name: 'x', type: 'float32', shape: [1, 3, 16, 16], fill: { kind: 'uniform', low: -1, high: 1 } }]).get('x')?.data as Float32Array, [1, 3, 16, 16]) };
    await expectMatchesOnnxruntime(model, feeds, ARCHITECTURE_TOLERANCE);
  });
});

describe('recipeTensors', () => {
  it('shares one generator across inputs; constant fills draw nothing', () => {
    const ids = { name: 'ids', type: 'int64', shape: [4], fill: { kind: 'ids', low: 1, high: 29 } } as const;
    const noise = { name: 'noise', type: 'float32', shape: [3], fill: { kind: 'uniform', low: -1, high: 1 } } as const;
    const zeros = { name: 'zeros', type: 'float32', shape: [2], fill: { kind: 'constant', value: 0 } } as const;
    const plain = recipeTensors([ids, noise]);
    const withConstant = recipeTensors([ids, zeros, noise]);
    expect(withConstant.get('noise')?.data).toEqual(plain.get('noise')?.data);
    expect(withConstant.get('zeros')?.data).toEqual(new Float32Array(2));
    const rng = new Rng(42);
    expect(Array.from(plain.get('ids')?.data as BigInt64Array, Number)).toEqual(Array.from({ length: 4 }, () => 1 + Math.floor(28 * rng.next())));
  });
});
