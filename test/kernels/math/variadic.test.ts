import { describe, it } from 'vitest';
import type { DataType } from '../../../src/tensor/element-type.js';
import { expectOpFails, expectOpGives, expectOpMatchesOrt, tensorOf } from './single-op.js';

const SHAPE_SETS: number[][][] = [
  [[3, 4]],
  [[3, 4], [3, 4]],
  [[2, 3, 4], [4], [3, 1]],
  [[5], [1], [2, 1], [1, 5]],
  [[], [2, 3]],
  [[0, 3], [3]],
];

describe.each(['Max', 'Min', 'Sum', 'Mean'])('%s', (op) => {
  it.each(SHAPE_SETS)('float32 inputs %j match onnxruntime', async (...shapes) => {
    await expectOpMatchesOrt(op, shapes.map((shape) => ({ type: 'float32', shape })), { opset: 13 });
  });

  // onnxruntime has no float64 Mean; it has its own test below.
  it.each((op === 'Mean' ? ['float16'] : ['float16', 'float64']) as DataType[])('%s matches onnxruntime', async (type) => {
    await expectOpMatchesOrt(op, [{ type, shape: [2, 3] }, { type, shape: [3] }, { type, shape: [2, 1] }], { opset: 13 });
  });

  it('opset 6 matches the broadcasting form when shapes agree', async () => {
    await expectOpMatchesOrt(op, [{ type: 'float32', shape: [2, 3] }, { type: 'float32', shape: [2, 3] }, { type: 'float32', shape: [2, 3] }], { opset: 6, oracleOpset: 13 });
  });

  it('opset 6 rejects inputs of different shapes (broadcasting came in opset 8)', async () => {
    await expectOpFails(op, [{ type: 'float32', shape: [2, 3] }, { type: 'float32', shape: [3] }], /input 1 has shape \[3\] but input 0 has \[2,3\]/, { opset: 6 });
  });

  it('rejects inputs of different types', async () => {
    await expectOpFails(op, [{ type: 'float32', shape: [2] }, { type: 'float64', shape: [2] }], /input 1 is float64 but input 0 is float32/, { opset: 13 });
  });
});

describe('Max and Min on integers', () => {
  const types: DataType[] = ['int8', 'int32', 'int64', 'uint8', 'uint32', 'uint64'];
  it.each(types.flatMap((t) => [['Max', t], ['Min', t]]))('%s %s matches onnxruntime', async (op, type) => {
    const t = type as DataType;
    const min = t.startsWith('u') ? 0 : -100;
    await expectOpMatchesOrt(op, [{ type: t, shape: [3, 4], min, max: 100 }, { type: t, shape: [4], min, max: 100 }, { type: t, shape: [3, 1], min, max: 100 }], { opset: 13 });
  });

  it.each(['int16', 'uint16'] as DataType[])('%s (no onnxruntime kernel) takes the elementwise extreme', async (type) => {
    const a = type === 'int16' ? [5, -300, 7, 32767] : [5, 300, 7, 65535];
    const b = type === 'int16' ? [6, 2, -7, -32768] : [6, 2, 7, 0];
    for (const [op, pick] of [['Max', Math.max], ['Min', Math.min]] as const) {
      await expectOpGives(op, [
        { type, shape: [4], tensor: tensorOf(type, [4], a) },
        { type, shape: [4], tensor: tensorOf(type, [4], b) },
      ], { type, dims: [4], data: a.map((v, i) => pick(v, b[i])) }, { opset: 13 });
    }
  });

  it('int64 beyond 2^53 compares exactly', async () => {
    const a = 2n ** 60n + 1n;
    await expectOpGives('Max', [
      { type: 'int64', shape: [2], tensor: tensorOf('int64', [2], [a, -a]) },
      { type: 'int64', shape: [2], tensor: tensorOf('int64', [2], [a - 1n, -a + 1n]) },
    ], { type: 'int64', dims: [2], data: [a, -a + 1n] }, { opset: 13 });
  });
});

describe('Mean of float64', () => {
  it('is the sum divided by the number of inputs, broadcast', async () => {
    const a = [1, 2, 3, 4, 5, 6];
    const b = [0.5, -1, 10];
    const c = [3, -3];
    const y = a.map((v, i) => (v + b[i % 3] + c[Math.floor(i / 3)]) / 3);
    await expectOpGives('Mean', [
      { type: 'float64', shape: [2, 3], tensor: tensorOf('float64', [2, 3], a) },
      { type: 'float64', shape: [3], tensor: tensorOf('float64', [3], b) },
      { type: 'float64', shape: [2, 1], tensor: tensorOf('float64', [2, 1], c) },
    ], { type: 'float64', dims: [2, 3], data: y }, { opset: 13, tolerance: { rtol: 1e-15, atol: 0 } });
  });
});

describe('NaN', () => {
  it('Max and Min propagate NaN', async () => {
    const inputs = [
      { type: 'float32' as const, shape: [3], tensor: tensorOf('float32', [3], [NaN, 1, 2]) },
      { type: 'float32' as const, shape: [3], tensor: tensorOf('float32', [3], [0, NaN, 3]) },
    ];
    await expectOpGives('Max', inputs, { type: 'float32', dims: [3], data: [NaN, NaN, 3] }, { opset: 13 });
    await expectOpGives('Min', inputs, { type: 'float32', dims: [3], data: [NaN, NaN, 2] }, { opset: 13 });
  });
});
