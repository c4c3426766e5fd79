/** FuseAttention: BERT-style self-attention subgraphs into com.microsoft Attention. */
import { describe, expect, it } from 'vitest';
import { DenseTensor, attr, buildModel, type NodeSpec } from '../support/model-builder.js';
import { Rng, randomDense, randomTensor } from '../support/random.js';
import { Tensor } from '../../src/index.js';
import { expectSameOutputs, opCounts, optimize } from './support.js';

const [B, S, HIDDEN, HEADS] = [2, 5, 8, 2];
const D = HIDDEN / HEADS;
const ints = (values: number[]) => new DenseTensor('int64', [values.length], BigInt64Array.from(values, BigInt));
const scalar = (v: number) => new DenseTensor('float32', [], Float32Array.of(v));

interface Variant {
  readonly mask?: boolean;
  /** The target of the three head-splitting Reshapes; [B, S, H, D] unless given. */
  readonly split?: number[];
  readonly softmaxAxis?: number;
  /** The scaling of Q·Kᵀ. */
  readonly scale?: { op: 'Div' | 'Mul'; value: number };
  /** Extra graph outputs (intermediates given a second reader). */
  readonly extraOutputs?: string[];
}

function attentionModel(v: Variant = {}): Uint8Array {
  const rng = new Rng(3);
  const projection = (p: string, perm: number[]): NodeSpec[] => [
    { op: 'MatMul', inputs: ['x', `W${p}`], outputs: [`${p}m`] },
    { op: 'Add', inputs: [`${p}m`, `b${p}`], outputs: [`${p}a`] },
    { op: 'Reshape', inputs: [`${p}a`, 'split'], outputs: [`${p}r`] },
    { op: 'Transpose', inputs: [`${p}r`], outputs: [`${p}t`], attributes: { perm: attr.ints(perm) } },
  ];
  const scale = v.scale ?? { op: 'Div', value: Math.sqrt(D) };
  const nodes: NodeSpec[] = [
    ...projection('q', [0, 2, 1, 3]),
    ...projection('k', [0, 2, 3, 1]),
    ...projection('v', [0, 2, 1, 3]),
    { op: 'MatMul', inputs: ['qt', 'kt'], outputs: ['s'] },
    { op: scale.op, inputs: ['s', 'c'], outputs: ['sd'] },
    ...(v.mask ? [{ op: 'Add', inputs: ['sd', 'mask'], outputs: ['sm'] }] : []),
    { op: 'Softmax', inputs: [v.mask ? 'sm' : 'sd'], outputs: ['p'], attributes: { axis: attr.int(v.softmaxAxis ?? -1) } },
    { op: 'MatMul', inputs: ['p', 'vt'], outputs: ['ctx'] },
    { op: 'Transpose', inputs: ['ctx'], outputs: ['ct'], attributes: { perm: attr.ints([0, 2, 1, 3]) } },
    { op: 'Reshape', inputs: ['ct', 'merge'], outputs: ['y'] },
  ];
  const initializers: Record<string, DenseTensor> = { split: ints(v.split ?? [B, S, HEADS, D]), merge: ints([B, S, HIDDEN]), c: scalar(scale.value) };
  for (const p of ['q', 'k', 'v']) {
    initializers[`W${p}`] = randomDense('float32', [HIDDEN, HIDDEN], rng, -0.5, 0.5);
    initializers[`b${p}`] = randomDense('float32', [HIDDEN], rng, -0.5, 0.5);
  }
  return buildModel({
    nodes,
    inputs: [{ name: 'x', type: 'float32', shape: [B, S, HIDDEN] }, ...(v.mask ? [{ name: 'mask', type: 'float32' as const, shape: [B, 1, 1, S] }] : [])],
    outputs: [{ name: 'y', type: 'float32', shape: [B, S, HIDDEN] }, ...(v.extraOutputs ?? []).map((name) => ({ name, type: 'float32' as const }))],
    initializers,
  });
}

function feeds(mask: boolean): Record<string, Tensor> {
  const x = randomTensor('float32', [B, S, HIDDEN], new Rng(11), -2, 2);
  if (!mask) return { x };
  // Batch 0 attends to every key, batch 1 to the first three; masked keys get -10000.
  const m = Float32Array.from({ length: B * S }, (_, i) => (Math.floor(i / S) === 1 && i % S >= 3 ? -10000 : 0));
  return { x, mask: new Tensor('float32', m, [B, 1, 1, S]) };
}

async function expectFused(v: Variant, counts: Record<string, number>): Promise<void> {
  const bytes = attentionModel(v);
  const result = optimize(bytes);
  expect(result.fired.get('FuseAttention'), 'FuseAttention fired').toBe(1);
  expect(opCounts(result.model.graph)).toEqual(counts);
  const fused = result.model.graph.nodes.find((n) => n.opType === 'Attention');
  // The constant is float32: the attribute holds exactly its factor.
  const c = Math.fround(v.scale?.value ?? Math.sqrt(D));
  const expectedScale = v.scale?.op === 'Mul' ? c : 1 / c;
  expect(fused?.attributes.get('num_heads')).toEqual({ type: 'int', value: HEADS });
  expect(fused?.attributes.get('scale')).toEqual({ type: 'float', value: expectedScale });
  await expectSameOutputs(bytes, result.bytes, feeds(v.mask ?? false));
}

async function expectNotFused(v: Variant): Promise<void> {
  const bytes = attentionModel(v);
  const result = optimize(bytes);
  expect(result.fired.has('FuseAttention'), 'FuseAttention fired').toBe(false);
  expect(result.model.graph.nodes.some((n) => n.opType === 'Attention')).toBe(false);
  await expectSameOutputs(bytes, result.bytes, feeds(v.mask ?? false));
}

describe('FuseAttention', () => {
  it('fuses unmasked self-attention (18 nodes) into one Attention', () => expectFused({}, { 'com.microsoft:Attention': 1 }));
  it('fuses masked self-attention (19 nodes), the [B, 1, 1, S] mask expanded into attention_bias', () =>
    expectFused({ mask: true }, { 'com.microsoft:Attention': 1, Expand: 1 }));
  it('takes the softmax scale from a Mul constant exactly', () =>
    expectFused({ mask: true, scale: { op: 'Mul', value: 0.3 } }, { 'com.microsoft:Attention': 1, Expand: 1 }));
  it('takes the softmax scale from a non-standard Div constant exactly', () =>
    expectFused({ scale: { op: 'Div', value: 2.5 } }, { 'com.microsoft:Attention': 1 }));

  it('leaves a Reshape that does not split heads alone', () => expectNotFused({ split: [B, HEADS, S, D] }));
  it('leaves a Softmax over another axis alone', () => expectNotFused({ mask: true, softmaxAxis: 2 }));
  it('leaves the pattern alone when an intermediate has a second reader', () => expectNotFused({ mask: true, extraOutputs: ['p'] }));
  it('leaves the pattern alone when a projection has a second reader', () => expectNotFused({ extraOutputs: ['ka'] }));
});
