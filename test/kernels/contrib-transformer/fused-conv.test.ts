import { describe, expect, it } from 'vitest';
import type { DataType } from '../../../src/tensor/element-type.js';
import { attr, type AttributeValue } from '../../support/model-builder.js';
import { expectCaseMatches, HALF_TOLERANCE, runCase, tensors, type NodeCase } from './contrib-case.js';

interface ConvCase {
  x: number[];
  w: number[];
  y: number[];
  bias?: boolean;
  sum?: boolean;
  attributes?: Record<string, AttributeValue>;
}

const activations: [string, Record<string, AttributeValue>][] = [
  ['no activation', {}],
  ['Relu', { activation: attr.string('Relu') }],
  ['Tanh', { activation: attr.string('Tanh') }],
  ['Sigmoid', { activation: attr.string('Sigmoid') }],
  ['LeakyRelu', { activation: attr.string('LeakyRelu'), activation_params: attr.floats([0.15]) }],
  ['Clip', { activation: attr.string('Clip'), activation_params: attr.floats([-0.5, 0.75]) }],
  ['HardSigmoid', { activation: attr.string('HardSigmoid'), activation_params: attr.floats([0.3, 0.45]) }],
];

const convs: [string, ConvCase][] = [
  ['2-D with bias', { x: [2, 3, 6, 5], w: [4, 3, 3, 3], y: [2, 4, 4, 3], bias: true }],
  ['2-D padded, strided, with bias and Z', { x: [1, 2, 7, 7], w: [3, 2, 3, 3], y: [1, 3, 4, 4], bias: true, sum: true, attributes: { pads: attr.ints([1, 1, 1, 1]), strides: attr.ints([2, 2]) } }],
  ['1-D grouped with Z', { x: [2, 4, 9], w: [6, 2, 3], y: [2, 6, 7], sum: true, attributes: { group: attr.int(2) } }],
  ['pointwise', { x: [1, 5, 3, 4], w: [3, 5, 1, 1], y: [1, 3, 3, 4], bias: true }],
];

function convCase(c: ConvCase, activation: Record<string, AttributeValue>, type: DataType): NodeCase {
  const t = tensors(c.x.reduce((a, b) => a * 5 + b, 1));
  return {
    op: 'FusedConv',
    inputs: [
      ['x', t.float(c.x, type)],
      ['w', t.float(c.w, type)],
      c.bias ? ['b', t.float([c.w[0]], type)] : null,
      c.sum ? ['z', t.float(c.y, type)] : null,
    ],
    outputs: [['y', type]],
    attributes: { ...c.attributes, ...activation },
  };
}

describe.each(['float32', 'float16'] as DataType[])('FusedConv (%s)', (type) => {
  const tol = type === 'float16' ? HALF_TOLERANCE : undefined;
  describe.each(activations)('%s', (_, activation) => {
    it.each(convs)('%s matches onnxruntime', async (__, c) => {
      await expectCaseMatches(convCase(c, activation, type), tol);
    });
  });
});

describe('FusedConv attributes', () => {
  it('rejects an unknown activation and a wrong parameter count', async () => {
    const c = convCase(convs[0][1], {}, 'float32');
    await expect(runCase({ ...c, attributes: { activation: attr.string('Gelu') } })).rejects.toThrow(/activation/);
    await expect(runCase({ ...c, attributes: { activation: attr.string('Clip'), activation_params: attr.floats([0]) } })).rejects.toThrow(/activation_params/);
  });
});
