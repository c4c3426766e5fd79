/**
 * FreezeInitializerInputs: weights listed as graph inputs (as old exporters write every
 * weight) are constants before IR 4 and when the caller asks; otherwise a feed may override
 * them, and Conv + BatchNormalization must not fold them.
 */
import { describe, expect, it } from 'vitest';
import { DenseTensor, attr, buildModel } from '../support/model-builder.js';
import { Rng, randomDense, randomTensor } from '../support/random.js';
import { expectSameOutputs, opCounts, optimize } from './support.js';

const rng = new Rng(51);
const weights: Record<string, DenseTensor> = {
  w: randomDense('float32', [3, 2, 3, 3], rng), s: randomDense('float32', [3], rng, 0.5, 1.5), b: randomDense('float32', [3], rng),
  m: randomDense('float32', [3], rng), v: randomDense('float32', [3], rng, 0.5, 1.5),
};

function convBnRelu(irVersion: number): Uint8Array {
  return buildModel({
    nodes: [
      { op: 'Conv', inputs: ['x', 'w'], outputs: ['c'] },
      { op: 'BatchNormalization', inputs: ['c', 's', 'b', 'm', 'v'], outputs: ['n'], attributes: { epsilon: attr.float(1e-5) } },
      { op: 'Relu', inputs: ['n'], outputs: ['y'] },
    ],
    inputs: [
      { name: 'x', type: 'float32', shape: [1, 2, 5, 7] },
      ...Object.entries(weights).map(([name, t]) => ({ name, type: 'float32' as const, shape: [...t.dims] })),
    ],
    outputs: [{ name: 'y', type: 'float32' }],
    initializers: weights,
    irVersion,
    opsets: { '': 9 },
  });
}

const feeds = () => ({ x: randomTensor('float32', [1, 2, 5, 7], new Rng(52)) });

describe('FreezeInitializerInputs', () => {
  it('makes listed initializers constants before IR 4, so Conv + BatchNormalization + Relu fuse', async () => {
    const bytes = convBnRelu(3);
    const result = optimize(bytes);
    expect(result.fired.get('FreezeInitializerInputs')).toBe(5);
    expect(result.model.graph.inputs.map((i) => i.name)).toEqual(['x']);
    expect(result.model.irVersion).toBe(4);
    expect(opCounts(result.model.graph)).toEqual({ 'com.microsoft:FusedConv': 1 });
    await expectSameOutputs(bytes, result.bytes, feeds());
  });

  it('keeps them overridable inputs from IR 4 on, and folds nothing into the Conv', async () => {
    const bytes = convBnRelu(4);
    const result = optimize(bytes);
    expect(result.fired.has('FreezeInitializerInputs')).toBe(false);
    expect(result.model.graph.inputs).toHaveLength(6);
    expect(opCounts(result.model.graph)).toEqual({ Conv: 1, BatchNormalization: 1, Relu: 1 });
    await expectSameOutputs(bytes, result.bytes, feeds());
  });

  it('freezes them from IR 4 on when asked to, and not when the pass is disabled', async () => {
    const bytes = convBnRelu(8);
    const result = optimize(bytes, { freezeInitializerInputs: true });
    expect(result.fired.get('FreezeInitializerInputs')).toBe(5);
    expect(opCounts(result.model.graph)).toEqual({ 'com.microsoft:FusedConv': 1 });
    await expectSameOutputs(bytes, result.bytes, feeds());
    const disabled = optimize(bytes, { freezeInitializerInputs: true, disabledPasses: ['FreezeInitializerInputs'] });
    expect(opCounts(disabled.model.graph)).toEqual({ Conv: 1, BatchNormalization: 1, Relu: 1 });
  });
});
