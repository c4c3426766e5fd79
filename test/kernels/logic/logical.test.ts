import { describe, it } from 'vitest';
import { attr } from '../../support/model-builder.js';
import { expectOpFails, expectOpGives, expectOpMatchesOrt, tensorOf } from '../math/single-op.js';

const SHAPES: [number[], number[]][] = [[[3, 4], [3, 4]], [[3, 4, 5], [5]], [[1, 4, 1, 6], [3, 1, 5, 6]], [[], [2]], [[0, 3], [3]]];
const TRUTH: Record<string, (a: boolean, b: boolean) => boolean> = { And: (a, b) => a && b, Or: (a, b) => a || b, Xor: (a, b) => a !== b };

describe.each(['And', 'Or', 'Xor'])('%s', (op) => {
  it.each(SHAPES)('%j with %j matches onnxruntime', async (a, b) => {
    await expectOpMatchesOrt(op, [{ type: 'bool', shape: a }, { type: 'bool', shape: b }], { opset: 7 });
  });

  it('follows its truth table', async () => {
    const a = [false, false, true, true];
    const b = [false, true, false, true];
    await expectOpGives(op, [{ type: 'bool', shape: [4], tensor: tensorOf('bool', [4], a) }, { type: 'bool', shape: [4], tensor: tensorOf('bool', [4], b) }], {
      type: 'bool',
      dims: [4],
      data: a.map((v, i) => (TRUTH[op](v, b[i]) ? 1 : 0)),
    }, { opset: 7 });
  });

  it('opset 1 broadcasts B only with broadcast=1', async () => {
    await expectOpMatchesOrt(op, [{ type: 'bool', shape: [2, 3, 4] }, { type: 'bool', shape: [3, 4] }], {
      opset: 1,
      attributes: { broadcast: attr.int(1) },
      oracleOpset: 7,
      oracleAttributes: {},
    });
    await expectOpFails(op, [{ type: 'bool', shape: [2, 3] }, { type: 'bool', shape: [3] }], /set broadcast=1/, { opset: 1 });
  });
});

describe('Not', () => {
  it.each([[3, 4], [2, 3, 4, 5], [], [0]])('shape %j matches onnxruntime', async (...shape) => {
    await expectOpMatchesOrt('Not', [{ type: 'bool', shape }], { opset: 1 });
  });
});
