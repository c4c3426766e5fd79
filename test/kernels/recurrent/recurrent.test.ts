/** What RNN, GRU and LSTM share, each checked against onnxruntime on seeded random sizes. */
import { describe, it } from 'vitest';
import { attr } from '../../support/model-builder.js';
import { Rng } from '../../support/random.js';
import { randomSizes, unequalLengths, type Direction, type RecurrentCase, type RecurrentOp } from './recurrent-case.js';
import { expectCaseMatchesOnnxruntime } from './recurrent-oracle.js';

const OPS: RecurrentOp[] = ['RNN', 'GRU', 'LSTM'];
const DIRECTIONS: Direction[] = ['forward', 'reverse', 'bidirectional'];
const SEEDS = [1, 2, 3];

const check = (c: RecurrentCase, rng: Rng): Promise<void> => expectCaseMatchesOnnxruntime(c, rng);

describe.each(OPS)('%s', (op) => {
  describe.each(DIRECTIONS)('%s', (direction) => {
    it.each(SEEDS)('random sizes without optional inputs (seed %i)', async (seed) => {
      const rng = new Rng(seed);
      await check({ op, direction, ...randomSizes(rng) }, rng);
    });

    it.each(SEEDS)('with B and initial states (seed %i)', async (seed) => {
      const rng = new Rng(100 + seed);
      await check({ op, direction, ...randomSizes(rng), bias: true, initialStates: true }, rng);
    });

    it.each(SEEDS)('layout 1 (seed %i)', async (seed) => {
      const rng = new Rng(200 + seed);
      await check({ op, direction, ...randomSizes(rng), layout: 1, bias: true, initialStates: true }, rng);
    });

    it.each([0, 1] as const)('unequal sequence_lens, layout %i', async (layout) => {
      const rng = new Rng(300 + layout);
      const sizes = { ...randomSizes(rng), seq: 6, batch: 3 };
      const sequenceLens = unequalLengths(sizes.seq, sizes.batch, rng);
      await check({ op, direction, ...sizes, layout, bias: true, initialStates: true, sequenceLens }, rng);
    });

    it('clip', async () => {
      const rng = new Rng(400);
      await check({ op, direction, ...randomSizes(rng), bias: true, attributes: { clip: attr.float(0.7) } }, rng);
    });
  });

  it.each([1, 7, 22])('opset %i', async (opset) => {
    const rng = new Rng(500 + opset);
    await check({ op, direction: 'bidirectional', ...randomSizes(rng), bias: true, initialStates: true, opset }, rng);
  });

  it('float64', async () => {
    const rng = new Rng(510);
    await check({ op, direction: 'bidirectional', ...randomSizes(rng), bias: true, initialStates: true, type: 'float64' }, rng);
  });

  it('float16, computed in float32', async () => {
    const rng = new Rng(511);
    const c: RecurrentCase = { op, direction: 'bidirectional', ...randomSizes(rng), bias: true, initialStates: true, type: 'float16' };
    await expectCaseMatchesOnnxruntime(c, rng, { rtol: 1e-3, atol: 1e-3 });
  });

  it('bfloat16 from opset 22', async () => {
    const rng = new Rng(512);
    const c: RecurrentCase = { op, direction: 'forward', ...randomSizes(rng), bias: true, type: 'bfloat16', opset: 22 };
    await expectCaseMatchesOnnxruntime(c, rng, { rtol: 8e-3, atol: 8e-3 });
  });

  it('a sequence of length 0 ends in zero states', async () => {
    const rng = new Rng(520);
    const sizes = { ...randomSizes(rng), seq: 5, batch: 3 };
    await check({ op, direction: 'bidirectional', ...sizes, bias: true, initialStates: true, sequenceLens: [3, 0, 5] }, rng);
  });

  it('only the final state requested', async () => {
    const rng = new Rng(600);
    await check({ op, direction: 'forward', ...randomSizes(rng), bias: true, outputs: ['Y_h'] }, rng);
  });

  it('only Y requested', async () => {
    const rng = new Rng(601);
    await check({ op, direction: 'reverse', ...randomSizes(rng), bias: true, outputs: ['Y'] }, rng);
  });

  it('different activations per direction', async () => {
    const rng = new Rng(700);
    const activations = {
      RNN: ['Relu', 'Softsign'],
      GRU: ['Sigmoid', 'Softsign', 'HardSigmoid', 'Tanh'],
      LSTM: ['HardSigmoid', 'Tanh', 'Softsign', 'Sigmoid', 'Softsign', 'Tanh'],
    }[op];
    await check({
      op, direction: 'bidirectional', ...randomSizes(rng), bias: true,
      attributes: { activations: attr.strings(activations) },
    }, rng);
  });
});
