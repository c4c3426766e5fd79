/** Extended fusions of elementwise patterns: GELU, FastGelu, QuickGelu/SiLU, HardSwish, LayerNorm, RMSNorm, MatMul scaling. */
import { describe, expect, it } from 'vitest';
import { DenseTensor, attr, buildModel, type NodeSpec } from '../support/model-builder.js';
import { Rng, randomDense, randomTensor } from '../support/random.js';
import { expectSameOutputs, opCounts, optimize, registryServing } from './support.js';

const scalar = (v: number) => new DenseTensor('float32', [], Float32Array.of(v));
const SHAPE = [2, 5, 8];
const feeds = () => ({ x: randomTensor('float32', SHAPE, new Rng(9), -3, 3) });
const contrib = registryServing('com.microsoft:Gelu', 'com.microsoft:FastGelu', 'com.microsoft:QuickGelu', 'com.microsoft:FusedMatMul');

function model(nodes: NodeSpec[], initializers: Record<string, DenseTensor>, opset = 17): Uint8Array {
  return buildModel({
    nodes, inputs: [{ name: 'x', type: 'float32', shape: SHAPE }], outputs: [{ name: 'y', type: 'float32', shape: SHAPE }], initializers, opsets: { '': opset },
  });
}

async function expectFusedTo(bytes: Uint8Array, pass: string, counts: Record<string, number>): Promise<void> {
  const result = optimize(bytes, { registry: contrib });
  expect(result.fired.get(pass), `${pass} fired`).toBe(1);
  expect(opCounts(result.model.graph)).toEqual(counts);
  await expectSameOutputs(bytes, result.bytes, feeds());
}

function expectUntouched(bytes: Uint8Array, pass: string): void {
  expect(optimize(bytes, { registry: contrib }).fired.has(pass), `${pass} fired`).toBe(false);
}

const erfGelu = (root: number): NodeSpec[] => [
  { op: 'Div', inputs: ['x', 'root2'], outputs: ['d'] },
  { op: 'Erf', inputs: ['d'], outputs: ['e'] },
  { op: 'Add', inputs: ['e', 'one'], outputs: ['p'] },
  { op: 'Mul', inputs: ['x', 'p'], outputs: ['m'] },
  { op: 'Mul', inputs: ['m', 'half'], outputs: ['y'] },
].map((n, i) => ({ ...n, name: `gelu${root}_${i}` }));

const tanhGelu: NodeSpec[] = [
  { op: 'Pow', inputs: ['x', 'three'], outputs: ['cube'] },
  { op: 'Mul', inputs: ['coef', 'cube'], outputs: ['k'] },
  { op: 'Add', inputs: ['x', 'k'], outputs: ['s'] },
  { op: 'Mul', inputs: ['s', 'sqrt2pi'], outputs: ['t'] },
  { op: 'Tanh', inputs: ['t'], outputs: ['th'] },
  { op: 'Add', inputs: ['one', 'th'], outputs: ['p'] },
  { op: 'Mul', inputs: ['half', 'x'], outputs: ['hx'] },
  { op: 'Mul', inputs: ['hx', 'p'], outputs: ['y'] },
];

describe('FuseGelu and FuseFastGelu', () => {
  it('fuse the erf form into Gelu', () =>
    expectFusedTo(model(erfGelu(1), { root2: scalar(Math.SQRT2), one: scalar(1), half: scalar(0.5) }), 'FuseGelu', { 'com.microsoft:Gelu': 1 }));
  it('leave an erf form with another constant alone', () =>
    expectUntouched(model(erfGelu(2), { root2: scalar(1.5), one: scalar(1), half: scalar(0.5) }), 'FuseGelu'));

  const tanhConstants = (coef: number) => ({ three: scalar(3), coef: scalar(coef), sqrt2pi: scalar(Math.sqrt(2 / Math.PI)), one: scalar(1), half: scalar(0.5) });
  it('fuse the tanh form into FastGelu', () => expectFusedTo(model(tanhGelu, tanhConstants(0.044715)), 'FuseFastGelu', { 'com.microsoft:FastGelu': 1 }));
  it('leave a tanh form with another coefficient alone', () => expectUntouched(model(tanhGelu, tanhConstants(0.05)), 'FuseFastGelu'));
});

