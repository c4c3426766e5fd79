import { describe, it } from 'vitest';
import { attr, singleNodeModel } from '../../support/model-builder.js';
import { Rng, randomTensor } from '../../support/random.js';
import { expectMatchesOnnxruntime } from '../../support/differential.js';
import type { DataType } from '../../../src/tensor/element-type.js';
import { expectOpFails, expectOpGives, expectOpMatchesOrt, tensorOf } from './single-op.js';

const shapes: [number[], number[]][] = [
  [[3, 4], [3, 4]],
  [[2, 3, 5], [5]],
  [[4, 1, 3], [1, 6, 1]],
  [[1], [7, 2]],
  [[0, 3], [3]],
  [[], [2, 2]],
];

describe.each(['Add', 'Sub', 'Mul', 'Div'])('%s', (op) => {
  for (const type of ['float32', 'float64', 'int32', 'int64'] as DataType[]) {
    it.each(shapes)(`${type} %j with %j matches onnxruntime`, async (a, b) => {
      const rng = new Rng(7);
      const model = singleNodeModel(op, [{ name: 'a', type, shape: a }, { name: 'b', type, shape: b }], [{ name: 'y', type }], { opset: 14 });
      const low = op === 'Div' && !type.startsWith('float') ? 1 : -5;
      await expectMatchesOnnxruntime(model, { a: randomTensor(type, a, rng), b: randomTensor(type, b, rng, low, 6) });
    });
  }
});

describe.each(['Add', 'Sub', 'Mul', 'Div'])('%s on other types', (op) => {
  const types: DataType[] = ['float16', 'int8', 'int16', 'uint8', 'uint16', 'uint32', 'uint64'];
  it.each(types)('%s matches onnxruntime', async (type) => {
    const unsigned = type.startsWith('u');
    const divide = op === 'Div' && type !== 'float16';
    await expectOpMatchesOrt(op, [{ type, shape: [3, 5], min: unsigned ? 0 : -60, max: 60 }, { type, shape: [5], min: divide ? 1 : unsigned ? 0 : -60, max: 60 }], { opset: 14 });
  });

  it('opset 1 and 6 broadcast B only when broadcast=1, aligned at axis', async () => {
    const apply: Record<string, (a: number, b: number) => number> = { Add: (a, b) => a + b, Sub: (a, b) => a - b, Mul: (a, b) => a * b, Div: (a, b) => a / b };
    const a = Array.from({ length: 24 }, (_, i) => i - 7);
    const b = [2, 4, 8];
    // B of shape [3] placed at axis 1 of A [2,3,4]: it varies along A's middle axis.
    const y = a.map((v, i) => apply[op](v, b[Math.floor(i / 4) % 3]));
    for (const [opset, axis] of [[1, 1], [6, 1], [6, -2]]) {
      await expectOpGives(op, [
        { type: 'float32', shape: [2, 3, 4], tensor: tensorOf('float32', [2, 3, 4], a) },
        { type: 'float32', shape: [3], tensor: tensorOf('float32', [3], b) },
      ], { type: 'float32', dims: [2, 3, 4], data: y }, { opset, attributes: { broadcast: attr.int(1), axis: attr.int(axis) } });
    }
  });

  it('opset 6 broadcasts a trailing B without axis', async () => {
    await expectOpMatchesOrt(op, [{ type: 'float32', shape: [2, 3, 4] }, { type: 'float32', shape: [3, 4], min: 1 }], {
      opset: 6,
      attributes: { broadcast: attr.int(1) },
      oracleOpset: 14,
      oracleAttributes: {},
    });
  });

  it('opset 6 without broadcast rejects different shapes', async () => {
    await expectOpFails(op, [{ type: 'float32', shape: [2, 3] }, { type: 'float32', shape: [3] }], /set broadcast=1/, { opset: 6 });
  });

  it('rejects inputs of different types', async () => {
    await expectOpFails(op, [{ type: 'float32', shape: [2] }, { type: 'int32', shape: [2] }], /A is float32 but B is int32/, { opset: 14 });
  });
});

describe('random broadcasting shapes', () => {
  // B takes A's trailing dims, some set to 1, so the pair always broadcasts (either way round).
  const cases = Array.from({ length: 12 }, (_, seed) => {
    const rng = new Rng(100 + seed);
    const a = rng.shape(rng.int(0, 4), 6, 1);
    const b = a.slice(rng.int(0, a.length)).map((d) => (rng.next() < 0.4 ? 1 : d));
    return (seed % 2 === 0 ? [a, b] : [b, a]) as [number[], number[]];
  });
  it.each(cases)('Add, Mul and Div of %j with %j match onnxruntime', async (a, b) => {
    for (const op of ['Add', 'Mul', 'Div']) {
      await expectOpMatchesOrt(op, [{ type: 'float32', shape: a }, { type: 'float32', shape: b, min: 0.5 }], { opset: 14 });
    }
  });
});

