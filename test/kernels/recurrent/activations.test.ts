/** Every activation function in every slot of each op, with explicit and default parameters. */
import { describe, it } from 'vitest';
import { attr, type AttributeValue } from '../../support/model-builder.js';
import { Rng } from '../../support/random.js';
import { randomSizes, type RecurrentOp } from './recurrent-case.js';
import { expectCaseMatchesOnnxruntime } from './recurrent-oracle.js';

/** Name, then the alpha and beta it takes (empty where it takes none). */
const FUNCTIONS: [string, number[], number[]][] = [
  ['Relu', [], []],
  ['Tanh', [], []],
  ['Sigmoid', [], []],
  ['Affine', [0.8], [0.1]],
  ['LeakyRelu', [0.05], []],
  ['ThresholdedRelu', [0.3], []],
  ['ScaledTanh', [0.9], [1.3]],
  ['HardSigmoid', [0.3], [0.4]],
  ['Elu', [0.7], []],
  ['Softsign', [], []],
  ['Softplus', [], []],
];

const DEFAULTS: Record<RecurrentOp, string[]> = {
  RNN: ['Tanh'],
  GRU: ['Sigmoid', 'Tanh'],
  LSTM: ['Sigmoid', 'Tanh', 'Tanh'],
};

function activationAttributes(names: string[], alphas: number[], betas: number[]): Record<string, AttributeValue> {
  return {
    activations: attr.strings(names),
    ...(alphas.length > 0 ? { activation_alpha: attr.floats(alphas) } : {}),
    ...(betas.length > 0 ? { activation_beta: attr.floats(betas) } : {}),
  };
}

describe.each(FUNCTIONS)('%s', (name, alphas, betas) => {
  for (const op of ['RNN', 'GRU', 'LSTM'] as RecurrentOp[]) {
    it.each(DEFAULTS[op].map((_, slot) => slot))(`${op}, function %i`, async (slot) => {
      const rng = new Rng(3000 + slot);
      const names = DEFAULTS[op].map((d, i) => (i === slot ? name : d));
      await expectCaseMatchesOnnxruntime({
        op, direction: 'forward', ...randomSizes(rng), bias: true, initialStates: true,
        attributes: activationAttributes(names, alphas, betas),
      }, rng);
    });
  }
});

it('parameters are consumed in order by the functions that take them', async () => {
  const rng = new Rng(3100);
  await expectCaseMatchesOnnxruntime({
    op: 'LSTM', direction: 'bidirectional', ...randomSizes(rng), bias: true,
    attributes: activationAttributes(
      ['HardSigmoid', 'Relu', 'LeakyRelu', 'Affine', 'ScaledTanh', 'Elu'],
      [0.25, 0.02, 0.9, 1.1, 0.6],
      [0.45, 0.05, 0.8],
    ),
  }, rng);
});

it('parameters left out take the operators\' defaults', async () => {
  const rng = new Rng(3200);
  await expectCaseMatchesOnnxruntime({
    op: 'GRU', direction: 'bidirectional', ...randomSizes(rng), bias: true,
    attributes: activationAttributes(['HardSigmoid', 'LeakyRelu', 'HardSigmoid', 'Elu'], [0.3], []),
  }, rng);
});

it('names are case-insensitive', async () => {
  const rng = new Rng(3300);
  await expectCaseMatchesOnnxruntime({
    op: 'GRU', direction: 'forward', ...randomSizes(rng), bias: true,
    attributes: activationAttributes(['hardsigmoid', 'SOFTSIGN'], [], []),
  }, rng);
});
