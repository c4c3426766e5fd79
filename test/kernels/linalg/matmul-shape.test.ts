import { describe, expect, it } from 'vitest';
import { matmulShape } from '../../../src/kernels/linalg/matmul-shape.js';
import { broadcastIndex, broadcastShapes } from '../../../src/kernels/support/broadcast.js';
import { sizeOf } from '../../../src/tensor/shape.js';

/** Which A and B matrix each output matrix multiplies, by the broadcasting rules directly. */
function expectedPairs(aBatch: number[], bBatch: number[]): [number, number][] {
  const batch = broadcastShapes(aBatch, bBatch);
  const ai = broadcastIndex(aBatch, batch);
  const bi = broadcastIndex(bBatch, batch);
  return Array.from({ length: sizeOf(batch) }, (_, i) => [ai?.[i] ?? i, bi?.[i] ?? i]);
}

describe('matmulShape batch dims', () => {
  const cases: [number[], number[]][] = [
    [[], []], [[3], []], [[2, 3], [1]], [[2, 3], [1, 1]], [[3], [1, 1]], [[1], [4]], [[2, 1], [1, 5]],
    [[2, 3], [2, 3]], [[5], [5]], [[1, 3], [2, 1]], [[0], []], [[2, 0], [2, 0]], [[1], [1, 1, 1]],
  ];
  it.each(cases)('A batch %j, B batch %j', (aBatch, bBatch) => {
    const shape = matmulShape([...aBatch, 3, 5], [...bBatch, 5, 7]);
    const batch = broadcastShapes(aBatch, bBatch);
    expect(shape.outDims).toEqual([...batch, 3, 7]);
    expect(shape.batches).toBe(sizeOf(batch));
    const pairs = Array.from({ length: shape.batches }, (_, i) => [shape.aMatrix(i), shape.bMatrix(i)]);
    expect(pairs).toEqual(expectedPairs(aBatch, bBatch).map(([a, b]) => [a, sizeOf(bBatch) === 1 ? 0 : b]));
    if (shape.stackable) expect(pairs.every(([a, b], i) => a === i && b === 0)).toBe(true);
  });

  it('drops the added dimension of 1-D operands', () => {
    expect(matmulShape([5], [2, 5, 7]).outDims).toEqual([2, 7]);
    expect(matmulShape([2, 3, 5], [5]).outDims).toEqual([2, 3]);
    expect(matmulShape([5], [5]).outDims).toEqual([]);
  });
});
