import { describe, it } from 'vitest';
import type { DataType } from '../../../src/tensor/element-type.js';
import { attr } from '../../support/model-builder.js';
import { expectOpFails, expectOpGives, expectOpMatchesOrt, tensorOf } from '../math/single-op.js';

const OPS: [op: string, opset: number][] = [['Equal', 19], ['Less', 13], ['Greater', 13], ['LessOrEqual', 16], ['GreaterOrEqual', 16]];
const SHAPES: [number[], number[]][] = [[[3, 4, 5], [3, 4, 5]], [[3, 4, 5], [5]], [[4, 1], [1, 6]], [[], [7]], [[0, 2], [2]]];
const TYPES: DataType[] = ['float32', 'float64', 'float16', 'int8', 'int32', 'int64', 'uint8', 'uint32', 'uint64'];

describe.each(OPS)('%s', (op, opset) => {
  it.each(SHAPES)('float32 %j with %j matches onnxruntime', async (a, b) => {
    // Small integers as floats, so that equal values occur.
    await expectOpMatchesOrt(op, [{ type: 'int32', shape: a, min: -2, max: 2 }, { type: 'int32', shape: b, min: -2, max: 2 }], { opset, outType: 'bool' });
    await expectOpMatchesOrt(op, [{ type: 'float32', shape: a }, { type: 'float32', shape: b }], { opset, outType: 'bool' });
  });

  it.each(TYPES)('%s matches onnxruntime', async (type) => {
    await expectOpMatchesOrt(op, [{ type, shape: [4, 6], min: 0, max: 3 }, { type, shape: [6], min: 0, max: 3 }], { opset, outType: 'bool' });
  });

  it('NaN compares false, and -0 equals 0', async () => {
    const a = tensorOf('float32', [3], [NaN, -0, 1]);
    const b = tensorOf('float32', [3], [NaN, 0, NaN]);
    const expected = { Equal: [0, 1, 0], Less: [0, 0, 0], Greater: [0, 0, 0], LessOrEqual: [0, 1, 0], GreaterOrEqual: [0, 1, 0] }[op]!;
    await expectOpGives(op, [{ type: 'float32', shape: [3], tensor: a }, { type: 'float32', shape: [3], tensor: b }], { type: 'bool', dims: [3], data: expected }, { opset, outType: 'bool' });
  });

  it('rejects inputs of different types', async () => {
    await expectOpFails(op, [{ type: 'float32', shape: [2] }, { type: 'int32', shape: [2] }], /A is float32 but B is int32/, { opset, outType: 'bool' });
  });
});

describe('Equal on bool and string', () => {
  it('bool matches onnxruntime', async () => {
    await expectOpMatchesOrt('Equal', [{ type: 'bool', shape: [3, 4] }, { type: 'bool', shape: [4] }], { opset: 11, outType: 'bool' });
  });

  it('strings compare exactly, with broadcasting', async () => {
    await expectOpGives('Equal', [
      { type: 'string', shape: [2, 3], tensor: tensorOf('string', [2, 3], ['a', 'b', 'é', '', 'B', 'c']) },
      { type: 'string', shape: [3], tensor: tensorOf('string', [3], ['a', 'b', 'é']) },
    ], { type: 'bool', dims: [2, 3], data: [1, 1, 1, 0, 0, 0] }, { opset: 19, outType: 'bool' });
    await expectOpMatchesOrt('Equal', [{ type: 'string', shape: [3, 4] }, { type: 'string', shape: [1, 4] }], { opset: 19, outType: 'bool' });
  });
});

describe('int64 beyond 2^53', () => {
  it('compares exactly', async () => {
    const big = 2n ** 60n;
    const a = { type: 'int64' as const, shape: [3], tensor: tensorOf('int64', [3], [big, big + 1n, -big]) };
    const b = { type: 'int64' as const, shape: [1], tensor: tensorOf('int64', [1], [big + 1n]) };
    await expectOpGives('Less', [a, b], { type: 'bool', dims: [3], data: [1, 0, 1] }, { opset: 13, outType: 'bool' });
    await expectOpGives('Equal', [a, b], { type: 'bool', dims: [3], data: [0, 1, 0] }, { opset: 13, outType: 'bool' });
  });
});

describe('pre-opset-7 forms', () => {
  it.each(['Equal', 'Less', 'Greater'])('%s at opset 1 and 6 broadcasts B at axis when broadcast=1', async (op) => {
    const a = Array.from({ length: 12 }, (_, i) => i % 5);
    const b = [1, 2, 3];
    const compare: Record<string, (x: number, y: number) => boolean> = { Equal: (x, y) => x === y, Less: (x, y) => x < y, Greater: (x, y) => x > y };
    // B [3] at axis 0 of A [3,4]: one value per row.
    const expected = a.map((v, i) => (compare[op](v, b[Math.floor(i / 4)]) ? 1 : 0));
    for (const opset of [1, 6]) {
      await expectOpGives(op, [
        { type: 'int32', shape: [3, 4], tensor: tensorOf('int32', [3, 4], a) },
        { type: 'int32', shape: [3], tensor: tensorOf('int32', [3], b) },
      ], { type: 'bool', dims: [3, 4], data: expected }, { opset, outType: 'bool', attributes: { broadcast: attr.int(1), axis: attr.int(0) } });
    }
  });
});
