/**
 * The cells' plain loops (default functions called by name, no clip) against their general
 * loops: a clip too large to bite sends the same case down the general loop, which must give
 * the same values (the clamp never changes a value, so the tolerance is float32 rounding).
 */
import { describe, it } from 'vitest';
import { attr } from '../../support/model-builder.js';
import { expectTensorsClose, runOnnxts } from '../../support/differential.js';
import { Rng } from '../../support/random.js';
import { outputNames, recurrentFeeds, recurrentModel, unequalLengths, type RecurrentCase, type RecurrentOp } from './recurrent-case.js';

const NO_BITE = { clip: attr.float(1e30) };
const TOLERANCE = { rtol: 1e-6, atol: 1e-7 };

const CASES: [string, RecurrentOp, Record<string, ReturnType<typeof attr.int>>][] = [
  ['LSTM', 'LSTM', {}],
  ['GRU linear_before_reset', 'GRU', { linear_before_reset: attr.int(1) }],
];

describe.each(CASES)('%s plain loop', (_, op, attributes) => {
  it.each([
    ['one step, wide hidden', { seq: 1, batch: 1, input: 37, hidden: 53 }],
    ['odd sizes, bidirectional, unequal lengths', { seq: 9, batch: 3, input: 7, hidden: 13 }],
    ['empty batch', { seq: 4, batch: 0, input: 5, hidden: 6 }],
  ] as const)('matches the general loop: %s', async (__, sizes) => {
    const rng = new Rng(4000 + sizes.hidden);
    const direction = sizes.batch === 3 ? 'bidirectional' : 'forward';
    const base: RecurrentCase = {
      op, direction, ...sizes, bias: true, initialStates: true, attributes,
      sequenceLens: sizes.batch > 1 ? unequalLengths(sizes.seq, sizes.batch, rng) : undefined,
    };
    const feeds = recurrentFeeds(base, rng);
    const plain = await runOnnxts(recurrentModel(base, feeds), feeds);
    const general = await runOnnxts(recurrentModel({ ...base, attributes: { ...attributes, ...NO_BITE } }, feeds), feeds);
    for (const name of outputNames(op)) {
      expectTensorsClose(plain[name], general[name], TOLERANCE, `${op} ${name} [seq ${sizes.seq}, batch ${sizes.batch}, hidden ${sizes.hidden}]`);
    }
  });
});