describe('integer overflow wraps', () => {
  it('int32 Mul keeps the low 32 bits of the exact product', async () => {
    await expectOpGives('Mul', [
      { type: 'int32', shape: [2], tensor: tensorOf('int32', [2], [2 ** 30 + 3, -(2 ** 31)]) },
      { type: 'int32', shape: [2], tensor: tensorOf('int32', [2], [2 ** 20 + 7, -1]) },
    ], { type: 'int32', dims: [2], data: [Number(BigInt.asIntN(32, (2n ** 30n + 3n) * (2n ** 20n + 7n))), -(2 ** 31)] }, { opset: 14 });
  });

  it('uint8 Add and Sub wrap modulo 256', async () => {
    const a = { type: 'uint8' as const, shape: [2], tensor: tensorOf('uint8', [2], [250, 3]) };
    const b = { type: 'uint8' as const, shape: [2], tensor: tensorOf('uint8', [2], [10, 5]) };
    await expectOpGives('Add', [a, b], { type: 'uint8', dims: [2], data: [4, 8] }, { opset: 14 });
    await expectOpGives('Sub', [a, b], { type: 'uint8', dims: [2], data: [240, 254] }, { opset: 14 });
  });

  it('Div of integers truncates toward zero', async () => {
    await expectOpGives('Div', [
      { type: 'int32', shape: [4], tensor: tensorOf('int32', [4], [7, -7, 7, -7]) },
      { type: 'int32', shape: [4], tensor: tensorOf('int32', [4], [2, 2, -2, -2]) },
    ], { type: 'int32', dims: [4], data: [3, -3, -3, 3] }, { opset: 14 });
  });
});

describe('Pow', () => {
  const pairs: [DataType, DataType][] = [
    ['float32', 'float32'], ['float32', 'int32'], ['float32', 'int64'], ['float64', 'float64'],
    ['int32', 'int32'], ['int64', 'int64'], ['int32', 'float32'], ['int64', 'float32'], ['float16', 'float16'],
  ];
  it.each(pairs)('%s ^ %s matches onnxruntime', async (x, y) => {
    // A negative integer base with a fractional exponent is NaN, which has no integer value.
    const min = x.startsWith('float') ? 0.1 : y.startsWith('float') ? 0 : -6;
    await expectOpMatchesOrt('Pow', [{ type: x, shape: [3, 4], min, max: 6 }, { type: y, shape: [4], min: 0, max: 4 }], { opset: 15 });
  });

  it('an integer base with a fractional exponent computes in double and truncates', async () => {
    await expectOpGives('Pow', [
      { type: 'int64', shape: [3], tensor: tensorOf('int64', [3], [4n, 10n, 3n]) },
      { type: 'float32', shape: [3], tensor: tensorOf('float32', [3], [0.5, 1.5, 2]) },
    ], { type: 'int64', dims: [3], data: [2n, 31n, 9n] }, { opset: 15 });
  });

  it('int64 powers are exact beyond 2^53', async () => {
    await expectOpGives('Pow', [
      { type: 'int64', shape: [2], tensor: tensorOf('int64', [2], [3n, -7n]) },
      { type: 'int64', shape: [2], tensor: tensorOf('int64', [2], [39n, 21n]) },
    ], { type: 'int64', dims: [2], data: [3n ** 39n, (-7n) ** 21n] }, { opset: 15 });
  });

  it('opset 1 broadcasts with the broadcast attribute', async () => {
    await expectOpMatchesOrt('Pow', [{ type: 'float32', shape: [2, 3], min: 0.5 }, { type: 'float32', shape: [3] }], {
      opset: 1,
      attributes: { broadcast: attr.int(1) },
      oracleOpset: 15,
      oracleAttributes: {},
    });
  });
});

describe('Mod', () => {
  const types: DataType[] = ['int8', 'int16', 'int32', 'int64', 'uint8', 'uint32', 'uint64'];
  it.each(types)('%s (Python sign rule) matches onnxruntime', async (type) => {
    const unsigned = type.startsWith('u');
    await expectOpMatchesOrt('Mod', [{ type, shape: [4, 6], min: unsigned ? 0 : -50, max: 50 }, { type, shape: [6], min: 1, max: 9 }], { opset: 13 });
    if (!unsigned) await expectOpMatchesOrt('Mod', [{ type, shape: [4, 6], min: -50, max: 50 }, { type, shape: [6], min: -9, max: -1 }], { opset: 13, seed: 3 });
  });

  it.each(['float32', 'float64', 'float16', 'int32', 'int64'] as DataType[])('%s with fmod=1 (C sign rule) matches onnxruntime', async (type) => {
    const float = type.startsWith('float');
    await expectOpMatchesOrt('Mod', [{ type, shape: [4, 6], min: -50, max: 50 }, { type, shape: [4, 6], min: float ? 0.5 : 1, max: 9 }], {
      opset: 13,
      attributes: { fmod: attr.int(1) },
    });
  });

  it('rejects fmod=0 for floats, as the spec requires', async () => {
    await expectOpFails('Mod', [{ type: 'float32', shape: [2] }, { type: 'float32', shape: [2] }], /fmod must be 1/, { opset: 13 });
  });
});
