import { afterEach, describe, expect, it } from 'vitest';
import { env } from '../../../src/api/env.js';
import type { DataType } from '../../../src/tensor/element-type.js';
import { expectTensorsClose, runOnnxruntime, runOnnxts } from '../../support/differential.js';
import { attr, buildModel, type AttributeValue, type NodeSpec } from '../../support/model-builder.js';
import { caseFeeds, caseModel, expectCaseMatches, HALF_TOLERANCE, runCase, tensors, type NodeCase } from './contrib-case.js';

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

function convCase(c: ConvCase, activation: Record<string, AttributeValue>, type: DataType, range = 1): NodeCase {
  const t = tensors(c.x.reduce((a, b) => a * 5 + b, 1));
  return {
    op: 'FusedConv',
    inputs: [
      ['x', t.float(c.x, type, -range, range)],
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

/**
 * HardSwish and QuickGelu are this runtime's additions to the set (onnxruntime's FusedConv has
 * neither), so the reference is onnxruntime running the unfused graph: Conv, Add Z, then the
 * ai.onnx HardSwish or the com.microsoft QuickGelu. Both the wasm kernels and the TypeScript
 * path (env.wasm.simd off) are checked.
 */
const addedActivations: [string, Record<string, AttributeValue>, NodeSpec][] = [
  ['HardSwish', { activation: attr.string('HardSwish') }, { op: 'HardSwish', inputs: ['s'], outputs: ['y'] }],
  ['QuickGelu 1.702', { activation: attr.string('QuickGelu'), activation_params: attr.floats([1.702]) },
    { op: 'QuickGelu', domain: 'com.microsoft', inputs: ['s'], outputs: ['y'], attributes: { alpha: attr.float(1.702) } }],
  ['SiLU (QuickGelu 1)', { activation: attr.string('QuickGelu'), activation_params: attr.floats([1]) },
    { op: 'QuickGelu', domain: 'com.microsoft', inputs: ['s'], outputs: ['y'], attributes: { alpha: attr.float(1) } }],
];

function unfusedModel(c: NodeCase, activation: NodeSpec): Uint8Array {
  const [x, w, b, z] = c.inputs;
  const given = c.inputs.filter((i) => i !== null).map(([name, t]) => ({ name, type: 'float32' as const, shape: [...t.dims] }));
  const { activation: _a, activation_params: _p, ...convAttributes } = c.attributes ?? {};
  const nodes: NodeSpec[] = [
    { op: 'Conv', inputs: [x![0], w![0], ...(b ? [b[0]] : [])], outputs: [z ? 'c' : 's'], attributes: convAttributes },
    ...(z ? [{ op: 'Add', inputs: ['c', z[0]], outputs: ['s'] }] : []),
    activation,
  ];
  return buildModel({ nodes, inputs: given, outputs: [{ name: 'y', type: 'float32' }], opsets: { '': 17, 'com.microsoft': 1 } });
}

describe.each([['wasm', undefined], ['TypeScript', false]] as const)('FusedConv with the added activations (%s)', (_, simd) => {
  afterEach(() => {
    delete env.wasm.simd;
  });
  describe.each(addedActivations)('%s', (__, activation, reference) => {
    it.each(convs)('%s matches Conv, Add and the activation in onnxruntime', async (label, c) => {
      const fused = convCase(c, activation, 'float32', 3);
      const expected = await runOnnxruntime(unfusedModel(fused, reference), caseFeeds(fused));
      if (simd === false) env.wasm.simd = false;
      const actual = await runOnnxts(caseModel(fused), caseFeeds(fused));
      expectTensorsClose(actual.y, expected.y, { rtol: 1e-4, atol: 1e-5 }, `FusedConv ${label}`);
    });
  });
});

describe('FusedConv attributes', () => {
  it('rejects an unknown activation and a wrong parameter count', async () => {
    const c = convCase(convs[0][1], {}, 'float32');
    await expect(runCase({ ...c, attributes: { activation: attr.string('Gelu') } })).rejects.toThrow(/activation/);
    await expect(runCase({ ...c, attributes: { activation: attr.string('Clip'), activation_params: attr.floats([0]) } })).rejects.toThrow(/activation_params/);
    await expect(runCase({ ...c, attributes: { activation: attr.string('QuickGelu') } })).rejects.toThrow(/activation_params/);
  });
});
