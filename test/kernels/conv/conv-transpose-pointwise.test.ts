/**
 * ConvTranspose's pointwise path (1x1 kernel of any rank, unit strides, no padding: the product
 * adds straight into the output) against onnxruntime, and its output in the run's arena (not
 * zeroed between runs) over repeated runs. Cases just off the path (a stride, a pad,
 * output_padding) go to the general path and must agree too.
 */
import { describe, it } from 'vitest';
import { InferenceSession, Tensor } from '../../../src/index.js';
import { expectMatchesOnnxruntime, expectTensorsClose, runOnnxruntime } from '../../support/differential.js';
import { attr, buildModel, singleNodeModel, type AttributeValue } from '../../support/model-builder.js';
import { Rng, randomDense, randomTensor } from '../../support/random.js';

interface PointwiseCase {
  readonly batch: number;
  readonly group: number;
  readonly inPerGroup: number;
  readonly outPerGroup: number;
  readonly spatial: readonly number[];
  readonly bias: boolean;
  readonly attributes?: Record<string, AttributeValue>;
}

function pointwiseModel(c: PointwiseCase, rng: Rng): { model: Uint8Array; feeds: Record<string, Tensor> } {
  const channels = c.group * c.inPerGroup;
  const xDims = [c.batch, channels, ...c.spatial];
  const wDims = [channels, c.outPerGroup, ...c.spatial.map(() => 1)];
  const feeds: Record<string, Tensor> = { x: randomTensor('float32', xDims, rng), w: randomTensor('float32', wDims, rng, -1, 1) };
  const inputs = [{ name: 'x', type: 'float32' as const, shape: xDims }, { name: 'w', type: 'float32' as const, shape: wDims }];
  if (c.bias) {
    feeds.b = randomTensor('float32', [c.group * c.outPerGroup], rng);
    inputs.push({ name: 'b', type: 'float32', shape: [c.group * c.outPerGroup] });
  }
  const attributes = { ...(c.group === 1 ? {} : { group: attr.int(c.group) }), ...c.attributes };
  return { model: singleNodeModel('ConvTranspose', inputs, [{ name: 'y', type: 'float32' }], { opset: 17, attributes }), feeds };
}

describe('ConvTranspose pointwise against onnxruntime', () => {
  const cases: [string, PointwiseCase][] = [
    ['2-D, 24 -> 16 channels, one row of 33 (a streaming decoder shape)', { batch: 1, group: 1, inPerGroup: 24, outPerGroup: 16, spatial: [1, 33], bias: true }],
    ['2-D, odd sizes, batch 3, no bias', { batch: 3, group: 1, inPerGroup: 7, outPerGroup: 5, spatial: [3, 11], bias: false }],
    ['1-D, groups of 5 x 3', { batch: 2, group: 3, inPerGroup: 5, outPerGroup: 3, spatial: [13], bias: true }],
    ['3-D, 9 -> 6 channels', { batch: 1, group: 1, inPerGroup: 9, outPerGroup: 6, spatial: [3, 5, 2], bias: true }],
    ['empty batch', { batch: 0, group: 1, inPerGroup: 6, outPerGroup: 5, spatial: [4, 3], bias: true }],
    ['off the path: stride 2', { batch: 1, group: 1, inPerGroup: 6, outPerGroup: 5, spatial: [3, 7], bias: true, attributes: { strides: attr.ints([2, 1]) } }],
    ['off the path: pads', { batch: 1, group: 1, inPerGroup: 6, outPerGroup: 5, spatial: [3, 7], bias: true, attributes: { pads: attr.ints([0, 1, 0, 1]) } }],
    ['off the path: output_padding', { batch: 1, group: 1, inPerGroup: 6, outPerGroup: 5, spatial: [3, 7], bias: false, attributes: { strides: attr.ints([2, 2]), output_padding: attr.ints([1, 0]) } }],
  ];
  it.each(cases)('%s', async (label, c) => {
    const { model, feeds } = pointwiseModel(c, new Rng(label.length + 900));
    await expectMatchesOnnxruntime(model, feeds, undefined, label);
  });
});

describe('ConvTranspose output read by another node', () => {
  it.each([true, false])('matches onnxruntime run after run (bias %s)', async (bias) => {
    const rng = new Rng(bias ? 31 : 32);
    const [inC, outC, h, w] = [10, 7, 3, 17];
    const initializers = { W: randomDense('float32', [inC, outC, 1, 1], rng, -1, 1), ...(bias ? { B: randomDense('float32', [outC], rng) } : {}) };
    const model = buildModel({
      nodes: [
        { op: 'ConvTranspose', inputs: bias ? ['X', 'W', 'B'] : ['X', 'W'], outputs: ['Y'] },
        // The 3x3 transpose on the general path writes into the arena too.
        { op: 'ConvTranspose', inputs: ['Y', 'W2'], outputs: ['Z'], attributes: { strides: attr.ints([2, 2]) } },
        { op: 'Add', inputs: ['Y', 'Y'], outputs: ['Y2'] },
      ],
      inputs: [{ name: 'X', type: 'float32', shape: [1, inC, h, w] }],
      outputs: [{ name: 'Y2', type: 'float32' }, { name: 'Z', type: 'float32' }],
      initializers: { ...initializers, W2: randomDense('float32', [outC, 3, 3, 3], rng, -1, 1) },
      opsets: { '': 17 },
    });
    const session = await InferenceSession.create(model);
    for (let run = 0; run < 4; run++) {
      const feeds = { X: randomTensor('float32', [1, inC, h, w], rng) };
      const ours = await session.run(feeds);
      const theirs = await runOnnxruntime(model, feeds);
      for (const name of ['Y2', 'Z']) expectTensorsClose(ours[name] as Tensor, theirs[name], { rtol: 1e-4, atol: 1e-4 }, `run ${run} ${name}`);
    }
  });
});
