import { describe, it } from 'vitest';
import type { DataType } from '../../../src/tensor/element-type.js';
import { expectOpFails, expectOpGives, expectOpMatchesOrt, tensorOf } from '../math/single-op.js';

const SHAPES: number[][][] = [
  [[3, 4], [3, 4], [3, 4]],
  [[3, 1], [1, 4], [4]],
  [[2, 3, 4], [], [3, 1]],
  [[5], [5], []],
  [[0, 2], [2], [1]],
];

/** Three shapes that broadcast together: a random target of rank 1 to 4 (odd sizes, 1s), each input a suffix of it with some dims set to 1. */
function randomShapes(seed: number): number[][] {
  let state = seed;
  const next = (n: number) => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return (state >>> 8) % n;
  };
  const rank = 1 + next(4);
  const target = Array.from({ length: rank }, () => [1, 2, 3, 5, 7, 9][next(6)]);
  return [0, 1, 2].map(() => target.slice(next(rank + 1)).map((d) => (next(3) === 0 ? 1 : d)));
}

describe('Where', () => {
  it.each(Array.from({ length: 10 }, (_, i) => randomShapes(7 + 31 * i)))(
    'random broadcast condition %j, X %j, Y %j matches onnxruntime for float32 and int64',
    async (c, x, y) => {
      await expectOpMatchesOrt('Where', [{ type: 'bool', shape: c }, { type: 'float32', shape: x }, { type: 'float32', shape: y }], { opset: 16, outType: 'float32' });
      await expectOpMatchesOrt('Where', [{ type: 'bool', shape: c }, { type: 'int64', shape: x }, { type: 'int64', shape: y }], { opset: 16, outType: 'int64' });
    },
  );

  it.each(SHAPES)('condition %j, X %j, Y %j match onnxruntime', async (c, x, y) => {
    await expectOpMatchesOrt('Where', [{ type: 'bool', shape: c }, { type: 'float32', shape: x }, { type: 'float32', shape: y }], { opset: 16, outType: 'float32' });
  });

  it.each(['int64', 'int32', 'uint8', 'float16', 'float64', 'string'] as DataType[])('%s values match onnxruntime', async (type) => {
    await expectOpMatchesOrt('Where', [{ type: 'bool', shape: [3, 4] }, { type, shape: [4] }, { type, shape: [3, 1] }], { opset: 16, outType: type });
  });

  it('copies values exactly, including int64 beyond 2^53 and NaN', async () => {
    const big = 2n ** 62n + 1n;
    await expectOpGives('Where', [
      { type: 'bool', shape: [3], tensor: tensorOf('bool', [3], [true, false, true]) },
      { type: 'int64', shape: [3], tensor: tensorOf('int64', [3], [big, 0n, -big]) },
      { type: 'int64', shape: [], tensor: tensorOf('int64', [], [-1n]) },
    ], { type: 'int64', dims: [3], data: [big, -1n, -big] }, { opset: 16 });
    await expectOpGives('Where', [
      { type: 'bool', shape: [2], tensor: tensorOf('bool', [2], [false, true]) },
      { type: 'float32', shape: [2], tensor: tensorOf('float32', [2], [1, NaN]) },
      { type: 'float32', shape: [2], tensor: tensorOf('float32', [2], [Infinity, 2]) },
    ], { type: 'float32', dims: [2], data: [Infinity, NaN] }, { opset: 9 });
  });

  it('bool values (no onnxruntime kernel) select per element', async () => {
    await expectOpGives('Where', [
      { type: 'bool', shape: [2, 2], tensor: tensorOf('bool', [2, 2], [true, false, false, true]) },
      { type: 'bool', shape: [2], tensor: tensorOf('bool', [2], [true, true]) },
      { type: 'bool', shape: [2, 1], tensor: tensorOf('bool', [2, 1], [false, true]) },
    ], { type: 'bool', dims: [2, 2], data: [1, 0, 1, 1] }, { opset: 16 });
  });

  it('rejects X and Y of different types', async () => {
    await expectOpFails('Where', [{ type: 'bool', shape: [2] }, { type: 'float32', shape: [2] }, { type: 'int32', shape: [2] }], /X and Y: element types differ/, { opset: 16, outType: 'float32' });
  });

  it('rejects shapes that do not broadcast', async () => {
    await expectOpFails('Where', [{ type: 'bool', shape: [2] }, { type: 'float32', shape: [3] }, { type: 'float32', shape: [1] }], /cannot be broadcast/, { opset: 16, outType: 'float32' });
  });
});
