/**
 * FuseAttention on DistilBERT's self-attention as torch.onnx exports it with dynamic batch and
 * sequence: head reshapes to targets built from Shape, Q divided by √d before Q·Kᵀ, and the
 * padding mask as masked_fill writes it (Where(Expand(mask == 0 as [B, 1, 1, S], Shape(scores)),
 * finfo.min, scores)). The fused model must match at batch sizes and sequence lengths other
 * than any it was optimized for, fully padded rows included.
 */
import { describe, expect, it } from 'vitest';
import { Tensor } from '../../src/index.js';
import { DenseTensor, attr, buildModel, type NodeSpec } from '../support/model-builder.js';
import { Rng, randomDense, randomTensor } from '../support/random.js';
import { expectSameOutputs, opCounts, optimize } from './support.js';

// Odd sizes on purpose: 3 heads of 5, input width 11.
const [HEADS, D, DIN] = [3, 5, 11];
const HIDDEN = HEADS * D;
const FLOAT_MIN = -3.4028234663852886e38;
const ints = (values: number[]) => new DenseTensor('int64', [values.length], BigInt64Array.from(values, BigInt));
const scalarInt = (v: number) => new DenseTensor('int64', [], BigInt64Array.of(BigInt(v)));
const scalar = (v: number) => new DenseTensor('float32', [], Float32Array.of(v));

interface Variant {
  /** The masked_fill value; finfo.min unless given. */
  readonly fill?: number;
  /** Where(condition, scores, fill): the fill where the condition is false. */
  readonly swapped?: boolean;
  /** The bool mask straight into Where, without Expand to Shape(scores). */
  readonly unexpanded?: boolean;
  /** The mask viewed as [B, 1, S, 1] (per query, not per key). */
  readonly perQuery?: boolean;
  /** Q multiplied by 1/√d instead of divided by √d. */
  readonly multipliedQuery?: boolean;
  /** Q scaled per head ([1, H, 1, 1]) instead of by a scalar. */
  readonly perHeadScale?: boolean;
  readonly extraOutputs?: readonly string[];
}

function projection(p: 'q' | 'k' | 'v', perm: number[]): NodeSpec[] {
  return [
    { op: 'MatMul', inputs: ['x', `W${p}`], outputs: [`${p}m`] },
    { op: 'Add', inputs: [`${p}m`, `b${p}`], outputs: [`${p}a`] },
    { op: 'Reshape', inputs: [`${p}a`, 'split'], outputs: [`${p}r`] },
    { op: 'Transpose', inputs: [`${p}r`], outputs: [`${p}t`], attributes: { perm: attr.ints(perm) } },
  ];
}

function distilbertAttention(v: Variant = {}): Uint8Array {
  const rng = new Rng(31);
  const maskDims = v.perQuery ? ['one', 'one', 'seq', 'one'] : ['one', 'one', 'one', 'seq'];
  const nodes: NodeSpec[] = [
    { op: 'Shape', inputs: ['x'], outputs: ['xs'] },
    { op: 'Gather', inputs: ['xs', 'i0'], outputs: ['b'], attributes: { axis: attr.int(0) } },
    { op: 'Gather', inputs: ['xs', 'i1'], outputs: ['s'], attributes: { axis: attr.int(0) } },
    { op: 'Unsqueeze', inputs: ['b', 'axis0'], outputs: ['bu'] },
    { op: 'Unsqueeze', inputs: ['s', 'axis0'], outputs: ['su'] },
    { op: 'Concat', inputs: ['bu', 'minus1', 'heads', 'size'], outputs: ['split'], attributes: { axis: attr.int(0) } },
    { op: 'Concat', inputs: ['bu', 'minus1', 'hidden'], outputs: ['merge'], attributes: { axis: attr.int(0) } },
    { op: 'Concat', inputs: maskDims.map((d) => (d === 'one' ? 'one' : 'su')).map((d, i) => (i === 0 ? 'bu' : d)), outputs: ['maskShape'], attributes: { axis: attr.int(0) } },
    { op: 'Equal', inputs: ['mask', 'zero'], outputs: ['padding'] },
    { op: 'Reshape', inputs: ['padding', 'maskShape'], outputs: ['padded'] },
    ...projection('q', [0, 2, 1, 3]),
    { op: v.multipliedQuery ? 'Mul' : 'Div', inputs: ['qt', 'root'], outputs: ['qs'] },
    ...projection('k', [0, 2, 3, 1]),
    ...projection('v', [0, 2, 1, 3]),
    { op: 'MatMul', inputs: ['qs', 'kt'], outputs: ['scores'] },
    { op: 'Shape', inputs: ['scores'], outputs: ['scoresShape'] },
    ...(v.unexpanded ? [] : [{ op: 'Expand', inputs: ['padded', 'scoresShape'], outputs: ['condition'] }]),
    { op: 'Where', inputs: [v.unexpanded ? 'padded' : 'condition', ...(v.swapped ? ['scores', 'fill'] : ['fill', 'scores'])], outputs: ['masked'] },
    { op: 'Softmax', inputs: ['masked'], outputs: ['p'], attributes: { axis: attr.int(-1) } },
    { op: 'MatMul', inputs: ['p', 'vt'], outputs: ['ctx'] },
    { op: 'Transpose', inputs: ['ctx'], outputs: ['ct'], attributes: { perm: attr.ints([0, 2, 1, 3]) } },
    { op: 'Reshape', inputs: ['ct', 'merge'], outputs: ['y'] },
  ];
  const initializers: Record<string, DenseTensor> = {
    i0: scalarInt(0), i1: scalarInt(1), axis0: ints([0]), minus1: ints([-1]), one: ints([1]),
    heads: ints([HEADS]), size: ints([D]), hidden: ints([HIDDEN]), zero: scalarInt(0),
    root: v.perHeadScale ? new DenseTensor('float32', [1, HEADS, 1, 1], Float32Array.of(2, 3, 4)) : scalar(v.multipliedQuery ? 1 / Math.sqrt(D) : Math.sqrt(D)), fill: scalar(v.fill ?? FLOAT_MIN),
  };
  for (const p of ['q', 'k', 'v']) {
    initializers[`W${p}`] = randomDense('float32', [DIN, HIDDEN], rng, -0.5, 0.5);
    initializers[`b${p}`] = randomDense('float32', [HIDDEN], rng, -0.5, 0.5);
  }
  return buildModel({
    nodes,
    inputs: [{ name: 'x', type: 'float32', shape: ['batch', 'sequence', DIN] }, { name: 'mask', type: 'int64', shape: ['batch', 'sequence'] }],
    outputs: [{ name: 'y', type: 'float32', shape: ['batch', 'sequence', HIDDEN] }, ...(v.extraOutputs ?? []).map((name) => ({ name, type: 'float32' as const }))],
    initializers,
  });
}

