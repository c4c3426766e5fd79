import { describe, it } from 'vitest';
import { attr, type AttributeValue } from '../../support/model-builder.js';
import { expectOpFails, expectOpGives, expectOpMatchesOrt, tensorOf } from './single-op.js';

type Case = [op: string, attributes: Record<string, AttributeValue>, opset: number];

const CASES: Case[] = [
  ['LeakyRelu', {}, 16],
  ['LeakyRelu', { alpha: attr.float(0.3) }, 16],
  ['Elu', {}, 22],
  ['Elu', { alpha: attr.float(2.5) }, 22],
  ['Selu', {}, 22],
  ['Selu', { alpha: attr.float(2), gamma: attr.float(3) }, 22],
  ['Celu', {}, 12],
  ['Celu', { alpha: attr.float(2) }, 12],
  ['Celu', { alpha: attr.float(0.4) }, 12],
  ['ThresholdedRelu', {}, 22],
  ['ThresholdedRelu', { alpha: attr.float(-0.5) }, 22],
  ['HardSigmoid', {}, 22],
  ['HardSigmoid', { alpha: attr.float(0.5), beta: attr.float(0.1) }, 22],
  ['Shrink', {}, 9],
  ['Shrink', { lambd: attr.float(1.5), bias: attr.float(0.5) }, 9],
  ['Gelu', {}, 20],
  ['Gelu', { approximate: attr.string('none') }, 20],
  ['Gelu', { approximate: attr.string('tanh') }, 20],
  ['Swish', {}, 24],
  ['Swish', { alpha: attr.float(1.7) }, 24],
];

describe.each(CASES)('%s %j', (op, attributes, opset) => {
  it.each([[3, 4, 5], [11], [], [2, 0]])('float32 of shape %j matches onnxruntime', async (...shape) => {
    await expectOpMatchesOrt(op, [{ type: 'float32', shape, min: -6, max: 6 }], { attributes, opset });
  });
});

describe('float16 and float64', () => {
  it.each(['LeakyRelu', 'Elu', 'Selu', 'ThresholdedRelu', 'HardSigmoid', 'Gelu', 'Shrink'])('%s float16 matches onnxruntime', async (op) => {
    await expectOpMatchesOrt(op, [{ type: 'float16', shape: [4, 6], min: -4, max: 4 }], { opset: op === 'Shrink' ? 9 : op === 'Gelu' ? 20 : 22 });
  });

  it('Shrink float64 matches onnxruntime', async () => {
    await expectOpMatchesOrt('Shrink', [{ type: 'float64', shape: [4, 6], min: -4, max: 4 }], { opset: 9 });
  });

  // onnxruntime has no float64 kernels for these: the spec's formulas give the expected values.
  const formulas: [string, (x: number) => number][] = [
    ['LeakyRelu', (x) => (x < 0 ? 0.01 * x : x)],
    ['Elu', (x) => (x < 0 ? Math.exp(x) - 1 : x)],
    ['Selu', (x) => (x > 0 ? 1.05070102214813232421875 * x : 1.05070102214813232421875 * 1.67326319217681884765625 * (Math.exp(x) - 1))],
    ['ThresholdedRelu', (x) => (x > 1 ? x : 0)],
    ['HardSigmoid', (x) => Math.max(0, Math.min(1, 0.2 * x + 0.5))],
    ['HardSwish', (x) => x * Math.max(0, Math.min(1, x / 6 + 0.5))],
    ['Mish', (x) => x * Math.tanh(Math.log(1 + Math.exp(x)))],
  ];
  it.each(formulas)('%s float64 follows the formula', async (op, formula) => {
    const x = [-4, -1.5, -0.01, 0, 0.01, 0.9, 1, 1.2, 3.5];
    await expectOpGives(op, [{ type: 'float64', shape: [9], tensor: tensorOf('float64', [9], x) }], { type: 'float64', dims: [9], data: x.map(formula) }, {
      opset: 22,
      tolerance: { rtol: 1e-12, atol: 1e-15 },
    });
  });

  it('Celu float64 (opset 28 types; onnxruntime has float32 only) follows the formula', async () => {
    const x = [-3, -0.5, 0, 0.5, 3];
    const alpha = 2;
    const y = x.map((v) => Math.max(0, v) + Math.min(0, alpha * (Math.exp(v / alpha) - 1)));
    await expectOpGives('Celu', [{ type: 'float64', shape: [5], tensor: tensorOf('float64', [5], x) }], { type: 'float64', dims: [5], data: y }, {
      attributes: { alpha: attr.float(alpha) },
      opset: 12,
      tolerance: { rtol: 1e-12, atol: 1e-15 },
    });
  });

  it('Gelu float64 (onnxruntime lacks double Erf) follows the formula', async () => {
    const x = [-4, -1, -0.25, 0, 0.7, 3];
    // erf(x / sqrt(2)) from mpmath.
    const erfOf = [-0.99993665751633376016, -0.68268949213708589717, -0.19741265136584744848, 0, 0.51607269555385394277, 0.99730020393673981095];
    const y = x.map((v, i) => 0.5 * v * (1 + erfOf[i]));
    await expectOpGives('Gelu', [{ type: 'float64', shape: [6], tensor: tensorOf('float64', [6], x) }], { type: 'float64', dims: [6], data: y }, {
      opset: 20,
      tolerance: { rtol: 1e-13, atol: 1e-15 },
    });
  });
});

describe('legacy opsets and other types', () => {
  it('Selu at opset 1 uses that version\'s shorter default constants', async () => {
    const x = [-2, -0.5, 1];
    const y = x.map((v) => (v > 0 ? 1.0507 * v : 1.0507 * (1.6732 * Math.exp(v) - 1.6732)));
    await expectOpGives('Selu', [{ type: 'float32', shape: [3], tensor: tensorOf('float32', [3], x) }], { type: 'float32', dims: [3], data: y }, {
      opset: 1,
      attributes: { consumed_inputs: attr.ints([0]) },
      tolerance: { rtol: 1e-6, atol: 0 },
    });
  });

  it.each(['LeakyRelu', 'Elu', 'HardSigmoid'])('%s at opset 1 matches the current form', async (op) => {
    await expectOpMatchesOrt(op, [{ type: 'float32', shape: [3, 5] }], {
      opset: 1,
      oracleOpset: 16,
      attributes: { alpha: attr.float(0.4), consumed_inputs: attr.ints([0]) },
      oracleAttributes: { alpha: attr.float(0.4) },
    });
  });

  it.each(['int32', 'int64', 'int8', 'uint8'] as const)('Shrink on %s matches onnxruntime', async (type) => {
    await expectOpMatchesOrt('Shrink', [{ type, shape: [20], min: type.startsWith('u') ? 0 : -20, max: 20 }], {
      opset: 9,
      attributes: { lambd: attr.float(3), bias: attr.float(2) },
    });
  });

  it('Gelu rejects an unknown approximation', async () => {
    await expectOpFails('Gelu', [{ type: 'float32', shape: [2] }], /approximate.*'fast'/, { opset: 20, attributes: { approximate: attr.string('fast') } });
  });
});
