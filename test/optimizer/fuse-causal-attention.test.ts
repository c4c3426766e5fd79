/** FuseAttention on GPT-2's form: one packed QKV projection split in three, and a causal Where mask -> Attention unidirectional=1. */
import { describe, expect, it } from 'vitest';
import { DenseTensor, attr, buildModel, type NodeSpec } from '../support/model-builder.js';
import { Rng, randomDense, randomTensor } from '../support/random.js';
import { expectSameOutputs, opCounts, optimize } from './support.js';

const [B, S, HEADS, D] = [2, 5, 3, 3];
const HIDDEN = HEADS * D;
const ints = (values: number[]) => new DenseTensor('int64', [values.length], BigInt64Array.from(values, BigInt));
const scalar = (v: number) => new DenseTensor('float32', [], Float32Array.of(v));

interface Variant {
  /** The (row, key) pairs where the Where's condition is true; the causal one for the form unless given. */
  readonly keep?: (row: number, key: number) => boolean;
  readonly fill?: number;
  /** Where(above-diagonal, fill, scores) instead of Where(on-and-below, scores, fill). */
  readonly flipped?: boolean;
  /** The Split outputs in order; Q, K, V unless given. */
  readonly parts?: string[];
  readonly extraOutputs?: string[];
}

function causalMask(keep: (row: number, key: number) => boolean): DenseTensor {
  return new DenseTensor('bool', [1, 1, S, S], Uint8Array.from({ length: S * S }, (_, i) => (keep(Math.floor(i / S), i % S) ? 1 : 0)));
}

function gpt2Attention(v: Variant = {}): Uint8Array {
  const rng = new Rng(61);
  const heads = (part: string, perm: number[]): NodeSpec[] => [
    { op: 'Reshape', inputs: [part, 'split_heads'], outputs: [`${part}_r`] },
    { op: 'Transpose', inputs: [`${part}_r`], outputs: [`${part}_t`], attributes: { perm: attr.ints(perm) } },
  ];
  const nodes: NodeSpec[] = [
    { op: 'MatMul', inputs: ['x', 'w'], outputs: ['m'] },
    { op: 'Add', inputs: ['m', 'b'], outputs: ['qkv'] },
    { op: 'Split', inputs: ['qkv', 'sizes'], outputs: v.parts ?? ['q', 'k', 'v'], attributes: { axis: attr.int(2) } },
    ...heads('q', [0, 2, 1, 3]),
    ...heads('k', [0, 2, 3, 1]),
    ...heads('v', [0, 2, 1, 3]),
    { op: 'MatMul', inputs: ['q_t', 'k_t'], outputs: ['s'] },
    { op: 'Div', inputs: ['s', 'root'], outputs: ['sd'] },
    { op: 'Where', inputs: v.flipped ? ['causal', 'fill', 'sd'] : ['causal', 'sd', 'fill'], outputs: ['sm'] },
    { op: 'Softmax', inputs: ['sm'], outputs: ['p'], attributes: { axis: attr.int(-1) } },
    { op: 'MatMul', inputs: ['p', 'v_t'], outputs: ['ctx'] },
    { op: 'Transpose', inputs: ['ctx'], outputs: ['ct'], attributes: { perm: attr.ints([0, 2, 1, 3]) } },
    { op: 'Reshape', inputs: ['ct', 'merge'], outputs: ['y'] },
  ];
  const packed = 3 * HIDDEN;
  return buildModel({
    nodes,
    inputs: [{ name: 'x', type: 'float32', shape: [B, S, HIDDEN] }],
    outputs: [{ name: 'y', type: 'float32', shape: [B, S, HIDDEN] }, ...(v.extraOutputs ?? []).map((name) => ({ name, type: 'float32' as const }))],
    initializers: {
      w: randomDense('float32', [HIDDEN, packed], rng, -0.5, 0.5), b: randomDense('float32', [packed], rng, -0.5, 0.5),
      sizes: ints([HIDDEN, HIDDEN, HIDDEN]), split_heads: ints([B, S, HEADS, D]), merge: ints([B, S, HIDDEN]),
      root: scalar(Math.sqrt(D)), causal: causalMask(v.keep ?? (v.flipped ? (row, key) => key > row : (row, key) => key <= row)), fill: scalar(v.fill ?? -3.4028234663852886e38),
    },
  });
}

const feeds = () => ({ x: randomTensor('float32', [B, S, HIDDEN], new Rng(62), -2, 2) });

async function expectNotFused(v: Variant): Promise<void> {
  const bytes = gpt2Attention(v);
  const result = optimize(bytes);
  expect(result.fired.has('FuseAttention'), 'FuseAttention fired').toBe(false);
  await expectSameOutputs(bytes, result.bytes, feeds());
}

describe('FuseAttention, GPT-2 form', () => {
  it('fuses packed QKV + causal Where into one Attention with unidirectional=1', async () => {
    const bytes = gpt2Attention();
    const result = optimize(bytes);
    expect(result.fired.get('FuseAttention')).toBe(1);
    expect(opCounts(result.model.graph)).toEqual({ 'com.microsoft:Attention': 1 });
    const fused = result.model.graph.nodes[0];
    expect(fused.attributes.get('unidirectional')).toEqual({ type: 'int', value: 1 });
    expect(fused.attributes.get('num_heads')).toEqual({ type: 'int', value: HEADS });
    await expectSameOutputs(bytes, result.bytes, feeds());
  });

  it('takes a -10000 fill, as older GPT-2 exports write it, and the flipped Where(above-diagonal, -inf, scores)', async () => {
    for (const variant of [{ fill: -10000 }, { flipped: true, fill: -Infinity }]) {
      const bytes = gpt2Attention(variant);
      const result = optimize(bytes);
      expect(result.fired.get('FuseAttention')).toBe(1);
      await expectSameOutputs(bytes, result.bytes, feeds());
    }
  });

  it('leaves a flipped Where that also masks the diagonal alone', () => expectNotFused({ flipped: true, keep: (row, key) => key >= row }));

  it('leaves a mask that is not causal alone', async () => {
    await expectNotFused({ keep: (row, key) => key < row || row === 0 });
    await expectNotFused({ keep: (row, key) => key >= row });
  });
  it('leaves a fill that does not mask out alone', () => expectNotFused({ fill: -1 }));
  it('takes the packed parts in whatever order the Split gives them', async () => {
    const bytes = gpt2Attention({ parts: ['v', 'q', 'k'] });
    const result = optimize(bytes);
    expect(result.fired.get('FuseAttention')).toBe(1);
    await expectSameOutputs(bytes, result.bytes, feeds());
  });
  it('leaves the pattern alone when a split part or the packed product has another reader', async () => {
    await expectNotFused({ extraOutputs: ['k'] });
    await expectNotFused({ extraOutputs: ['qkv'] });
  });
});