/** x at [batch, seq], and a random 0/1 mask whose first row is all padding. */
function feeds(batch: number, seq: number): Record<string, Tensor> {
  const rng = new Rng(batch * 100 + seq);
  const mask = BigInt64Array.from({ length: batch * seq }, (_, i) => (i < seq ? 0n : BigInt(rng.uniform(0, 1) < 0.3 ? 0 : 1)));
  return { x: randomTensor('float32', [batch, seq, DIN], rng, -2, 2), mask: new Tensor('int64', mask, [batch, seq]) };
}

const SIZES: readonly [number, number][] = [[1, 1], [2, 7], [3, 4], [1, 13]];

async function expectFused(bytes: Uint8Array): Promise<void> {
  const result = optimize(bytes);
  expect(result.fired.get('FuseAttention'), 'FuseAttention fired').toBe(1);
  const counts = opCounts(result.model.graph);
  expect(counts['com.microsoft:Attention']).toBe(1);
  expect(counts.Softmax ?? 0).toBe(0);
  for (const [batch, seq] of SIZES) await expectSameOutputs(bytes, result.bytes, feeds(batch, seq));
}

async function expectNotFused(bytes: Uint8Array): Promise<void> {
  const result = optimize(bytes);
  expect(result.fired.has('FuseAttention'), 'FuseAttention fired').toBe(false);
  await expectSameOutputs(bytes, result.bytes, feeds(2, 7));
}

describe('FuseAttention: masked_fill padding masks with dynamic batch and sequence (DistilBERT)', () => {
  it('fuses, run at batch and sequence sizes it never saw', () => expectFused(distilbertAttention()));
  it('fuses a mask used without Expand', () => expectFused(distilbertAttention({ unexpanded: true })));
  it('fuses a fill of -1e30', () => expectFused(distilbertAttention({ fill: -1e30 })));
  it('fuses Q multiplied by 1/√d', () => expectFused(distilbertAttention({ multipliedQuery: true })));

  it('leaves a fill of -10000 alone (a fully padded row would differ)', () => expectNotFused(distilbertAttention({ fill: -10000 })));
  it('leaves a fill of -Infinity alone', () => expectNotFused(distilbertAttention({ fill: -Infinity })));
  it('leaves a Where that keeps the padding alone', () => expectNotFused(distilbertAttention({ swapped: true })));
  it('leaves a per-query mask alone', () => expectNotFused(distilbertAttention({ perQuery: true })));
  it('leaves Q scaled per head alone', () => expectNotFused(distilbertAttention({ perHeadScale: true })));
  it('leaves scores with another reader alone', () => expectNotFused(distilbertAttention({ extraOutputs: ['scores'] })));
  it('leaves a scaled Q with another reader alone', () => expectNotFused(distilbertAttention({ extraOutputs: ['qs'] })));
});
