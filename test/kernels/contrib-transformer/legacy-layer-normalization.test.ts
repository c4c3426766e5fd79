import { describe, it } from 'vitest';
import type { DataType } from '../../../src/tensor/element-type.js';
import { attr } from '../../support/model-builder.js';
import { expectCaseMatches, HALF_TOLERANCE, tensors } from './contrib-case.js';

const cases: [string, number[], number][] = [
  ['last axis, odd size', [2, 3, 7], -1],
  ['two trailing axes', [2, 3, 5], 1],
  ['2-D', [6, 9], -1],
];

describe.each(['float32', 'float16'] as DataType[])('SimplifiedLayerNormalization (%s)', (type) => {
  const tol = type === 'float16' ? HALF_TOLERANCE : undefined;
  it.each(cases)('%s matches onnxruntime', async (_, dims, axis) => {
    const t = tensors(dims.length + axis + 5);
    const a = axis < 0 ? axis + dims.length : axis;
    await expectCaseMatches({
      op: 'SimplifiedLayerNormalization',
      domain: '',
      inputs: [['x', t.float(dims, type, -3, 3)], ['scale', t.float(dims.slice(a), type)]],
      outputs: [['y', type], ['inv_std_var', 'float32']],
      attributes: { axis: attr.int(axis), epsilon: attr.float(1e-4) },
    }, tol);
  });
});

describe('LayerNormalization before opset 17 (the onnxruntime contrib schema)', () => {
  it.each(cases)('%s matches onnxruntime at opset 16', async (_, dims, axis) => {
    const t = tensors(dims.length + axis + 9);
    const a = axis < 0 ? axis + dims.length : axis;
    await expectCaseMatches({
      op: 'LayerNormalization',
      domain: '',
      opset: 16,
      inputs: [['x', t.float(dims, 'float32', -3, 3)], ['scale', t.float(dims.slice(a))], ['bias', t.float(dims.slice(a))]],
      outputs: [['y', 'float32'], ['mean', 'float32'], ['inv_std_dev', 'float32']],
      attributes: { axis: attr.int(axis) },
    });
  });
});