describe('FuseQuickGelu and FuseHardSwish', () => {
  it('fuse x * Sigmoid(x) (SiLU) into QuickGelu', () =>
    expectFusedTo(model([{ op: 'Sigmoid', inputs: ['x'], outputs: ['s'] }, { op: 'Mul', inputs: ['x', 's'], outputs: ['y'] }], {}),
      'FuseQuickGelu', { 'com.microsoft:QuickGelu': 1 }));
  it('fuse x * Sigmoid(1.702 x) into QuickGelu with that alpha', () =>
    expectFusedTo(model([
      { op: 'Mul', inputs: ['x', 'alpha'], outputs: ['ax'] }, { op: 'Sigmoid', inputs: ['ax'], outputs: ['s'] }, { op: 'Mul', inputs: ['s', 'x'], outputs: ['y'] },
    ], { alpha: scalar(1.702) }), 'FuseQuickGelu', { 'com.microsoft:QuickGelu': 1 }));
  it('leave a gate with another reader alone', async () => {
    const bytes = buildModel({
      nodes: [{ op: 'Sigmoid', inputs: ['x'], outputs: ['s'] }, { op: 'Mul', inputs: ['x', 's'], outputs: ['y'] }],
      inputs: [{ name: 'x', type: 'float32', shape: SHAPE }],
      outputs: [{ name: 'y', type: 'float32' }, { name: 's', type: 'float32' }],
    });
    const result = optimize(bytes, { registry: contrib });
    expect(opCounts(result.model.graph)).toEqual({ Sigmoid: 1, Mul: 1 });
    await expectSameOutputs(bytes, result.bytes, feeds());
  });

  const hardSigmoid = (alpha: number): NodeSpec[] => [
    { op: 'HardSigmoid', inputs: ['x'], outputs: ['h'], attributes: { alpha: attr.float(alpha), beta: attr.float(0.5) } },
    { op: 'Mul', inputs: ['x', 'h'], outputs: ['y'] },
  ];
  it('fuse x * HardSigmoid(x, 1/6, 1/2) into HardSwish', () => expectFusedTo(model(hardSigmoid(1 / 6), {}, 14), 'FuseHardSwish', { HardSwish: 1 }));
  it('leave another HardSigmoid alone', () => expectUntouched(model(hardSigmoid(0.2), {}, 14), 'FuseHardSwish'));
});

describe('FuseLayerNormalization and FuseRmsNormalization', () => {
  const rng = new Rng(10);
  const params = { gamma: randomDense('float32', [8], rng), beta: randomDense('float32', [8], rng), two: scalar(2), eps: scalar(1e-5) };
  const layerNorm = (axes: number[]): NodeSpec[] => [
    { op: 'ReduceMean', inputs: ['x'], outputs: ['mu'], attributes: { axes: attr.ints(axes) } },
    { op: 'Sub', inputs: ['x', 'mu'], outputs: ['d'] },
    { op: 'Pow', inputs: ['d', 'two'], outputs: ['sq'] },
    { op: 'ReduceMean', inputs: ['sq'], outputs: ['var'], attributes: { axes: attr.ints(axes) } },
    { op: 'Add', inputs: ['var', 'eps'], outputs: ['ve'] },
    { op: 'Sqrt', inputs: ['ve'], outputs: ['sd'] },
    { op: 'Div', inputs: ['d', 'sd'], outputs: ['n'] },
    { op: 'Mul', inputs: ['n', 'gamma'], outputs: ['g'] },
    { op: 'Add', inputs: ['g', 'beta'], outputs: ['y'] },
  ];
  it('fuse the layer normalization pattern into LayerNormalization', () =>
    expectFusedTo(model(layerNorm([-1]), params), 'FuseLayerNormalization', { LayerNormalization: 1 }));
  it('leave a normalization over a middle axis alone', () => expectUntouched(model(layerNorm([1]), params), 'FuseLayerNormalization'));

  const rms = (eps: string): NodeSpec[] => [
    { op: 'Pow', inputs: ['x', 'two'], outputs: ['sq'] },
    { op: 'ReduceMean', inputs: ['sq'], outputs: ['ms'], attributes: { axes: attr.ints([-1]) } },
    { op: 'Add', inputs: ['ms', eps], outputs: ['ve'] },
    { op: 'Sqrt', inputs: ['ve'], outputs: ['r'] },
    { op: 'Div', inputs: ['x', 'r'], outputs: ['n'] },
    { op: 'Mul', inputs: ['gamma', 'n'], outputs: ['y'] },
  ];
  it('fuse the RMS normalization pattern into SimplifiedLayerNormalization (opset < 23)', () =>
    expectFusedTo(model(rms('eps'), params), 'FuseRmsNormalization', { SimplifiedLayerNormalization: 1 }));
  it('leave an RMS pattern whose epsilon is not a constant alone', async () => {
    const bytes = buildModel({
      nodes: rms('e'),
      inputs: [{ name: 'x', type: 'float32', shape: SHAPE }, { name: 'e', type: 'float32', shape: [] }],
      outputs: [{ name: 'y', type: 'float32' }],
      initializers: params,
    });
    expect(optimize(bytes, { registry: contrib }).fired.has('FuseRmsNormalization')).toBe(false);
  });
});

describe('FuseMatMulScale', () => {
  const rng = new Rng(12);
  const attention = (scale: DenseTensor): Uint8Array => buildModel({
    nodes: [{ op: 'MatMul', inputs: ['x', 'k'], outputs: ['m'] }, { op: 'Div', inputs: ['m', 'scale'], outputs: ['y'] }],
    inputs: [{ name: 'x', type: 'float32', shape: SHAPE }],
    outputs: [{ name: 'y', type: 'float32' }],
    initializers: { k: randomDense('float32', [8, 8], rng), scale },
  });
  it('folds a division of the product by a scalar into FusedMatMul alpha', () =>
    expectFusedTo(attention(scalar(Math.sqrt(8))), 'FuseMatMulScale', { 'com.microsoft:FusedMatMul': 1 }));
  it('leaves a division by a non-scalar alone', () => expectUntouched(attention(randomDense('float32', [8], rng, 1, 2)), 'FuseMatMulScale'));
});
