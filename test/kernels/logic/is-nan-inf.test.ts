import { describe, it } from 'vitest';
import type { DataType } from '../../../src/tensor/element-type.js';
import { attr } from '../../support/model-builder.js';
import { expectOpGives, expectOpMatchesOrt, tensorOf } from '../math/single-op.js';

const SPECIALS = [NaN, Infinity, -Infinity, 0, -0, 1.5, -3e38, 3e38];

describe.each(['float32', 'float64', 'float16'] as DataType[])('%s', (type) => {
  const x = { type, shape: [8], tensor: tensorOf(type, [8], type === 'float16' ? SPECIALS.map((v) => (Math.abs(v) === 3e38 ? Math.sign(v) * 6e4 : v)) : SPECIALS) };

  it('IsNaN marks NaN only', async () => {
    await expectOpGives('IsNaN', [x], { type: 'bool', dims: [8], data: [1, 0, 0, 0, 0, 0, 0, 0] }, { opset: 20, outType: 'bool' });
  });

  it.each([[1, 1, [0, 1, 1, 0, 0, 0, 0, 0]], [1, 0, [0, 0, 1, 0, 0, 0, 0, 0]], [0, 1, [0, 1, 0, 0, 0, 0, 0, 0]], [0, 0, [0, 0, 0, 0, 0, 0, 0, 0]]] as const)(
    'IsInf with detect_negative=%i, detect_positive=%i',
    async (negative, positive, expected) => {
      await expectOpGives('IsInf', [x], { type: 'bool', dims: [8], data: expected }, {
        opset: 20,
        outType: 'bool',
        attributes: { detect_negative: attr.int(negative), detect_positive: attr.int(positive) },
      });
    },
  );
});

describe('random inputs', () => {
  it.each([[3, 4, 5], [0, 2], []])('IsNaN and IsInf of shape %j match onnxruntime', async (...shape) => {
    await expectOpMatchesOrt('IsNaN', [{ type: 'float32', shape }], { opset: 13, outType: 'bool' });
    await expectOpMatchesOrt('IsInf', [{ type: 'float32', shape }], { opset: 10, outType: 'bool' });
  });
});
