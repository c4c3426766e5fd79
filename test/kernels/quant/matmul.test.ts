import { describe, expect, it } from 'vitest';
import { Tensor } from '../../../src/index.js';
import type { DataType } from '../../../src/tensor/element-type.js';
import { Rng } from '../../support/random.js';
import { constant, integerConstant, RANGES, scales } from './quant-data.js';
import { expectMatchesOrt, runNode, type Operand } from './quant-model.js';

const TYPE_PAIRS: [DataType, DataType][] = [['uint8', 'uint8'], ['uint8', 'int8'], ['int8', 'int8']];

/** Shapes that cover the product's four-row blocks and their remainders, K not a multiple of 4, batches and broadcasting. */
const SHAPES: [number[], number[]][] = [
  [[9, 13], [13, 7]], [[4, 8], [8, 600]], [[1, 37], [37, 5]], [[2, 5, 6], [6, 3]], [[3, 1, 4, 5], [2, 5, 6]], [[5], [5, 4]], [[6, 5], [5]],
];

function feed(type: DataType, dims: number[], rng: Rng): Operand {
  const [lo, hi] = RANGES[type]!;
  return { feed: new Tensor(type as Tensor.Type, integerConstant(type, dims, rng, lo, hi).data as never, dims) };
}

/** Per-column parameters of B: [N], or [..., 1, N] for a batched B (the form onnxruntime accepts). */
function columnDims(b: number[]): number[] {
  if (b.length === 1) return [];
  return b.length === 2 ? [b[1]] : [...b.slice(0, -2), 1, b[b.length - 1]];
}

function zeroPoint(type: DataType, dims: number[], rng: Rng): Operand {
  return { constant: integerConstant(type, dims, rng, type === 'uint8' ? 100 : -20, type === 'uint8' ? 150 : 20) };
}

describe('MatMulInteger against onnxruntime', () => {
  for (const [aType, bType] of TYPE_PAIRS) {
    it.each(SHAPES)(`${aType} x ${bType}: %j x %j`, async (a, b) => {
      const rng = new Rng(a.length * 13 + b[b.length - 1]);
      const inputs: Operand[] = [feed(aType, a, rng), feed(bType, b, rng), zeroPoint(aType, [], rng), zeroPoint(bType, columnDims(b), rng)];
      await expectMatchesOrt({ op: 'MatMulInteger', opset: 10, inputs, outputs: ['int32'] }, 'per-column b zero point');
      await expectMatchesOrt({ op: 'MatMulInteger', opset: 10, inputs: inputs.slice(0, 2), outputs: ['int32'] }, 'no zero points');
    });
  }
});

describe('QLinearMatMul against onnxruntime', () => {
  for (const [aType, bType] of TYPE_PAIRS) {
    it.each(SHAPES)(`${aType} x ${bType}: %j x %j`, async (a, b) => {
      const rng = new Rng(a.length * 17 + b[b.length - 1]);
      for (const perColumn of [false, true]) {
        const bParams = perColumn ? columnDims(b) : [];
        const count = bParams.reduce((p, d) => p * d, 1);
        const inputs: Operand[] = [
          feed(aType, a, rng), { constant: constant('float32', [], scales(1, rng, false)) }, zeroPoint(aType, [], rng),
          feed(bType, b, rng), { constant: constant('float32', bParams, scales(count, rng, false)) }, zeroPoint(bType, bParams, rng),
          // An output scale that keeps most results in range, some saturating.
          { constant: constant('float32', [], [Math.fround(a[a.length - 1] * 0.4)]) }, zeroPoint(aType, [], rng),
        ];
        for (const opset of [10, 21]) {
          await expectMatchesOrt({ op: 'QLinearMatMul', opset, inputs, outputs: [aType] }, `opset ${opset}${perColumn ? ', per column' : ''}`);
        }
      }
    });
  }
});

describe('QLinearMatMul with float16 scales (opset 21) against onnxruntime', () => {
  it.each(TYPE_PAIRS)('%s x %s', async (aType, bType) => {
    const rng = new Rng(21);
    const half = (value: number): Operand => ({ constant: constant('float16', [], [value]) });
    const inputs: Operand[] = [
      feed(aType, [6, 10], rng), half(0.0123), zeroPoint(aType, [], rng), feed(bType, [10, 7], rng), half(0.0456), zeroPoint(bType, [], rng), half(0.01), zeroPoint(aType, [], rng),
    ];
    await expectMatchesOrt({ op: 'QLinearMatMul', opset: 21, inputs, outputs: [aType] }, 'float16 scales');
  });
});

describe('QLinearMatMul by hand', () => {
  it('requantizes with a_scale * b_scale / y_scale and rounds half to even', async () => {
    // (a - 1) x (b - 0) = [[1, 3], [5, 7]]: times 0.5 * 1 / 2 = 0.25 gives 0.25, 0.75, 1.25, 1.75 -> 0, 1, 1, 2 (+ zero point 10).
    const inputs: Operand[] = [
      { constant: constant('uint8', [2, 2], [2, 1, 4, 3]) }, { constant: constant('float32', [], [0.5]) }, { constant: constant('uint8', [], [1]) },
      { constant: constant('uint8', [2, 2], [1, 3, 0, 0]) }, { constant: constant('float32', [], [1]) }, { constant: constant('uint8', [], [0]) },
      { constant: constant('float32', [], [2]) }, { constant: constant('uint8', [], [10]) },
    ];
    const out = (await runNode({ op: 'QLinearMatMul', opset: 10, inputs, outputs: ['uint8'] })).out0;
    expect(Array.from(out.data as Uint8Array)).toEqual([10, 11, 11, 12]);
  });

  it('multiplies float8 operands (opset 21), which onnxruntime does not run', async () => {
    // float8e4m3fn codes 0x38 = 1, 0x40 = 2, 0x44 = 3; (1 2; 3 1) x (2; 1) = (4; 7), scaled by 1 * 1 / 2 -> 2, 3.5.
    const f8 = (values: number[], dims: number[]): Operand => ({ constant: constant('float8e4m3fn', dims, values) });
    const one = { constant: constant('float32', [], [1]) };
    const inputs: Operand[] = [f8([0x38, 0x40, 0x44, 0x38], [2, 2]), one, f8([0], []), f8([0x40, 0x38], [2, 1]), one, f8([0], []), { constant: constant('float32', [], [2]) }, f8([0], [])];
    const out = (await runNode({ op: 'QLinearMatMul', opset: 21, inputs, outputs: ['float8e4m3fn'] })).out0;
    expect(Array.from(out.data as Float32Array)).toEqual([2, 3.5]);
  });
});
