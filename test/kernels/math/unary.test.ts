import { describe, it } from 'vitest';
import type { DataType } from '../../../src/tensor/element-type.js';
import { attr } from '../../support/model-builder.js';
import { expectOpGives, expectOpMatchesOrt, runOp, tensorOf } from './single-op.js';

/** Each op with the input range it is defined on and the opset to test it at. */
const FLOAT_OPS: [op: string, min: number, max: number, opset: number][] = [
  ['Abs', -4, 4, 13], ['Neg', -4, 4, 13], ['Sign', -2, 2, 13], ['Sqrt', 0, 9, 13], ['Exp', -5, 5, 13],
  ['Log', 0.01, 9, 13], ['Reciprocal', 0.1, 5, 13], ['Floor', -5, 5, 13], ['Ceil', -5, 5, 13],
  ['Round', -6, 6, 22], ['Erf', -4, 4, 13], ['Tanh', -4, 4, 13], ['Sigmoid', -30, 30, 13], ['Relu', -3, 3, 14],
  ['Softplus', -30, 30, 22], ['Softsign', -5, 5, 22], ['Sin', -7, 7, 22], ['Cos', -7, 7, 22], ['Tan', -1.5, 1.5, 22],
  ['Asin', -1, 1, 22], ['Acos', -1, 1, 22], ['Atan', -9, 9, 22], ['Sinh', -5, 5, 22], ['Cosh', -5, 5, 22],
  ['Asinh', -9, 9, 22], ['Acosh', 1, 9, 22], ['Atanh', -0.99, 0.99, 22], ['Mish', -20, 20, 22], ['HardSwish', -5, 5, 22],
];

const SHAPES = [[3, 4, 5], [7], [], [0, 3]];

describe.each(FLOAT_OPS)('%s', (op, min, max, opset) => {
  it.each(SHAPES)('float32 of shape %j matches onnxruntime', async (...shape) => {
    await expectOpMatchesOrt(op, [{ type: 'float32', shape, min, max }], { opset });
  });

  it('float16 matches onnxruntime', async () => {
    await expectOpMatchesOrt(op, [{ type: 'float16', shape: [2, 9], min, max }], { opset });
  });

  it('float64 agrees with float32 at float32 precision', async () => {
    // onnxruntime lacks float64 kernels for several of these ops; the float32 run is checked above.
    const values = [min, (min + max) / 2, max * 0.7 + min * 0.3, max];
    const ours32 = await runOp(op, [{ type: 'float32', shape: [4], tensor: tensorOf('float32', [4], values) }], { opset });
    await expectOpGives(op, [{ type: 'float64', shape: [4], tensor: tensorOf('float64', [4], values) }], { type: 'float64', dims: [4], data: ours32.data as Float32Array }, {
      opset,
      tolerance: { rtol: 1e-6, atol: 1e-6 },
    });
  });
});

describe('pre-opset-7 forms', () => {
  it.each(['Abs', 'Neg', 'Relu', 'Sigmoid', 'Tanh', 'Exp', 'Floor', 'Ceil', 'Reciprocal'])('%s at opset 1 ignores consumed_inputs', async (op) => {
    const min = op === 'Reciprocal' ? 0.5 : -3;
    await expectOpMatchesOrt(op, [{ type: 'float32', shape: [2, 3], min }], {
      opset: 1,
      oracleOpset: 13,
      attributes: { consumed_inputs: attr.ints([0]) },
      oracleAttributes: {},
    });
  });

  it.each(['Abs', 'Sqrt', 'Log'])('%s at opset 6', async (op) => {
    await expectOpMatchesOrt(op, [{ type: 'float32', shape: [4, 3], min: 0.1 }], { opset: 6, oracleOpset: 13 });
  });
});

