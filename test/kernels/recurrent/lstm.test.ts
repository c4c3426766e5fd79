/** LSTM's peepholes and input_forget against onnxruntime. */
import { describe, it } from 'vitest';
import { attr } from '../../support/model-builder.js';
import { Rng } from '../../support/random.js';
import { randomSizes, unequalLengths, type Direction } from './recurrent-case.js';
import { expectCaseMatchesOnnxruntime } from './recurrent-oracle.js';

const DIRECTIONS: Direction[] = ['forward', 'reverse', 'bidirectional'];

describe.each(DIRECTIONS)('LSTM %s', (direction) => {
  it.each([1, 2, 3])('peepholes with B and initial states (seed %i)', async (seed) => {
    const rng = new Rng(2000 + seed);
    await expectCaseMatchesOnnxruntime(
      { op: 'LSTM', direction, ...randomSizes(rng), bias: true, initialStates: true, peepholes: true },
      rng,
    );
  });

  it('input_forget', async () => {
    const rng = new Rng(2010);
    await expectCaseMatchesOnnxruntime(
      { op: 'LSTM', direction, ...randomSizes(rng), bias: true, initialStates: true, attributes: { input_forget: attr.int(1) } },
      rng,
    );
  });

  it('peepholes with clip, unequal sequence_lens and layout 1', async () => {
    const rng = new Rng(2020);
    const sizes = { ...randomSizes(rng), seq: 7, batch: 3 };
    await expectCaseMatchesOnnxruntime({
      op: 'LSTM', direction, ...sizes, layout: 1, bias: true, initialStates: true, peepholes: true,
      sequenceLens: unequalLengths(sizes.seq, sizes.batch, rng),
      attributes: { clip: attr.float(0.6) },
    }, rng);
  });
});

it('LSTM with only Y_c requested', async () => {
  const rng = new Rng(2030);
  await expectCaseMatchesOnnxruntime(
    { op: 'LSTM', direction: 'bidirectional', ...randomSizes(rng), bias: true, peepholes: true, outputs: ['Y_c'] },
    rng,
  );
});
