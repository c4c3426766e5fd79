import { afterEach, describe, it } from 'vitest';
import { env } from '../../../src/api/env.js';
import type { DataType } from '../../../src/tensor/element-type.js';
import { attr } from '../../support/model-builder.js';
import { expectCaseMatches, HALF_TOLERANCE, tensors } from './contrib-case.js';

const shapes: number[][] = [[7], [2, 5], [3, 1, 9], [2, 3, 4, 5]];
const types: DataType[] = ['float32', 'float16'];

describe.each(types)('Gelu family (%s)', (type) => {
  const tol = type === 'float16' ? HALF_TOLERANCE : undefined;

  it.each(shapes)('Gelu over %j matches onnxruntime', async (...dims) => {
    const t = tensors(dims.length);
    await expectCaseMatches({ op: 'Gelu', inputs: [['x', t.float(dims, type, -4, 4)]], outputs: [['y', type]] }, tol);
  });

  it.each(shapes)('FastGelu over %j, with and without bias, matches onnxruntime', async (...dims) => {
    const t = tensors(10 + dims.length);
    const x = t.float(dims, type, -4, 4);
    await expectCaseMatches({ op: 'FastGelu', inputs: [['x', x]], outputs: [['y', type]] }, tol);
    const bias = t.float([dims[dims.length - 1]], type);
    await expectCaseMatches({ op: 'FastGelu', inputs: [['x', x], ['bias', bias]], outputs: [['y', type]] }, tol, 'FastGelu with bias');
  });

  it.each(shapes)('BiasGelu over %j matches onnxruntime', async (...dims) => {
    const t = tensors(20 + dims.length);
    const inputs = [['x', t.float(dims, type, -4, 4)], ['bias', t.float([dims[dims.length - 1]], type)]] as const;
    await expectCaseMatches({ op: 'BiasGelu', inputs, outputs: [['y', type]] }, tol);
  });

  it.each([undefined, 1, 1.702, -0.5])('QuickGelu with alpha %s matches onnxruntime', async (alpha) => {
    const t = tensors(30);
    const attributes = alpha === undefined ? undefined : { alpha: attr.float(alpha) };
    await expectCaseMatches({ op: 'QuickGelu', inputs: [['x', t.float([3, 11], type, -6, 6)]], outputs: [['y', type]], attributes }, tol);
  });
});

describe('FastGelu (float64)', () => {
  it('matches onnxruntime with a bias', async () => {
    const t = tensors(40);
    await expectCaseMatches({ op: 'FastGelu', inputs: [['x', t.float([4, 6], 'float64', -3, 3)], ['bias', t.float([6], 'float64')]], outputs: [['y', 'float64']] });
  });
});

describe.each([['wasm', undefined], ['TypeScript', false]] as const)('Gelu family on large float32 inputs (%s)', (_, simd) => {
  afterEach(() => {
    delete env.wasm.simd;
  });
  // [3, 5, 97] is past the sizes where the elementwise module takes over, and no multiple of 4.
  const dims = [3, 5, 97];

  it.each(['Gelu', 'FastGelu', 'QuickGelu'])('%s matches onnxruntime', async (op) => {
    const t = tensors(50);
    const x = t.float(dims, 'float32', -6, 6);
    if (simd === false) env.wasm.simd = false;
    await expectCaseMatches({ op, inputs: [['x', x]], outputs: [['y', 'float32']] });
  });

  it.each(['BiasGelu', 'FastGelu'])('%s with a bias matches onnxruntime', async (op) => {
    const t = tensors(60);
    const inputs = [['x', t.float(dims, 'float32', -6, 6)], ['bias', t.float([97], 'float32')]] as const;
    if (simd === false) env.wasm.simd = false;
    await expectCaseMatches({ op, inputs, outputs: [['y', 'float32']] });
  });
});
