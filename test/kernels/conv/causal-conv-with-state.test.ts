import { describe, expect, it } from 'vitest';
import { Tensor } from '../../../src/index.js';
import { expectTensorsClose, runOnnxruntime, runOnnxts } from '../../support/differential.js';
import { attr, buildModel, singleNodeModel, type ValueSpec } from '../../support/model-builder.js';
import { Rng, randomTensor } from '../../support/random.js';

interface CausalCase {
  readonly batch: number;
  readonly channels: number;
  readonly length: number;
  readonly k: number;
  readonly bias: boolean;
  readonly past: boolean;
  readonly activation?: string;
}

/**
 * onnxruntime-node has no opset-27 CausalConvWithState; the op is, by its definition, a
 * depthwise Conv over Concat(past_state or zeros, input), with SiLU = x * Sigmoid(x).
 */
function equivalentModel(c: CausalCase): Uint8Array {
  const nodes = [
    { op: 'Concat', inputs: ['past', 'x'], outputs: ['sequence'], attributes: { axis: attr.int(2) } },
    { op: 'Conv', inputs: ['sequence', 'w', ...(c.bias ? ['b'] : [])], outputs: [c.activation ? 'conv' : 'y'], attributes: { group: attr.int(c.channels) } },
    ...(c.activation
      ? [{ op: 'Sigmoid', inputs: ['conv'], outputs: ['gate'] }, { op: 'Mul', inputs: ['conv', 'gate'], outputs: ['y'] }]
      : []),
  ];
  const inputs: ValueSpec[] = [{ name: 'x', type: 'float32' }, { name: 'w', type: 'float32' }, { name: 'past', type: 'float32' }];
  if (c.bias) inputs.push({ name: 'b', type: 'float32' });
  return buildModel({ nodes, inputs, outputs: [{ name: 'y', type: 'float32' }], opsets: { '': 22 } });
}

function causalModel(c: CausalCase): Uint8Array {
  const inputs: ValueSpec[] = [
    { name: 'x', type: 'float32' }, { name: 'w', type: 'float32' },
    { name: c.bias ? 'b' : '', type: 'float32' }, { name: c.past ? 'past' : '', type: 'float32' },
  ];
  return buildModel({
    nodes: [{
      op: 'CausalConvWithState', inputs: inputs.map((i) => i.name), outputs: ['y', 'state'],
      attributes: c.activation ? { activation: attr.string(c.activation) } : {},
    }],
    inputs: inputs.filter((i) => i.name !== ''),
    outputs: [{ name: 'y', type: 'float32' }, { name: 'state', type: 'float32' }],
    opsets: { '': 27 },
  });
}

describe('CausalConvWithState against a depthwise Conv in onnxruntime', () => {
  const cases: [string, CausalCase][] = [
    ['basic', { batch: 2, channels: 4, length: 8, k: 4, bias: false, past: false }],
    ['with bias and past state', { batch: 2, channels: 3, length: 5, k: 3, bias: true, past: true }],
    ['decode step', { batch: 3, channels: 5, length: 1, k: 4, bias: true, past: true }],
    ['input shorter than the state', { batch: 1, channels: 2, length: 2, k: 5, bias: false, past: true }],
    ['kernel of one', { batch: 2, channels: 3, length: 6, k: 1, bias: true, past: false }],
    ['silu', { batch: 2, channels: 4, length: 7, k: 3, bias: true, past: true, activation: 'silu' }],
    ['swish alias', { batch: 1, channels: 2, length: 4, k: 2, bias: false, past: false, activation: 'swish' }],
    ['empty batch', { batch: 0, channels: 2, length: 4, k: 3, bias: false, past: true }],
  ];
  it.each(cases)('%s', async (_label, c) => {
    const rng = new Rng(c.length * 7 + c.k);
    const feeds: Record<string, Tensor> = {
      x: randomTensor('float32', [c.batch, c.channels, c.length], rng),
      w: randomTensor('float32', [c.channels, 1, c.k], rng),
    };
    if (c.bias) feeds.b = randomTensor('float32', [c.channels], rng);
    const past = c.past ? randomTensor('float32', [c.batch, c.channels, c.k - 1], rng) : new Tensor('float32', new Float32Array(c.batch * c.channels * (c.k - 1)), [c.batch, c.channels, c.k - 1]);
    const ours = await runOnnxts(causalModel(c), c.past ? { ...feeds, past } : feeds);
    const theirs = await runOnnxruntime(equivalentModel(c), { ...feeds, past });
    expectTensorsClose(ours.y, theirs.y, { rtol: 1e-5, atol: 1e-5 }, 'output');

    // The new state is the last k - 1 values of past ++ x along the length.
    const span = c.k - 1 + c.length;
    const expectedState = new Float32Array(c.batch * c.channels * (c.k - 1));
    for (let plane = 0; plane < c.batch * c.channels; plane++) {
      for (let j = 0; j < c.k - 1; j++) {
        const t = span - (c.k - 1) + j;
        expectedState[plane * (c.k - 1) + j] = t < c.k - 1
          ? (past.data as Float32Array)[plane * (c.k - 1) + t]
          : (feeds.x.data as Float32Array)[plane * c.length + t - (c.k - 1)];
      }
    }
    expect(ours.state.dims).toEqual([c.batch, c.channels, c.k - 1]);
    expect(Array.from(ours.state.data as Float32Array)).toEqual(Array.from(expectedState));
  });

  it('rejects a weight that is not depthwise', async () => {
    const model = singleNodeModel('CausalConvWithState', [{ name: 'x', type: 'float32' }, { name: 'w', type: 'float32' }],
      [{ name: 'y', type: 'float32' }, { name: 'state', type: 'float32' }], { opset: 27 });
    const feeds = { x: new Tensor('float32', new Float32Array(8), [1, 2, 4]), w: new Tensor('float32', new Float32Array(12), [2, 2, 3]) };
    await expect(runOnnxts(model, feeds)).rejects.toThrow(/weight must have shape \[2, 1, k\]/);
  });
});
