/** FuseConcatenatedHeadsAttention: attention written one head at a time (nanoGPT, chessgpt), the heads concatenated, into one Attention. */
import { describe, expect, it } from 'vitest';
import { DenseTensor, attr, buildModel, type NodeSpec } from '../support/model-builder.js';
import { Rng, randomDense, randomTensor } from '../support/random.js';
import { expectSameOutputs, opCounts, optimize } from './support.js';

// Odd sizes: 3 heads of 2 over 7 tokens, inputs 5 wide.
const [B, S, HEADS, D, DIN] = [2, 7, 3, 2, 5];

interface Variant {
  readonly causal?: boolean;
  /** The Where condition's truth per (row, key); true above the diagonal (masked_fill(tril == 0)) unless given. */
  readonly dropped?: (row: number, key: number) => boolean;
  readonly fill?: number;
  readonly biases?: boolean;
  /** Scale of each head; 1/sqrt(D) for all unless given. */
  readonly scales?: readonly number[];
  /** Head 1 reads this input instead of x. */
  readonly otherInput?: boolean;
  readonly extraOutputs?: readonly string[];
}

function headsModel(v: Variant = {}): Uint8Array {
  const rng = new Rng(41);
  const initializers: Record<string, DenseTensor> = {};
  const nodes: NodeSpec[] = [];
  const dropped = v.dropped ?? ((row: number, key: number) => key > row);
  initializers.dropped = new DenseTensor('bool', [S, S], Uint8Array.from({ length: S * S }, (_, i) => (dropped(Math.floor(i / S), i % S) ? 1 : 0)));
  initializers.fill = new DenseTensor('float32', [], Float32Array.of(v.fill ?? -Infinity));
  for (let h = 0; h < HEADS; h++) {
    const from = v.otherInput && h === 1 ? 'x2' : 'x';
    for (const p of ['q', 'k', 'v']) {
      initializers[`W${p}${h}`] = randomDense('float32', [DIN, D], rng, -0.8, 0.8);
      if (v.biases) {
        initializers[`b${p}${h}`] = randomDense('float32', [D], rng, -0.5, 0.5);
        nodes.push({ op: 'MatMul', inputs: [from, `W${p}${h}`], outputs: [`${p}${h}m`] }, { op: 'Add', inputs: [`${p}${h}m`, `b${p}${h}`], outputs: [`${p}${h}`] });
      } else nodes.push({ op: 'MatMul', inputs: [from, `W${p}${h}`], outputs: [`${p}${h}`] });
    }
    initializers[`c${h}`] = new DenseTensor('float32', [], Float32Array.of(v.scales?.[h] ?? 1 / Math.sqrt(D)));
    nodes.push(
      { op: 'Transpose', inputs: [`k${h}`], outputs: [`kt${h}`], attributes: { perm: attr.ints([0, 2, 1]) } },
      { op: 'MatMul', inputs: [`q${h}`, `kt${h}`], outputs: [`s${h}`] },
      { op: 'Mul', inputs: [`s${h}`, `c${h}`], outputs: [`sc${h}`] },
      ...(v.causal ? [{ op: 'Where', inputs: ['dropped', 'fill', `sc${h}`], outputs: [`sm${h}`] }] : []),
      { op: 'Softmax', inputs: [v.causal ? `sm${h}` : `sc${h}`], outputs: [`p${h}`], attributes: { axis: attr.int(-1) } },
      { op: 'MatMul', inputs: [`p${h}`, `v${h}`], outputs: [`y${h}`] },
    );
  }
  nodes.push({ op: 'Concat', inputs: Array.from({ length: HEADS }, (_, h) => `y${h}`), outputs: ['y'], attributes: { axis: attr.int(-1) } });
  return buildModel({
    nodes,
    inputs: [{ name: 'x', type: 'float32', shape: [B, S, DIN] }, ...(v.otherInput ? [{ name: 'x2', type: 'float32' as const, shape: [B, S, DIN] }] : [])],
    outputs: [{ name: 'y', type: 'float32', shape: [B, S, HEADS * D] }, ...(v.extraOutputs ?? []).map((name) => ({ name, type: 'float32' as const }))],
    initializers,
  });
}

const feeds = (v: Variant) => ({
  x: randomTensor('float32', [B, S, DIN], new Rng(3), -2, 2),
  ...(v.otherInput ? { x2: randomTensor('float32', [B, S, DIN], new Rng(4), -2, 2) } : {}),
});

async function expectFused(v: Variant): Promise<void> {
  const bytes = headsModel(v);
  const result = optimize(bytes);
  expect(result.fired.get('FuseConcatenatedHeadsAttention'), 'FuseConcatenatedHeadsAttention fired').toBe(1);
  expect(opCounts(result.model.graph)).toEqual({ 'com.microsoft:Attention': 1 });
  const fused = result.model.graph.nodes.find((n) => n.opType === 'Attention');
  expect(fused?.attributes.get('num_heads')).toEqual({ type: 'int', value: HEADS });
  expect(fused?.attributes.get('unidirectional')).toEqual(v.causal ? { type: 'int', value: 1 } : undefined);
  await expectSameOutputs(bytes, result.bytes, feeds(v));
}

async function expectNotFused(v: Variant): Promise<void> {
  const bytes = headsModel(v);
  const result = optimize(bytes);
  expect(result.fired.has('FuseConcatenatedHeadsAttention'), 'FuseConcatenatedHeadsAttention fired').toBe(false);
  await expectSameOutputs(bytes, result.bytes, feeds(v));
}

describe('FuseConcatenatedHeadsAttention', () => {
  it('fuses causal heads masked by Where(above diagonal, -inf, scores)', () => expectFused({ causal: true }));
  it('fuses unmasked heads with biased projections', () => expectFused({ biases: true }));
  it('fuses with a fill of -10000', () => expectFused({ causal: true, fill: -10000 }));

  it('leaves heads with different scales alone', () => expectNotFused({ scales: [0.5, 0.7, 0.5] }));
  it('leaves heads reading different inputs alone', () => expectNotFused({ otherInput: true }));
  it('leaves a mask that is not causal alone', () => expectNotFused({ causal: true, dropped: (row, key) => key > row + 1 }));
  it('leaves a fill the kernel would not match alone', () => expectNotFused({ causal: true, fill: -100 }));
  it('leaves heads whose probabilities have a second reader alone', () => expectNotFused({ causal: true, extraOutputs: ['p1'] }));
});
