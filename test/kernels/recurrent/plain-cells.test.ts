/**
 * The cells' step loops against one another. LSTM's plain loop (activations in place, gate by
 * gate) must give what its general loop (peepholes, input_forget) gives when the peepholes are
 * zero; a clip too large to bite must change nothing in any cell. Tolerances: float32 rounding
 * of the gates stored between passes, and the float32 approximations (within 3e-8) against the
 * general loop's double-precision functions.
 */
import { describe, it } from 'vitest';
import { Tensor } from '../../../src/index.js';
import { attr } from '../../support/model-builder.js';
import { expectTensorsClose, runOnnxts } from '../../support/differential.js';
import { Rng } from '../../support/random.js';
import { outputNames, recurrentFeeds, recurrentModel, unequalLengths, type RecurrentCase, type RecurrentOp } from './recurrent-case.js';

const NO_BITE = { clip: attr.float(1e30) };
const TOLERANCE = { rtol: 1e-5, atol: 1e-6 };

const SIZES = [
  ['one step, wide hidden', { seq: 1, batch: 1, input: 37, hidden: 53 }],
  ['long run of gates (past the WebAssembly threshold)', { seq: 3, batch: 2, input: 5, hidden: 67 }],
  ['odd sizes, bidirectional, unequal lengths', { seq: 9, batch: 3, input: 7, hidden: 13 }],
  ['empty batch', { seq: 4, batch: 0, input: 5, hidden: 6 }],
] as const;

function baseCase(op: RecurrentOp, sizes: (typeof SIZES)[number][1], rng: Rng, attributes = {}): RecurrentCase {
  return {
    op, direction: sizes.batch === 3 ? 'bidirectional' : 'forward', ...sizes, bias: true, initialStates: true, attributes,
    sequenceLens: sizes.batch > 1 ? unequalLengths(sizes.seq, sizes.batch, rng) : undefined,
  };
}

async function expectSameOutputs(op: RecurrentOp, a: RecurrentCase, aFeeds: Record<string, Tensor>, b: RecurrentCase, bFeeds: Record<string, Tensor>): Promise<void> {
  const first = await runOnnxts(recurrentModel(a, aFeeds), aFeeds);
  const second = await runOnnxts(recurrentModel(b, bFeeds), bFeeds);
  for (const name of outputNames(op)) {
    expectTensorsClose(first[name], second[name], TOLERANCE, `${op} ${name} [seq ${a.seq}, batch ${a.batch}, hidden ${a.hidden}]`);
  }
}

describe('LSTM plain loop', () => {
  it.each(SIZES)('matches the general loop with zero peepholes: %s', async (_, sizes) => {
    const rng = new Rng(4000 + sizes.hidden);
    const base = baseCase('LSTM', sizes, rng);
    const feeds = recurrentFeeds(base, rng);
    const directions = base.direction === 'bidirectional' ? 2 : 1;
    const zeroPeepholes = { ...feeds, P: new Tensor('float32', new Float32Array(directions * 3 * sizes.hidden), [directions, 3 * sizes.hidden]) };
    await expectSameOutputs('LSTM', base, feeds, { ...base, peepholes: true }, zeroPeepholes);
  });
});

describe.each([
  ['LSTM', 'LSTM', {}],
  ['GRU linear_before_reset', 'GRU', { linear_before_reset: attr.int(1) }],
  ['GRU reset before linear', 'GRU', { linear_before_reset: attr.int(0) }],
  ['RNN', 'RNN', {}],
] as const)('%s clip', (_, op, attributes) => {
  it.each(SIZES)('a clip that does not bite changes nothing: %s', async (__, sizes) => {
    const rng = new Rng(5000 + sizes.hidden);
    const base = baseCase(op, sizes, rng, attributes);
    const feeds = recurrentFeeds(base, rng);
    await expectSameOutputs(op, base, feeds, { ...base, attributes: { ...attributes, ...NO_BITE } }, feeds);
  });
});
