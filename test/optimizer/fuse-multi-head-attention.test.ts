/** FuseMultiHeadAttention: cross-attention (keys and values from another sequence) into com.microsoft MultiHeadAttention. */
import { describe, expect, it } from 'vitest';
import { DenseTensor, attr, buildModel, type NodeSpec } from '../support/model-builder.js';
import { Rng, randomDense, randomTensor } from '../support/random.js';
import type { Tensor } from '../../src/index.js';
import { expectSameOutputs, opCounts, optimize } from './support.js';

// Odd sizes: 5 queries over 9 keys, 3 heads of 3 (values 5 wide), inputs 7 wide.
const [S, L, HEADS, D, DV, DIN] = [5, 9, 3, 3, 5, 7];
const ints = (values: number[]) => new DenseTensor('int64', [values.length], BigInt64Array.from(values, BigInt));

interface Variant {
  /** A fixed batch instead of the symbolic 'batch'. */
  readonly batch?: number;
  /** K and V projected from the decoder's own input: self-attention, FuseAttention's job. */
  readonly selfAttention?: boolean;
  readonly scale?: { op: 'Mul' | 'Div'; value: DenseTensor };
  readonly extraOutputs?: readonly string[];
  readonly softmaxAxis?: number;
}

/** Whisper's decoder cross-attention as torch.onnx writes it, the Reshape targets' batch copied by 0. */
function crossAttention(v: Variant = {}): Uint8Array {
  const rng = new Rng(29);
  const memory = v.selfAttention ? 'x' : 'memory';
  const seq = v.selfAttention ? S : L;
  // FuseAttention takes only values as wide as the queries.
  const dv = v.selfAttention ? D : DV;
  const heads = (p: string, from: string, perm: readonly number[]): NodeSpec[] => [
    { op: 'MatMul', inputs: [from, `W${p}`], outputs: [`${p}m`] },
    { op: 'Add', inputs: [`${p}m`, `b${p}`], outputs: [`${p}a`] },
    { op: 'Reshape', inputs: [`${p}a`, `split_${p}`], outputs: [`${p}r`] },
    { op: 'Transpose', inputs: [`${p}r`], outputs: [`${p}t`], attributes: { perm: attr.ints([...perm]) } },
  ];
  const scale = v.scale ?? { op: 'Mul', value: new DenseTensor('float32', [], Float32Array.of(1 / Math.sqrt(D))) };
  const batch = v.batch ?? 'batch';
  return buildModel({
    nodes: [
      ...heads('q', 'x', [0, 2, 1, 3]),
      ...heads('k', memory, [0, 2, 3, 1]),
      ...heads('v', memory, [0, 2, 1, 3]),
      { op: 'MatMul', inputs: ['qt', 'kt'], outputs: ['s'] },
      { op: scale.op, inputs: ['s', 'c'], outputs: ['sc'] },
      { op: 'Softmax', inputs: ['sc'], outputs: ['p'], attributes: { axis: attr.int(v.softmaxAxis ?? -1) } },
      { op: 'MatMul', inputs: ['p', 'vt'], outputs: ['ctx'] },
      { op: 'Transpose', inputs: ['ctx'], outputs: ['ct'], attributes: { perm: attr.ints([0, 2, 1, 3]) } },
      { op: 'Reshape', inputs: ['ct', 'merge'], outputs: ['y'] },
    ],
    inputs: [{ name: 'x', type: 'float32', shape: [batch, S, DIN] }, ...(v.selfAttention ? [] : [{ name: 'memory', type: 'float32' as const, shape: [batch, L, DIN] }])],
    outputs: [{ name: 'y', type: 'float32', shape: [batch, S, HEADS * dv] }, ...(v.extraOutputs ?? []).map((name) => ({ name, type: 'float32' as const }))],
    initializers: {
      Wq: randomDense('float32', [DIN, HEADS * D], rng, -0.5, 0.5),
      bq: randomDense('float32', [HEADS * D], rng, -0.5, 0.5),
      Wk: randomDense('float32', [DIN, HEADS * D], rng, -0.5, 0.5),
      bk: randomDense('float32', [HEADS * D], rng, -0.5, 0.5),
      Wv: randomDense('float32', [DIN, HEADS * dv], rng, -0.5, 0.5),
      bv: randomDense('float32', [HEADS * dv], rng, -0.5, 0.5),
      split_q: ints([0, S, HEADS, D]),
      split_k: ints([0, seq, HEADS, D]),
      split_v: ints([0, seq, HEADS, dv]),
      merge: ints([0, S, HEADS * dv]),
      c: scale.value,
    },
  });
}

function feeds(batch: number, selfAttention = false): Record<string, Tensor> {
  const x = randomTensor('float32', [batch, S, DIN], new Rng(batch), -2, 2);
  return selfAttention ? { x } : { x, memory: randomTensor('float32', [batch, L, DIN], new Rng(batch + 10), -2, 2) };
}

async function expectFused(v: Variant, batches: readonly number[], scale: number): Promise<void> {
  const bytes = crossAttention(v);
  const result = optimize(bytes);
  expect(result.fired.get('FuseMultiHeadAttention'), 'FuseMultiHeadAttention fired').toBe(1);
  expect(opCounts(result.model.graph)).toEqual({ MatMul: 3, Add: 3, 'com.microsoft:MultiHeadAttention': 1 });
  const fused = result.model.graph.nodes.find((n) => n.opType === 'MultiHeadAttention');
  expect(fused?.attributes.get('num_heads')).toEqual({ type: 'int', value: HEADS });
  expect(fused?.attributes.get('scale')).toEqual({ type: 'float', value: scale });
  for (const batch of batches) await expectSameOutputs(bytes, result.bytes, feeds(batch));
}

async function expectNotFused(v: Variant): Promise<void> {
  const bytes = crossAttention(v);
  const result = optimize(bytes);
  expect(result.fired.has('FuseMultiHeadAttention'), 'FuseMultiHeadAttention fired').toBe(false);
  await expectSameOutputs(bytes, result.bytes, feeds(2, v.selfAttention));
}

const scalar = (value: number) => new DenseTensor('float32', [], Float32Array.of(value));

describe('FuseMultiHeadAttention', () => {
  it('fuses cross-attention with a symbolic batch, run at batch 1 and 3', () => expectFused({}, [1, 3], Math.fround(1 / Math.sqrt(D))));
  it('fuses cross-attention with a fixed batch', () => expectFused({ batch: 2 }, [2], Math.fround(1 / Math.sqrt(D))));
  it('takes a Div scale exactly', () => expectFused({ batch: 2, scale: { op: 'Div', value: scalar(2.5) } }, [2], 1 / Math.fround(2.5)));

  it('leaves self-attention to FuseAttention', async () => {
    const result = optimize(crossAttention({ selfAttention: true }));
    expect(result.fired.has('FuseMultiHeadAttention')).toBe(false);
    expect(result.fired.get('FuseAttention')).toBe(1);
    await expectSameOutputs(crossAttention({ selfAttention: true }), result.bytes, feeds(1, true));
  });
  it('leaves a per-head scale alone', () => expectNotFused({ scale: { op: 'Mul', value: new DenseTensor('float32', [1, HEADS, 1, 1], Float32Array.of(0.2, 0.3, 0.4)) } }));
  it('leaves the pattern alone when the probabilities have a second reader', () => expectNotFused({ extraOutputs: ['p'] }));
  it('leaves the pattern alone when split heads have a second reader', () => expectNotFused({ extraOutputs: ['kr'] }));
  it('leaves a Softmax over the query axis alone', () => expectNotFused({ softmaxAxis: 2 }));
});
