/** FuseSkipLayerNormalization and FuseBiasGelu: the residual and FFN fusions of BERT-style encoders. */
import { describe, expect, it } from 'vitest';
import { DenseTensor, attr, buildModel, type NodeSpec, type ValueSpec } from '../support/model-builder.js';
import { Rng, randomDense, randomTensor } from '../support/random.js';
import { expectSameOutputs, opCounts, optimize } from './support.js';

const SHAPE = [2, 5, 8];
const scalar = (v: number) => new DenseTensor('float32', [], Float32Array.of(v));
const rng = () => new Rng(5);
const feeds = (shape = SHAPE) => ({ x: randomTensor('float32', shape, new Rng(7), -2, 2), r: randomTensor('float32', shape, new Rng(8), -2, 2) });

/** x and r of `xShape` and `rShape` (symbolic dims allowed): SHAPE unless given. */
function model(nodes: NodeSpec[], outputs: ValueSpec[], biasDims = [8], xShape: readonly (number | string)[] = SHAPE, rShape = xShape): Uint8Array {
  const g = rng();
  return buildModel({
    nodes,
    inputs: [{ name: 'x', type: 'float32', shape: [...xShape] }, { name: 'r', type: 'float32', shape: [...rShape] }],
    outputs,
    initializers: {
      W: randomDense('float32', [8, 8], g, -0.5, 0.5),
      b: randomDense('float32', biasDims, g, -0.5, 0.5),
      gamma: randomDense('float32', [8], g, 0.5, 1.5),
      beta: randomDense('float32', [8], g, -0.5, 0.5),
      root2: scalar(Math.SQRT2), one: scalar(1), half: scalar(0.5),
    },
    opsets: { 'com.microsoft': 1 },
  });
}

const dense: NodeSpec[] = [{ op: 'MatMul', inputs: ['x', 'W'], outputs: ['m'] }, { op: 'Add', inputs: ['m', 'b'], outputs: ['mb'] }];
const norm: NodeSpec = { op: 'LayerNormalization', inputs: ['sum', 'gamma', 'beta'], outputs: ['y'], attributes: { axis: attr.int(-1), epsilon: attr.float(1e-5) } };
const residualNorm: NodeSpec[] = [...dense, { op: 'Add', inputs: ['mb', 'r'], outputs: ['sum'] }, norm];
const erfGelu: NodeSpec[] = [
  ...dense,
  { op: 'Div', inputs: ['mb', 'root2'], outputs: ['d'] },
  { op: 'Erf', inputs: ['d'], outputs: ['e'] },
  { op: 'Add', inputs: ['e', 'one'], outputs: ['p'] },
  { op: 'Mul', inputs: ['mb', 'p'], outputs: ['g'] },
  { op: 'Mul', inputs: ['g', 'half'], outputs: ['y'] },
];
const y: ValueSpec = { name: 'y', type: 'float32', shape: SHAPE };

/** Run at every shape of `runShapes` (one model, several sizes where its dims are symbolic). */
async function check(bytes: Uint8Array, pass: string, fired: boolean, counts: Record<string, number>, runShapes = [SHAPE]): Promise<void> {
  const result = optimize(bytes);
  expect(result.fired.has(pass), `${pass} fired`).toBe(fired);
  expect(opCounts(result.model.graph)).toEqual(counts);
  for (const shape of runShapes) await expectSameOutputs(bytes, result.bytes, feeds(shape));
}

// DistilBERT's dynamic axes; the fused model runs at sizes other than any the optimizer saw.
const SYMBOLIC = ['batch', 'sequence', 8];
const SYMBOLIC_RUNS = [[1, 1, 8], [3, 7, 8], [2, 0, 8]];