describe('integer inputs', () => {
  const cases: [string, DataType, number][] = [
    ['Abs', 'int8', 13], ['Abs', 'int32', 13], ['Abs', 'int64', 13], ['Abs', 'uint16', 13],
    ['Neg', 'int8', 13], ['Neg', 'int32', 13], ['Neg', 'int64', 13],
    ['Sign', 'int16', 13], ['Sign', 'int64', 13], ['Sign', 'uint8', 13],
    ['Relu', 'int8', 14], ['Relu', 'int32', 14],
  ];
  it.each(cases)('%s %s matches onnxruntime', async (op, type, opset) => {
    const min = type.startsWith('u') ? 0 : -100;
    await expectOpMatchesOrt(op, [{ type, shape: [5, 7], min, max: 100 }], { opset });
  });

  it('Abs and Neg wrap at the minimum of the type, as two\'s complement does', async () => {
    await expectOpGives('Abs', [{ type: 'int8', shape: [3], tensor: tensorOf('int8', [3], [-128, -5, 127]) }], { type: 'int8', dims: [3], data: [-128, 5, 127] });
    await expectOpGives('Neg', [{ type: 'int32', shape: [2], tensor: tensorOf('int32', [2], [-(2 ** 31), 7]) }], { type: 'int32', dims: [2], data: [-(2 ** 31), -7] });
    await expectOpGives('Neg', [{ type: 'int64', shape: [2], tensor: tensorOf('int64', [2], [-(2n ** 63n), 2n ** 62n]) }], {
      type: 'int64',
      dims: [2],
      data: [-(2n ** 63n), -(2n ** 62n)],
    });
  });

  it('Relu on int64 (onnxruntime has no int64 Relu)', async () => {
    await expectOpGives('Relu', [{ type: 'int64', shape: [4], tensor: tensorOf('int64', [4], [-(2n ** 62n), -1n, 0n, 2n ** 62n + 1n]) }], {
      type: 'int64',
      dims: [4],
      data: [0n, 0n, 0n, 2n ** 62n + 1n],
    }, { opset: 14 });
  });

  it('Erf on integers is the float result truncated, as the ONNX reference casts it', async () => {
    await expectOpGives('Erf', [{ type: 'int32', shape: [5], tensor: tensorOf('int32', [5], [-7, -1, 0, 2, 6]) }], { type: 'int32', dims: [5], data: [-1, 0, 0, 0, 1] });
    await expectOpGives('Erf', [{ type: 'int64', shape: [3], tensor: tensorOf('int64', [3], [-9n, 1n, 30n]) }], { type: 'int64', dims: [3], data: [-1n, 0n, 1n] });
  });
});

describe('special values', () => {
  it('Round rounds halves to even and keeps signed zeros, NaN and infinities', async () => {
    const x = [0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4999, -0.2, 1e20, NaN, Infinity, -Infinity];
    const y = [0, 2, 2, -0, -2, -2, 2, -0, 1e20, NaN, Infinity, -Infinity];
    await expectOpGives('Round', [{ type: 'float32', shape: [12], tensor: tensorOf('float32', [12], x) }], { type: 'float32', dims: [12], data: y }, { opset: 22 });
  });

  it('Sigmoid and Softplus stay finite for large magnitudes', async () => {
    await expectOpMatchesOrt('Sigmoid', [{ type: 'float32', shape: [4], tensor: tensorOf('float32', [4], [-1000, -88, 88, 1000]) }], { opset: 13 });
    await expectOpMatchesOrt('Softplus', [{ type: 'float32', shape: [4], tensor: tensorOf('float32', [4], [-1000, -88, 88, 1000]) }], { opset: 22 });
  });

  it('Erf of float64 is accurate to double precision (reference values from mpmath)', async () => {
    const x = [-5.5, -2.5, -1, -1e-9, 0, 0.3, 1.2, 2.4999, 3, 4.5, 6.5];
    const erf = [
      -0.99999999999999264215, -0.99959304798255504106, -0.84270079294971486934, -1.1283791670955126438e-9, 0,
      0.32862675945912741619, 0.91031397822963536837, 0.99959283009966654862, 0.99997790950300141456,
      0.99999999980338395585, 1,
    ];
    await expectOpGives('Erf', [{ type: 'float64', shape: [11], tensor: tensorOf('float64', [11], x) }], { type: 'float64', dims: [11], data: erf }, {
      opset: 13,
      tolerance: { rtol: 1e-14, atol: 0 },
    });
  });
});
