import { describe, it } from 'vitest';
import type { DataType } from '../../../src/tensor/element-type.js';
import { attr } from '../../support/model-builder.js';
import { expectCaseMatches, HALF_TOLERANCE, tensors } from './contrib-case.js';

interface MatMulCase {
  a: number[];
  b: number[];
  transA?: number;
  transB?: number;
  transBatchA?: number;
  transBatchB?: number;
  alpha?: number;
}

const cases: [string, MatMulCase][] = [
  ['2-D', { a: [3, 5], b: [5, 4] }],
  ['2-D transposed, scaled', { a: [5, 3], b: [4, 5], transA: 1, transB: 1, alpha: 0.25 }],
  ['batched, B shared', { a: [2, 3, 5], b: [5, 7], alpha: -1.5 }],
  ['batched broadcast', { a: [2, 1, 3, 4], b: [3, 4, 2], transB: 0 }],
  ['batched, transB', { a: [2, 3, 4], b: [2, 6, 4], transB: 1, alpha: 2 }],
  ['transBatchA', { a: [3, 2, 4], b: [2, 4, 5], transBatchA: 1 }],
  ['transBatchA and transA', { a: [4, 2, 3], b: [2, 4, 5], transBatchA: 1, transA: 1 }],
  ['transBatchB', { a: [2, 3, 4], b: [4, 2, 5], transBatchB: 1 }],
  ['transBatchB and transB, rank 4', { a: [2, 3, 5, 4], b: [6, 2, 3, 4], transBatchB: 1, transB: 1, alpha: 0.5 }],
  ['both transBatch', { a: [5, 2, 3], b: [3, 2, 6], transBatchA: 1, transBatchB: 1 }],
  // Transposed in place by the GEMM (large enough for its packed and WebAssembly paths).
  ['attention scores: rank 4, transB, odd sizes', { a: [2, 3, 37, 24], b: [2, 3, 41, 24], transB: 1, alpha: 0.125 }],
  ['transA, batched A, B shared', { a: [3, 6, 5], b: [6, 7], transA: 1 }],
  ['transA, broadcast batches, large', { a: [1, 2, 9, 33], b: [3, 1, 9, 17], transA: 1, alpha: -0.5 }],
  ['1-D A, transB', { a: [5], b: [3, 4, 5], transB: 1 }],
  ['transB, 1-D B', { a: [4, 6], b: [6], transB: 1 }],
  ['empty batch', { a: [0, 3, 4], b: [4, 5], alpha: 2 }],
];

describe.each(['float32', 'float16', 'float64'] as DataType[])('FusedMatMul (%s)', (type) => {
  const tol = type === 'float16' ? HALF_TOLERANCE : undefined;
  it.each(cases)('%s matches onnxruntime', async (_, c) => {
    const t = tensors(c.a.length * 10 + c.b.length);
    const attributes = Object.fromEntries(
      (['transA', 'transB', 'transBatchA', 'transBatchB'] as const).filter((k) => c[k] !== undefined).map((k) => [k, attr.int(c[k]!)]),
    );
    if (c.alpha !== undefined) attributes.alpha = attr.float(c.alpha);
    await expectCaseMatches({ op: 'FusedMatMul', inputs: [['a', t.float(c.a, type)], ['b', t.float(c.b, type)]], outputs: [['y', type]], attributes }, tol);
  });
});
