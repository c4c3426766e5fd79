/**
 * Sizes where each step's recurrent product runs on R packed once per direction (float32, more
 * than one step, at least 1024 multiply-adds), and where the GEMM's batch is large, against
 * onnxruntime. The other recurrent tests stay below that size.
 */
import { describe, it } from 'vitest';
import { InferenceSession, type Tensor } from '../../../src/index.js';
import { expectTensorsClose, FLOAT32_TOLERANCE, runOnnxruntime } from '../../support/differential.js';
import { attr, buildModel } from '../../support/model-builder.js';
import { randomDense, randomTensor, Rng } from '../../support/random.js';
import { outputNames, unequalLengths, type Direction, type RecurrentCase, type RecurrentOp } from './recurrent-case.js';
import { expectCaseMatchesOnnxruntime } from './recurrent-oracle.js';

const OPS: RecurrentOp[] = ['RNN', 'GRU', 'LSTM'];
const DIRECTIONS: Direction[] = ['forward', 'reverse', 'bidirectional'];

/** Odd sizes, so no dimension is a multiple of the GEMM's blocking. */
function packedSizes(rng: Rng): Pick<RecurrentCase, 'seq' | 'batch' | 'input' | 'hidden'> {
  return { seq: rng.int(3, 6), batch: rng.int(1, 3), input: rng.int(5, 19), hidden: 2 * rng.int(8, 16) + 1 };
}

describe.each(OPS)('%s with a packed R', (op) => {
  it.each(DIRECTIONS)('%s, with B and initial states', async (direction) => {
    const rng = new Rng(7000 + DIRECTIONS.indexOf(direction));
    await expectCaseMatchesOnnxruntime({ op, direction, ...packedSizes(rng), bias: true, initialStates: true }, rng);
  });

  it('unequal sequence_lens, layout 1', async () => {
    const rng = new Rng(7010);
    const sizes = { ...packedSizes(rng), batch: 3 };
    const sequenceLens = unequalLengths(sizes.seq, sizes.batch, rng);
    await expectCaseMatchesOnnxruntime({ op, direction: 'bidirectional', ...sizes, layout: 1, bias: true, initialStates: true, sequenceLens }, rng);
  });

  it('a batch of 11 entries', async () => {
    const rng = new Rng(7020);
    await expectCaseMatchesOnnxruntime({ op, direction: 'bidirectional', ...packedSizes(rng), batch: 11, bias: true }, rng);
  });

  it('clip', async () => {
    const rng = new Rng(7030);
    await expectCaseMatchesOnnxruntime({ op, direction: 'forward', ...packedSizes(rng), bias: true, attributes: { clip: attr.float(0.6) } }, rng);
  });
});

describe.each(DIRECTIONS)('GRU linear_before_reset with a packed R, %s', (direction) => {
  it('with B, initial_h and unequal sequence_lens', async () => {
    const rng = new Rng(7100 + DIRECTIONS.indexOf(direction));
    const sizes = { ...packedSizes(rng), batch: 3 };
    await expectCaseMatchesOnnxruntime({
      op: 'GRU', direction, ...sizes, bias: true, initialStates: true,
      sequenceLens: unequalLengths(sizes.seq, sizes.batch, rng),
      attributes: { linear_before_reset: attr.int(1) },
    }, rng);
  });
});

describe('LSTM with a packed R', () => {
  it.each(DIRECTIONS)('peepholes, %s', async (direction) => {
    const rng = new Rng(7200 + DIRECTIONS.indexOf(direction));
    await expectCaseMatchesOnnxruntime({ op: 'LSTM', direction, ...packedSizes(rng), bias: true, initialStates: true, peepholes: true }, rng);
  });

  it('input_forget', async () => {
    const rng = new Rng(7210);
    await expectCaseMatchesOnnxruntime({
      op: 'LSTM', direction: 'forward', ...packedSizes(rng), bias: true, initialStates: true, attributes: { input_forget: attr.int(1) },
    }, rng);
  });
});

describe.each(OPS)('%s with W, R and B as initializers', (op) => {
  // A constant R is packed on the first run and the packed form reused by the next ones.
  it.each([1, 4])('matches onnxruntime on every run, %i step(s)', async (seq) => {
    const rng = new Rng(7300 + seq);
    const hidden = 2 * rng.int(8, 16) + 1;
    const input = rng.int(5, 19);
    const batch = rng.int(1, 3);
    const rows = { RNN: 1, GRU: 3, LSTM: 4 }[op] * hidden;
    const initializers = {
      W: randomDense('float32', [2, rows, input], rng, -1, 1),
      R: randomDense('float32', [2, rows, hidden], rng, -1, 1),
      B: randomDense('float32', [2, 2 * rows], rng, -1, 1),
    };
    const model = buildModel({
      nodes: [{ op, inputs: ['X', 'W', 'R', 'B'], outputs: outputNames(op), attributes: { hidden_size: attr.int(hidden), direction: attr.string('bidirectional') } }],
      inputs: [{ name: 'X', type: 'float32', shape: [seq, batch, input] }],
      outputs: outputNames(op).map((name) => ({ name, type: 'float32' })),
      initializers,
      opsets: { '': 14 },
    });
    const session = await InferenceSession.create(model);
    for (let run = 0; run < 3; run++) {
      const feeds = { X: randomTensor('float32', [seq, batch, input], rng, -2, 2) };
      const ours = (await session.run(feeds)) as Record<string, Tensor>;
      const theirs = await runOnnxruntime(model, feeds);
      for (const [name, expected] of Object.entries(theirs)) expectTensorsClose(ours[name], expected, FLOAT32_TOLERANCE, `run ${run} '${name}'`);
    }
  });
});