describe('FuseSkipLayerNormalization', () => {
  it('fuses bias Add, residual Add and LayerNormalization', () =>
    check(model(residualNorm, [y]), 'FuseSkipLayerNormalization', true, { MatMul: 1, 'com.microsoft:SkipLayerNormalization': 1 }));

  it('exposes a sum with another reader as input_skip_bias_sum', async () => {
    const bytes = model(residualNorm, [y, { name: 'sum', type: 'float32', shape: SHAPE }]);
    await check(bytes, 'FuseSkipLayerNormalization', true, { MatMul: 1, 'com.microsoft:SkipLayerNormalization': 1 });
    const fused = optimize(bytes).model.graph.nodes.find((n) => n.opType === 'SkipLayerNormalization');
    expect(fused?.outputs).toEqual(['y', '', '', 'sum']);
  });

  it('fuses over symbolic batch and sequence dims, run at other sizes', () =>
    check(model(residualNorm, [{ name: 'y', type: 'float32' }], [8], SYMBOLIC), 'FuseSkipLayerNormalization', true,
      { MatMul: 1, 'com.microsoft:SkipLayerNormalization': 1 }, SYMBOLIC_RUNS));
  it('leaves operands whose symbolic dims differ alone', () =>
    check(model(residualNorm, [{ name: 'y', type: 'float32' }], [8], SYMBOLIC, ['other', 'sequence', 8]), 'FuseSkipLayerNormalization', false,
      { MatMul: 1, Add: 2, LayerNormalization: 1 }, [[3, 7, 8]]));
  it('leaves an operand whose hidden dim is symbolic alone', () =>
    check(model(residualNorm, [{ name: 'y', type: 'float32' }], [8], ['batch', 'sequence', 'hidden']), 'FuseSkipLayerNormalization', false,
      { MatMul: 1, Add: 2, LayerNormalization: 1 }, [[2, 3, 8]]));

  const rmsNorm: NodeSpec = { op: 'SimplifiedLayerNormalization', inputs: ['sum', 'gamma'], outputs: ['y'], attributes: { axis: attr.int(-1), epsilon: attr.float(1e-6) } };
  it('fuses a residual Add and SimplifiedLayerNormalization (LLaMA) into SkipSimplifiedLayerNormalization, exposing the sum', async () => {
    const bytes = model([{ op: 'MatMul', inputs: ['x', 'W'], outputs: ['m'] }, { op: 'Add', inputs: ['r', 'm'], outputs: ['sum'] }, rmsNorm],
      [{ name: 'y', type: 'float32' }, { name: 'sum', type: 'float32' }], [8], SYMBOLIC);
    await check(bytes, 'FuseSkipLayerNormalization', true, { MatMul: 1, 'com.microsoft:SkipSimplifiedLayerNormalization': 1 }, SYMBOLIC_RUNS);
    const fused = optimize(bytes).model.graph.nodes.find((n) => n.opType === 'SkipSimplifiedLayerNormalization');
    expect(fused?.inputs).toEqual(['r', 'm', 'gamma']);
    expect(fused?.outputs).toEqual(['y', '', '', 'sum']);
  });
  it('moves a bias Add into SkipSimplifiedLayerNormalization', () =>
    check(model([...dense, { op: 'Add', inputs: ['mb', 'r'], outputs: ['sum'] }, rmsNorm], [y]), 'FuseSkipLayerNormalization', true,
      { MatMul: 1, 'com.microsoft:SkipSimplifiedLayerNormalization': 1 }));

  it('leaves an Add that broadcasts one operand alone', () =>
    check(model([{ op: 'Add', inputs: ['x', 'b'], outputs: ['sum'] }, norm], [y]), 'FuseSkipLayerNormalization', false, { Add: 1, LayerNormalization: 1 }));
});

describe('FuseBiasGelu', () => {
  it('fuses the bias Add into the GELU', () =>
    check(model(erfGelu, [y]), 'FuseBiasGelu', true, { MatMul: 1, 'com.microsoft:BiasGelu': 1 }));
  it('fuses over symbolic batch and sequence dims, run at other sizes', () =>
    check(model(erfGelu, [{ name: 'y', type: 'float32' }], [8], SYMBOLIC), 'FuseBiasGelu', true, { MatMul: 1, 'com.microsoft:BiasGelu': 1 }, SYMBOLIC_RUNS));
  it('leaves a bias that is not 1-D alone', () =>
    check(model(erfGelu, [y], [5, 8]), 'FuseBiasGelu', false, { MatMul: 1, Add: 1, 'com.microsoft:Gelu': 1 }));
  it('leaves a sum with another reader alone', () =>
    check(model(erfGelu, [y, { name: 'mb', type: 'float32', shape: SHAPE }]), 'FuseBiasGelu', false, { MatMul: 1, Add: 1, 'com.microsoft:Gelu': 1 }));

  const fastGelu: NodeSpec[] = [...dense, { op: 'FastGelu', domain: 'com.microsoft', inputs: ['mb'], outputs: ['y'] }];
  it('moves the bias Add into FastGelu', () =>
    check(model(fastGelu, [y]), 'FuseBiasGelu', true, { MatMul: 1, 'com.microsoft:FastGelu': 1 }));
  it('leaves a FastGelu whose bias is not 1-D alone', () =>
    check(model(fastGelu, [y], [5, 8]), 'FuseBiasGelu', false, { MatMul: 1, Add: 1, 'com.microsoft:FastGelu': 1 }));
});
