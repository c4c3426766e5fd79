/** GRU's linear_before_reset against onnxruntime. */
import { describe, it } from 'vitest';
import { attr } from '../../support/model-builder.js';
import { Rng } from '../../support/random.js';
import { randomSizes, unequalLengths, type Direction } from './recurrent-case.js';
import { expectCaseMatchesOnnxruntime } from './recurrent-oracle.js';

const DIRECTIONS: Direction[] = ['forward', 'reverse', 'bidirectional'];
const linearBeforeReset = { linear_before_reset: attr.int(1) };

describe.each(DIRECTIONS)('GRU linear_before_reset, %s', (direction) => {
  it.each([1, 2, 3])('with B and initial_h (seed %i)', async (seed) => {
    const rng = new Rng(1000 + seed);
    await expectCaseMatchesOnnxruntime(
      { op: 'GRU', direction, ...randomSizes(rng), bias: true, initialStates: true, attributes: linearBeforeReset },
      rng,
    );
  });

  it('without B', async () => {
    const rng = new Rng(1010);
    await expectCaseMatchesOnnxruntime({ op: 'GRU', direction, ...randomSizes(rng), attributes: linearBeforeReset }, rng);
  });

  it('with clip, unequal sequence_lens and layout 1', async () => {
    const rng = new Rng(1020);
    const sizes = { ...randomSizes(rng), seq: 7, batch: 3 };
    await expectCaseMatchesOnnxruntime({
      op: 'GRU', direction, ...sizes, layout: 1, bias: true, initialStates: true,
      sequenceLens: unequalLengths(sizes.seq, sizes.batch, rng),
      attributes: { ...linearBeforeReset, clip: attr.float(0.5) },
    }, rng);
  });
});

it('GRU opset 3 reads linear_before_reset', async () => {
  const rng = new Rng(1030);
  await expectCaseMatchesOnnxruntime(
    { op: 'GRU', direction: 'bidirectional', ...randomSizes(rng), bias: true, opset: 3, attributes: linearBeforeReset },
    rng,
  );
});
