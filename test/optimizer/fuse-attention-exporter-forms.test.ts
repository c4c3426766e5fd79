/**
 * FuseAttention on the forms real exporters write: timm ViT's packed projection reshaped to
 * [B, S, 3, H, D], transposed to [3, B, H, S, D] and taken apart by Gather, with a symbolic
 * batch; and Whisper's bias-free K projection.
 */
import { describe, expect, it } from 'vitest';
import { DenseTensor, attr, buildModel, type NodeSpec } from '../support/model-builder.js';
import { Rng, randomDense, randomTensor } from '../support/random.js';
import type { Tensor } from '../../src/index.js';
import { expectSameOutputs, opCounts, optimize } from './support.js';

// Odd sizes on purpose: 3 heads of 5, 7 tokens.
const [S, HEADS, D, DIN] = [7, 3, 5, 11];
const HIDDEN = HEADS * D;
const ints = (values: number[]) => new DenseTensor('int64', [values.length], BigInt64Array.from(values, BigInt));
const index = (i: number) => new DenseTensor('int64', [], BigInt64Array.of(BigInt(i)));

interface PackedVariant {
  /** A fixed batch instead of the symbolic 'batch'. */
  readonly batch?: number;
  /** The packing index each of Q, K, V gathers; [0, 1, 2] unless given. */
  readonly parts?: readonly number[];
  /** The scaling constant; a scalar 1/sqrt(D) unless given. */
  readonly scale?: DenseTensor;
  /** The Reshape target's last three dims; [3, H, D] unless given. */
  readonly packing?: readonly number[];
  readonly transposePerm?: readonly number[];
  readonly extraOutputs?: readonly string[];
}

/** timm's Attention.forward as torch.onnx writes it (the Reshape target's batch copied by 0). */
function vitAttention(v: PackedVariant = {}): Uint8Array {
  const rng = new Rng(17);
  const [pq, pk, pv] = v.parts ?? [0, 1, 2];
  const nodes: NodeSpec[] = [
    { op: 'MatMul', inputs: ['x', 'w'], outputs: ['m'] },
    { op: 'Add', inputs: ['m', 'b'], outputs: ['qkv'] },
    { op: 'Reshape', inputs: ['qkv', 'packing'], outputs: ['r'] },
    { op: 'Transpose', inputs: ['r'], outputs: ['t'], attributes: { perm: attr.ints([...(v.transposePerm ?? [2, 0, 3, 1, 4])]) } },
    { op: 'Gather', inputs: ['t', 'iq'], outputs: ['q'], attributes: { axis: attr.int(0) } },
    { op: 'Gather', inputs: ['t', 'ik'], outputs: ['k'], attributes: { axis: attr.int(0) } },
    { op: 'Gather', inputs: ['t', 'iv'], outputs: ['v'], attributes: { axis: attr.int(0) } },
    { op: 'Transpose', inputs: ['k'], outputs: ['kt'], attributes: { perm: attr.ints([0, 1, 3, 2]) } },
    { op: 'MatMul', inputs: ['q', 'kt'], outputs: ['s'] },
    { op: 'Mul', inputs: ['s', 'c'], outputs: ['sc'] },
    { op: 'Softmax', inputs: ['sc'], outputs: ['p'], attributes: { axis: attr.int(-1) } },
    { op: 'MatMul', inputs: ['p', 'v'], outputs: ['ctx'] },
    { op: 'Transpose', inputs: ['ctx'], outputs: ['ct'], attributes: { perm: attr.ints([0, 2, 1, 3]) } },
    { op: 'Reshape', inputs: ['ct', 'merge'], outputs: ['y'] },
  ];
  const batch = v.batch ?? 'batch';
  return buildModel({
    nodes,
    inputs: [{ name: 'x', type: 'float32', shape: [batch, S, DIN] }],
    outputs: [{ name: 'y', type: 'float32', shape: [batch, S, HIDDEN] }, ...(v.extraOutputs ?? []).map((name) => ({ name, type: 'float32' as const }))],
    initializers: {
      w: randomDense('float32', [DIN, 3 * HIDDEN], rng, -0.5, 0.5),
      b: randomDense('float32', [3 * HIDDEN], rng, -0.5, 0.5),
      packing: ints([0, S, ...(v.packing ?? [3, HEADS, D])]),
      merge: ints([0, S, HIDDEN]),
      iq: index(pq),
      ik: index(pk),
      iv: index(pv),
      c: v.scale ?? new DenseTensor('float32', [], Float32Array.of(1 / Math.sqrt(D))),
    },
  });
}

const feeds = (batch: number, din = DIN): Record<string, Tensor> => ({ x: randomTensor('float32', [batch, S, din], new Rng(batch), -2, 2) });

async function expectFused(bytes: Uint8Array, batches: readonly number[], din = DIN): Promise<void> {
  const result = optimize(bytes);
  expect(result.fired.get('FuseAttention'), 'FuseAttention fired').toBe(1);
  expect(opCounts(result.model.graph)).toEqual({ 'com.microsoft:Attention': 1 });
  for (const batch of batches) await expectSameOutputs(bytes, result.bytes, feeds(batch, din));
}

async function expectNotFused(bytes: Uint8Array, batch: number, din = DIN): Promise<void> {
  const result = optimize(bytes);
  expect(result.fired.has('FuseAttention'), 'FuseAttention fired').toBe(false);
  await expectSameOutputs(bytes, result.bytes, feeds(batch, din));
}

