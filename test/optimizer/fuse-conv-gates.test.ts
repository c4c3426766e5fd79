/**
 * Conv + HardSwish and Conv + QuickGelu/SiLU into FusedConv, which onnxts runs as is and
 * saving writes back as Conv + the activation, so onnxruntime-node loads and runs it.
 */
import { describe, expect, it } from 'vitest';
import { InferenceSession, type Tensor } from '../../src/index.js';
import { modelForOnnxruntime } from '../../src/optimizer/export-for-onnxruntime.js';
import { expectTensorsClose, FLOAT32_TOLERANCE, runOnnxruntime } from '../support/differential.js';
import { DenseTensor, attr, buildModel, type NodeSpec } from '../support/model-builder.js';
import { Rng, randomDense, randomTensor } from '../support/random.js';
import { bytesOf, expectSameOutputs, opCounts, optimize } from './support.js';

const rng = new Rng(41);
const W = randomDense('float32', [5, 3, 3, 3], rng, -1, 1);
const B = randomDense('float32', [5], rng, -1, 1);
const X = { name: 'x', type: 'float32' as const, shape: [1, 3, 7, 9] };
const feeds = () => ({ x: randomTensor('float32', [1, 3, 7, 9], new Rng(42), -3, 3) });
const conv: NodeSpec = { op: 'Conv', inputs: ['x', 'w', 'b'], outputs: ['c'], attributes: { pads: attr.ints([1, 1, 1, 1]) } };
const scalar = (v: number) => new DenseTensor('float32', [], Float32Array.of(v));
const hardSigmoid: NodeSpec = { op: 'HardSigmoid', inputs: ['c'], outputs: ['h'], attributes: { alpha: attr.float(1 / 6), beta: attr.float(0.5) } };

function convThen(nodes: NodeSpec[], opset = 17, extra: { inputs?: typeof X[]; outputs?: string[] } = {}): Uint8Array {
  return buildModel({
    nodes: [conv, ...nodes],
    inputs: [X, ...(extra.inputs ?? [])],
    outputs: [{ name: 'y', type: 'float32' }, ...(extra.outputs ?? []).map((name) => ({ name, type: 'float32' as const }))],
    initializers: { w: W, b: B, alpha: new DenseTensor('float32', [], Float32Array.of(1.702)) },
    opsets: { '': opset },
  });
}

/** onnxts on the fused model as the optimizer left it (not the saved form) agrees with onnxruntime on the original. */
async function expectOnnxtsRunsFused(original: Uint8Array, fused: Uint8Array, inputs: Record<string, Tensor>): Promise<void> {
  const expected = await runOnnxruntime(original, inputs);
  const ours = (await (await InferenceSession.create(fused, { graphOptimizationLevel: 'disabled' })).run(inputs)) as Record<string, Tensor>;
  for (const [name, e] of Object.entries(expected)) expectTensorsClose(ours[name], e, FLOAT32_TOLERANCE, `onnxts on the fused model: '${name}'`);
}

const cases: [string, NodeSpec[], number, string, Record<string, number>][] = [
  ['HardSwish', [{ op: 'HardSwish', inputs: ['c'], outputs: ['y'] }], 17, 'HardSwish', { Conv: 1, HardSwish: 1 }],
  ['x * HardSigmoid(x, 1/6, 1/2) (opset 11)', [hardSigmoid, { op: 'Mul', inputs: ['h', 'c'], outputs: ['y'] }], 11, 'HardSwish', { Conv: 1, HardSigmoid: 1, Mul: 1 }],
  ['x * Sigmoid(x) (SiLU)', [{ op: 'Sigmoid', inputs: ['c'], outputs: ['s'] }, { op: 'Mul', inputs: ['c', 's'], outputs: ['y'] }], 17, 'QuickGelu', { Conv: 1, 'com.microsoft:QuickGelu': 1 }],
  ['x * Sigmoid(1.702 x)', [
    { op: 'Mul', inputs: ['c', 'alpha'], outputs: ['ac'] }, { op: 'Sigmoid', inputs: ['ac'], outputs: ['s'] }, { op: 'Mul', inputs: ['s', 'c'], outputs: ['y'] },
  ], 13, 'QuickGelu', { Conv: 1, 'com.microsoft:QuickGelu': 1 }],
];

