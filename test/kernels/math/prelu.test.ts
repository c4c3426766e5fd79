import { describe, it } from 'vitest';
import { expectOpFails, expectOpGives, expectOpMatchesOrt, tensorOf } from './single-op.js';

const SLOPE_SHAPES: [number[], number[]][] = [
  [[3, 4, 5], [3, 4, 5]],
  [[3, 4, 5], [5]],
  [[3, 4, 5], [4, 1]],
  [[2, 3, 4, 5], [1, 3, 1, 1]],
  [[7], [1]],
  [[2, 3], []],
  [[0, 3], [3]],
];

describe('PRelu', () => {
  it.each(SLOPE_SHAPES)('float32 X %j with slope %j matches onnxruntime', async (x, slope) => {
    await expectOpMatchesOrt('PRelu', [{ type: 'float32', shape: x }, { type: 'float32', shape: slope }], { opset: 16 });
  });

  it.each(['float16', 'float64'] as const)('%s matches onnxruntime', async (type) => {
    await expectOpMatchesOrt('PRelu', [{ type, shape: [2, 3, 4] }, { type, shape: [3, 1] }], { opset: 16 });
  });

  it('int32 and int64 (opset 16 types) follow the formula', async () => {
    const x = [-5, -1, 0, 3];
    const slope = [2, -3, 4, 5];
    const y = x.map((v, i) => (v < 0 ? v * slope[i] : v));
    await expectOpGives('PRelu', [{ type: 'int32', shape: [4], tensor: tensorOf('int32', [4], x) }, { type: 'int32', shape: [4], tensor: tensorOf('int32', [4], slope) }], {
      type: 'int32',
      dims: [4],
      data: y,
    }, { opset: 16 });
    await expectOpGives('PRelu', [
      { type: 'int64', shape: [4], tensor: tensorOf('int64', [4], x.map(BigInt)) },
      { type: 'int64', shape: [1], tensor: tensorOf('int64', [1], [-(2n ** 40n)]) },
    ], { type: 'int64', dims: [4], data: [5n * 2n ** 40n, 2n ** 40n, 0n, 3n] }, { opset: 16 });
  });

  it('rejects a slope that does not broadcast to X alone', async () => {
    await expectOpFails('PRelu', [{ type: 'float32', shape: [3] }, { type: 'float32', shape: [2, 3] }], /slope of shape \[2,3\] does not broadcast to X of shape \[3\]/, { opset: 16 });
  });

  it('opsets 1 and 6 apply a 1-D slope per channel (axis 1)', async () => {
    const x = Array.from({ length: 2 * 3 * 2 }, (_, i) => i - 6);
    const slope = [0.5, 2, -1];
    const y = x.map((v, i) => (v < 0 ? v * slope[Math.floor(i / 2) % 3] : v));
    for (const opset of [1, 6]) {
      await expectOpGives('PRelu', [
        { type: 'float32', shape: [2, 3, 2], tensor: tensorOf('float32', [2, 3, 2], x) },
        { type: 'float32', shape: [3], tensor: tensorOf('float32', [3], slope) },
      ], { type: 'float32', dims: [2, 3, 2], data: y }, { opset });
    }
  });

  it('opset 6 with a one-element or same-shape slope matches the broadcasting form', async () => {
    await expectOpMatchesOrt('PRelu', [{ type: 'float32', shape: [2, 5] }, { type: 'float32', shape: [1] }], { opset: 6, oracleOpset: 16 });
    await expectOpMatchesOrt('PRelu', [{ type: 'float32', shape: [2, 5] }, { type: 'float32', shape: [2, 5] }], { opset: 6, oracleOpset: 16 });
  });
});
