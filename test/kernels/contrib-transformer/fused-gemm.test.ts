import { describe, expect, it } from 'vitest';
import { attr, type AttributeValue } from '../../support/model-builder.js';
import { expectCaseMatches, runCase, tensors, type NodeCase } from './contrib-case.js';

const activations: [string, Record<string, AttributeValue>][] = [
  ['Relu', { activation: attr.string('Relu') }],
  ['Tanh', { activation: attr.string('Tanh') }],
  ['Sigmoid', { activation: attr.string('Sigmoid') }],
  ['LeakyRelu', { activation: attr.string('LeakyRelu'), activation_alpha: attr.float(0.15) }],
  ['HardSigmoid', { activation: attr.string('HardSigmoid'), activation_alpha: attr.float(0.3), activation_beta: attr.float(0.45) }],
];

interface GemmCase {
  readonly m: number;
  readonly k: number;
  readonly n: number;
  readonly transA?: boolean;
  readonly transB?: boolean;
  /** C's shape, or none. */
  readonly c?: readonly number[];
  readonly alpha?: number;
  readonly beta?: number;
}

const gemms: [string, GemmCase][] = [
  ['odd sizes, row bias', { m: 7, k: 13, n: 9, c: [9] }],
  ['transposed A and B, full C, alpha and beta', { m: 5, k: 17, n: 11, transA: true, transB: true, c: [5, 11], alpha: 0.7, beta: -1.3 }],
  ['column C broadcast', { m: 6, k: 3, n: 10, transB: true, c: [6, 1] }],
  ['no C', { m: 33, k: 20, n: 37 }],
  ['one row (a batch-1 classifier layer)', { m: 1, k: 64, n: 19, transB: true, c: [19] }],
  ['empty M', { m: 0, k: 5, n: 4, c: [4] }],
];

function gemmCase(g: GemmCase, activation: Record<string, AttributeValue>, seed: number): NodeCase {
  const t = tensors(seed);
  return {
    op: 'FusedGemm',
    inputs: [
      ['a', t.float(g.transA ? [g.k, g.m] : [g.m, g.k], 'float32', -2, 2)],
      ['b', t.float(g.transB ? [g.n, g.k] : [g.k, g.n])],
      g.c ? ['c', t.float(g.c)] : null,
    ],
    outputs: [['y', 'float32']],
    attributes: {
      transA: attr.int(g.transA ? 1 : 0), transB: attr.int(g.transB ? 1 : 0),
      alpha: attr.float(g.alpha ?? 1), beta: attr.float(g.beta ?? 1), ...activation,
    },
  };
}

describe('FusedGemm', () => {
  describe.each(activations)('%s', (_, activation) => {
    it.each(gemms)('%s matches onnxruntime', async (__, g) => {
      await expectCaseMatches(gemmCase(g, activation, g.m * 31 + g.k * 7 + g.n));
    });
  });

  // onnxruntime's FusedGemm requires an activation and its parameters; ours takes the ai.onnx ops' defaults.
  it('without an activation is Gemm, and LeakyRelu and HardSigmoid default as the ai.onnx ops do', async () => {
    const g = gemms[1][1];
    await expectCaseMatches({ ...gemmCase(g, {}, 3), op: 'Gemm', domain: '' }, undefined, 'Gemm');
    const plain = await runCase(gemmCase(g, {}, 3));
    const gemm = await runCase({ ...gemmCase(g, {}, 3), op: 'Gemm', domain: '' });
    expect(Array.from(plain.y.data as Float32Array)).toEqual(Array.from(gemm.y.data as Float32Array));
    const defaults: [Record<string, AttributeValue>, Record<string, AttributeValue>][] = [
      [{ activation: attr.string('LeakyRelu') }, { activation: attr.string('LeakyRelu'), activation_alpha: attr.float(0.01) }],
      [{ activation: attr.string('HardSigmoid') }, { activation: attr.string('HardSigmoid'), activation_alpha: attr.float(0.2), activation_beta: attr.float(0.5) }],
    ];
    for (const [implicit, explicit] of defaults) {
      const a = await runCase(gemmCase(g, implicit, 4));
      const b = await runCase(gemmCase(g, explicit, 4));
      expect(Array.from(a.y.data as Float32Array)).toEqual(Array.from(b.y.data as Float32Array));
    }
  });

  it('rejects an activation it does not apply, naming the attribute', async () => {
    const c = gemmCase(gemms[0][1], { activation: attr.string('Gelu') }, 1);
    await expect(runCase(c)).rejects.toThrow(/activation.*Gelu/);
  });
});
