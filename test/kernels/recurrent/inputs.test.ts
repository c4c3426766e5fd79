/** Inputs and attributes the kernels reject, with messages that name the fault, and hidden_size taken from R. */
import { describe, expect, it } from 'vitest';
import { expectTensorsClose, FLOAT32_TOLERANCE, runOnnxts } from '../../support/differential.js';
import { attr } from '../../support/model-builder.js';
import { Rng, randomTensor } from '../../support/random.js';
import { recurrentFeeds, recurrentModel, type RecurrentCase } from './recurrent-case.js';

const BASE: RecurrentCase = { op: 'GRU', seq: 4, batch: 2, input: 3, hidden: 2, direction: 'forward', bias: true };

async function runCase(c: RecurrentCase, feedsFor: RecurrentCase = c) {
  const feeds = recurrentFeeds(feedsFor, new Rng(1));
  return runOnnxts(recurrentModel(c, feeds), feeds);
}

describe('rejected', () => {
  it('an unknown direction', async () => {
    await expect(runCase({ ...BASE, direction: 'sideways' as RecurrentCase['direction'] }))
      .rejects.toThrow(/attribute 'direction' must be forward, reverse or bidirectional, got 'sideways'/);
  });

  it('an unknown activation function', async () => {
    await expect(runCase({ ...BASE, attributes: { activations: attr.strings(['Sigmoid', 'Swish']) } }))
      .rejects.toThrow(/unknown activation function 'Swish'/);
  });

  it('too few activation functions for two directions', async () => {
    await expect(runCase({ ...BASE, direction: 'bidirectional', attributes: { activations: attr.strings(['Sigmoid', 'Tanh']) } }))
      .rejects.toThrow(/'activations' must list 2 function\(s\) for each of 2 direction\(s\), got 2/);
  });

  it('a non-positive clip', async () => {
    await expect(runCase({ ...BASE, attributes: { clip: attr.float(0) } })).rejects.toThrow(/attribute 'clip' must be positive, got 0/);
  });

  it('weights that disagree with hidden_size', async () => {
    await expect(runCase({ ...BASE, hidden: 3 }, BASE)).rejects.toThrow(/W must have shape \[1,9,3\], got \[1,6,3\]/);
  });

  it('a sequence length beyond the sequence', async () => {
    await expect(runCase({ ...BASE, sequenceLens: [4, 5] })).rejects.toThrow(/sequence_lens\[1\] is 5, outside the sequence length range 0\.\.4/);
  });

  it('an initial state of the wrong shape', async () => {
    const c: RecurrentCase = { ...BASE, initialStates: true };
    const feeds = { ...recurrentFeeds(c, new Rng(1)), initial_h: randomTensor('float32', [1, 3, 2], new Rng(2)) };
    await expect(runOnnxts(recurrentModel(c, feeds), feeds)).rejects.toThrow(/initial_h must have shape \[1,2,2\], got \[1,3,2\]/);
  });
});

it('hidden_size defaults to the size R gives', async () => {
  const c: RecurrentCase = { ...BASE, op: 'LSTM', direction: 'bidirectional', initialStates: true };
  const [inferred, stated] = await Promise.all([runCase({ ...c, hiddenSizeAttribute: false }), runCase(c)]);
  for (const name of ['Y', 'Y_h', 'Y_c']) expectTensorsClose(inferred[name], stated[name], FLOAT32_TOLERANCE, name);
});