describe('FuseAttention: [B, S, 3, H, D] packing taken apart by Gather (timm ViT)', () => {
  it('fuses with a symbolic batch, run at batch 1, 2 and 3', () => expectFused(vitAttention(), [1, 2, 3]));
  it('fuses with a fixed batch', () => expectFused(vitAttention({ batch: 2 }), [2]));
  it('takes the parts in the order the Gathers name them', () => expectFused(vitAttention({ parts: [2, 0, 1] }), [2]));
  it('takes negative Gather indices', () => expectFused(vitAttention({ parts: [-3, -2, -1] }), [2]));

  it('leaves a part gathered twice alone', () => expectNotFused(vitAttention({ parts: [0, 0, 2] }), 2));
  it('leaves a packing with a fourth reader alone', () => expectNotFused(vitAttention({ extraOutputs: ['t'] }), 2));
  it('leaves a Gathered part with a second reader alone', () => expectNotFused(vitAttention({ extraOutputs: ['k'] }), 2));
  it('leaves a per-head scale alone', () =>
    expectNotFused(vitAttention({ scale: new DenseTensor('float32', [1, HEADS, 1, 1], Float32Array.of(0.2, 0.3, 0.4)) }), 2));
  it('leaves a [B, S, H, 3, D] packing alone', () => expectNotFused(vitAttention({ packing: [HEADS, 3, D], transposePerm: [3, 0, 2, 1, 4] }), 2));
});

interface SeparateVariant {
  /** Which projections have no bias Add. */
  readonly bare: readonly ('q' | 'k' | 'v')[];
  /** K's weight a graph input instead of a constant. */
  readonly fedKeyWeight?: boolean;
}

/** Whisper's self-attention: separate Q, K, V projections, K's without bias. */
function whisperAttention(v: SeparateVariant): Uint8Array {
  const rng = new Rng(23);
  const B = 2;
  const projection = (p: 'q' | 'k' | 'v', perm: number[]): NodeSpec[] => [
    { op: 'MatMul', inputs: ['x', `W${p}`], outputs: [v.bare.includes(p) ? `${p}a` : `${p}m`] },
    ...(v.bare.includes(p) ? [] : [{ op: 'Add', inputs: [`${p}m`, `b${p}`], outputs: [`${p}a`] }]),
    { op: 'Reshape', inputs: [`${p}a`, 'split'], outputs: [`${p}r`] },
    { op: 'Transpose', inputs: [`${p}r`], outputs: [`${p}t`], attributes: { perm: attr.ints(perm) } },
  ];
  const initializers: Record<string, DenseTensor> = { split: ints([B, S, HEADS, D]), merge: ints([B, S, HIDDEN]), c: new DenseTensor('float32', [], Float32Array.of(0.37)) };
  for (const p of ['q', 'k', 'v'] as const) {
    if (!(p === 'k' && v.fedKeyWeight)) initializers[`W${p}`] = randomDense('float32', [DIN, HIDDEN], rng, -0.5, 0.5);
    if (!v.bare.includes(p)) initializers[`b${p}`] = randomDense('float32', [HIDDEN], rng, -0.5, 0.5);
  }
  return buildModel({
    nodes: [
      ...projection('q', [0, 2, 1, 3]),
      ...projection('k', [0, 2, 3, 1]),
      ...projection('v', [0, 2, 1, 3]),
      { op: 'MatMul', inputs: ['qt', 'kt'], outputs: ['s'] },
      { op: 'Mul', inputs: ['s', 'c'], outputs: ['sc'] },
      { op: 'Softmax', inputs: ['sc'], outputs: ['p'], attributes: { axis: attr.int(-1) } },
      { op: 'MatMul', inputs: ['p', 'vt'], outputs: ['ctx'] },
      { op: 'Transpose', inputs: ['ctx'], outputs: ['ct'], attributes: { perm: attr.ints([0, 2, 1, 3]) } },
      { op: 'Reshape', inputs: ['ct', 'merge'], outputs: ['y'] },
    ],
    inputs: [{ name: 'x', type: 'float32', shape: [B, S, DIN] }, ...(v.fedKeyWeight ? [{ name: 'Wk', type: 'float32' as const, shape: [DIN, HIDDEN] }] : [])],
    outputs: [{ name: 'y', type: 'float32', shape: [B, S, HIDDEN] }],
    initializers,
  });
}

describe('FuseAttention: projections without bias (Whisper)', () => {
  it('fuses a bias-free K projection, its bias part zeros', () => expectFused(whisperAttention({ bare: ['k'] }), [2]));
  it('fuses when no projection has a bias', () => expectFused(whisperAttention({ bare: ['q', 'k', 'v'] }), [2]));
  it('leaves a K projection whose weight is fed alone', async () => {
    const bytes = whisperAttention({ bare: ['k'], fedKeyWeight: true });
    const result = optimize(bytes);
    expect(result.fired.has('FuseAttention'), 'FuseAttention fired').toBe(false);
    const wk = randomTensor('float32', [DIN, HIDDEN], new Rng(5), -0.5, 0.5);
    await expectSameOutputs(bytes, result.bytes, { ...feeds(2), Wk: wk });
  });
});