describe('Conv + HardSwish / QuickGelu into FusedConv', () => {
  for (const [label, nodes, opset, activation, saved] of cases) {
    it(`Conv + ${label} becomes one FusedConv, saved as Conv + the activation`, async () => {
      const bytes = convThen(nodes, opset);
      const result = optimize(bytes);
      expect(opCounts(result.model.graph)).toEqual({ 'com.microsoft:FusedConv': 1 });
      expect(result.model.graph.nodes[0].attributes.get('activation')?.value).toBe(activation);
      expect(opCounts(modelForOnnxruntime(result.model).graph)).toEqual(saved);
      await expectSameOutputs(bytes, result.bytes, feeds());
      await expectOnnxtsRunsFused(bytes, bytesOf(result.model), feeds());
    });
  }

  it('Conv + residual Add + HardSwish becomes FusedConv with Z, saved as Conv + Add + HardSwish', async () => {
    const skip = { name: 'skip', type: 'float32' as const, shape: [1, 5, 7, 9] };
    const bytes = convThen([{ op: 'Add', inputs: ['c', 'skip'], outputs: ['s'] }, { op: 'HardSwish', inputs: ['s'], outputs: ['y'] }], 17, { inputs: [skip] });
    const result = optimize(bytes);
    expect(result.fired.get('FuseConvAddActivation')).toBe(1);
    expect(opCounts(modelForOnnxruntime(result.model).graph)).toEqual({ Conv: 1, Add: 1, HardSwish: 1 });
    const inputs = { ...feeds(), skip: randomTensor('float32', [1, 5, 7, 9], new Rng(43)) };
    await expectSameOutputs(bytes, result.bytes, inputs);
    await expectOnnxtsRunsFused(bytes, bytesOf(result.model), inputs);
  });

  it('makes Conv + Clip(x + 3, 0, 6) / 6 one FusedConv with HardSigmoid, not a Conv bias + Clip + Div', async () => {
    const bytes = buildModel({
      nodes: [conv, { op: 'Add', inputs: ['c', 'three'], outputs: ['a'] }, { op: 'Clip', inputs: ['a', 'zero', 'six'], outputs: ['g'] }, { op: 'Div', inputs: ['g', 'six'], outputs: ['y'] }],
      inputs: [X],
      outputs: [{ name: 'y', type: 'float32' }],
      initializers: { w: W, b: B, three: scalar(3), zero: scalar(0), six: scalar(6) },
    });
    const result = optimize(bytes);
    expect(opCounts(result.model.graph)).toEqual({ 'com.microsoft:FusedConv': 1 });
    expect(result.model.graph.nodes[0].attributes.get('activation')?.value).toBe('HardSigmoid');
    await expectSameOutputs(bytes, result.bytes, feeds());
  });

  it('leaves the Conv alone when its output has a reader outside the activation', async () => {
    const bytes = convThen([hardSigmoid, { op: 'Mul', inputs: ['c', 'h'], outputs: ['y'] }, { op: 'Neg', inputs: ['c'], outputs: ['z'] }], 11, { outputs: ['z'] });
    const result = optimize(bytes);
    expect(opCounts(result.model.graph)).toEqual({ Conv: 1, HardSigmoid: 1, Mul: 1, Neg: 1 });
    await expectSameOutputs(bytes, result.bytes, feeds());
  });

  it('leaves a HardSigmoid with other parameters, or one whose output is read elsewhere, apart from the Conv', async () => {
    const other: NodeSpec = { ...hardSigmoid, attributes: { alpha: attr.float(0.2), beta: attr.float(0.5) } };
    const bytes = convThen([other, { op: 'Mul', inputs: ['c', 'h'], outputs: ['y'] }], 11);
    expect(opCounts(optimize(bytes).model.graph)).toEqual({ Conv: 1, HardSigmoid: 1, Mul: 1 });
    const shared = convThen([hardSigmoid, { op: 'Mul', inputs: ['c', 'h'], outputs: ['y'] }], 11, { outputs: ['h'] });
    const result = optimize(shared);
    expect(opCounts(result.model.graph)).toEqual({ Conv: 1, HardSigmoid: 1, Mul: 1 });
    await expectSameOutputs(shared, result.bytes, feeds());
  });
});
