/**
 * The float32 fast paths (the elementwise WebAssembly module and the TypeScript loops that
 * stand in for it) on shapes large enough for the module to take them: odd sizes, every
 * broadcast form, against onnxruntime with the module on and off; and on NaN, infinities,
 * zeros, subnormals and extremes, against the float64 kernels (plain element functions in
 * double precision).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { env } from '../../../src/api/env.js';
import type { Tensor } from '../../../src/index.js';
import type { DataType } from '../../../src/tensor/element-type.js';
import { attr, type AttributeValue } from '../../support/model-builder.js';
import { Rng } from '../../support/random.js';
import { expectOpMatchesOrt, runOp, tensorOf } from './single-op.js';

const paths = [['wasm', undefined], ['TypeScript', false]] as const;

afterEach(() => {
  delete env.wasm.simd;
});

const UNARY: [op: string, min: number, max: number, opset: number, attributes?: Record<string, AttributeValue>][] = [
  ['Relu', -3, 3, 14], ['LeakyRelu', -3, 3, 16, { alpha: attr.float(0.07) }], ['HardSigmoid', -5, 5, 6, { alpha: attr.float(0.3), beta: attr.float(0.4) }],
  ['HardSwish', -5, 5, 14], ['Sigmoid', -20, 20, 13], ['Tanh', -6, 6, 13], ['Exp', -20, 20, 13], ['Erf', -4, 4, 13],
  ['Gelu', -6, 6, 20], ['Gelu', -6, 6, 20, { approximate: attr.string('tanh') }], ['Elu', -4, 4, 6, { alpha: attr.float(0.8) }],
  ['Selu', -4, 4, 6], ['Softplus', -25, 25, 1], ['Softsign', -5, 5, 1], ['Mish', -25, 25, 18], ['Sqrt', 0, 9, 13], ['Log', 0.01, 9, 13],
];

describe.each(paths)('float32 unary ops (%s)', (_, simd) => {
  it.each(UNARY)('%s over [3,37,29] matches onnxruntime', async (op, min, max, opset, attributes) => {
    if (simd === false) env.wasm.simd = false;
    await expectOpMatchesOrt(op, [{ type: 'float32', shape: [3, 37, 29], min, max }], { opset, attributes });
  });

  it.each([[[3, 37, 29], -1.5, 2.5], [[1031], 0, 6], [[2, 77], -Infinity, 0.5]] as const)('Clip of %j to [%s, %s] matches onnxruntime', async (shape, lo, hi) => {
    if (simd === false) env.wasm.simd = false;
    const bounds = [lo, hi].map((v) => ({ type: 'float32' as DataType, shape: [], tensor: tensorOf('float32', [], [v]) }));
    await expectOpMatchesOrt('Clip', [{ type: 'float32', shape: [...shape], min: -4, max: 7 }, ...bounds], { opset: 13 });
  });
});

const BINARY_SHAPES: [number[], number[]][] = [
  [[3, 37, 29], [3, 37, 29]],
  [[3, 37, 29], [29]],
  [[29], [3, 37, 29]],
  [[2, 7, 19, 23], [7, 1, 1]],
  [[7, 1, 1], [2, 7, 19, 23]],
  [[3, 37, 29], []],
  [[], [3, 37, 29]],
  [[5, 1, 37], [1, 6, 37]],
  [[4, 1, 3, 41], [1, 6, 3, 1]],
  [[4, 9, 5], [4, 1, 5]],
  [[0, 37], [37]],
];

describe.each(paths)('float32 binary ops (%s)', (_, simd) => {
  describe.each(['Add', 'Sub', 'Mul', 'Div'])('%s', (op) => {
    it.each(BINARY_SHAPES)('%j with %j matches onnxruntime', async (a, b) => {
      if (simd === false) env.wasm.simd = false;
      const low = op === 'Div' ? 0.5 : -3;
      await expectOpMatchesOrt(op, [{ type: 'float32', shape: a }, { type: 'float32', shape: b, min: low, max: 3 }], { opset: 14 });
    });
  });

  // Runs longer than the module's chunk: split evenly (131072), and not at all (the prime 100003).
  it.each([[[3, 131072], [131072]], [[100003], []], [[2, 100003], [2, 1]]])('Sub of %j and %j (long runs) matches onnxruntime', async (a, b) => {
    if (simd === false) env.wasm.simd = false;
    await expectOpMatchesOrt('Sub', [{ type: 'float32', shape: a }, { type: 'float32', shape: b }], { opset: 14 });
  });

  it.each([[[3, 37, 29], [37, 1]], [[2, 7, 19, 23], [7, 1, 1]], [[3, 37, 29], [1]], [[4, 300], [300]]])('PRelu of %j with slope %j matches onnxruntime', async (x, slope) => {
    if (simd === false) env.wasm.simd = false;
    await expectOpMatchesOrt('PRelu', [{ type: 'float32', shape: x }, { type: 'float32', shape: slope }], { opset: 16 });
  });

  it.each([2, 0.5, 1, 3, -1.5])('Pow by the scalar %s matches onnxruntime', async (y) => {
    if (simd === false) env.wasm.simd = false;
    await expectOpMatchesOrt('Pow', [{ type: 'float32', shape: [3, 37, 29], min: 0.1, max: 4 }, { type: 'float32', shape: [], tensor: tensorOf('float32', [], [y]) }], { opset: 15 });
  });

  it('Pow by a tensor exponent matches onnxruntime', async () => {
    if (simd === false) env.wasm.simd = false;
    await expectOpMatchesOrt('Pow', [{ type: 'float32', shape: [3, 37, 29], min: 0.1, max: 4 }, { type: 'float32', shape: [37, 1], min: -2, max: 2 }], { opset: 15 });
  });

  it.each(['Max', 'Min', 'Sum', 'Mean'])('%s of three broadcast inputs matches onnxruntime', async (op) => {
    if (simd === false) env.wasm.simd = false;
    await expectOpMatchesOrt(op, [{ type: 'float32', shape: [3, 37, 29] }, { type: 'float32', shape: [37, 1] }, { type: 'float32', shape: [29] }], { opset: 13 });
  });
});

/** Specials and extremes, repeated past the module's minimum size, then random values of every magnitude. */
function specialValues(): number[] {
  const specials = [NaN, Infinity, -Infinity, 0, -0, 1e-45, -1e-45, 1.1754942e-38, -1.1754942e-38, 3.4028235e38, -3.4028235e38, 88.7, -88.7, 1e-7, -1e-7, 30, -30, 120, -120];
  const rng = new Rng(3);
  const random = Array.from({ length: 131 }, () => (rng.next() < 0.5 ? -1 : 1) * 10 ** rng.uniform(-40, 38));
  // Rounded to float32 so the float64 reference sees the same inputs.
  return [...specials, ...specials, ...specials, ...random].map(Math.fround);
}

function expectAgree(actual: Tensor, expected: Tensor, label: string): void {
  const a = actual.data as Float32Array;
  const e = expected.data as Float64Array;
  for (let i = 0; i < e.length; i++) {
    const want = Math.fround(e[i]);
    const ok = (Number.isNaN(want) && Number.isNaN(a[i])) || a[i] === want || Math.abs(a[i] - want) <= 1e-6 * Math.abs(want) + 1e-6;
    if (!ok) expect.fail(`${label}: element ${i} is ${a[i]}, the float64 kernel gives ${e[i]}`);
  }
}

describe.each(paths)('float32 activations on special values (%s)', (_, simd) => {
  it.each(UNARY)('%s agrees with the float64 kernel', async (op, _min, _max, opset, attributes) => {
    const values = specialValues();
    const spec = (type: DataType) => ({ type, shape: [values.length], tensor: tensorOf(type, [values.length], values) });
    const expected = await runOp(op, [spec('float64')], { opset, attributes });
    if (simd === false) env.wasm.simd = false;
    const actual = await runOp(op, [spec('float32')], { opset, attributes });
    expectAgree(actual, expected, `${op} (${simd === false ? 'TypeScript' : 'wasm'})`);
  });
});
