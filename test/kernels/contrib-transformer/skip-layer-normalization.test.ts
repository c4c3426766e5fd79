import { describe, it } from 'vitest';
import type { DataType } from '../../../src/tensor/element-type.js';
import { attr } from '../../support/model-builder.js';
import { expectCaseMatches, HALF_TOLERANCE, tensors, type NodeCase } from './contrib-case.js';

interface SkipCase {
  input: number[];
  skip: number[];
  beta?: boolean;
  bias?: boolean;
  epsilon?: number;
}

const cases: [string, SkipCase][] = [
  ['3-D, odd hidden', { input: [2, 3, 7], skip: [2, 3, 7] }],
  ['3-D with beta and bias', { input: [2, 4, 9], skip: [2, 4, 9], beta: true, bias: true }],
  ['2-D', { input: [5, 6], skip: [5, 6], beta: true }],
  ['skip without batch', { input: [3, 2, 5], skip: [2, 5], bias: true }],
  ['skip with a batch of 1', { input: [3, 2, 5], skip: [1, 2, 5], beta: true, bias: true }],
  ['sequence 1', { input: [4, 1, 8], skip: [4, 1, 8], beta: true, epsilon: 1e-5 }],
  ['long rows with beta and bias', { input: [2, 9, 131], skip: [2, 9, 131], beta: true, bias: true }],
  ['long rows, skip without batch, no beta or bias', { input: [3, 5, 77], skip: [5, 77] }],
  ['empty sequence', { input: [2, 0, 6], skip: [2, 0, 6], beta: true }],
];

function skipCase(op: string, c: SkipCase, type: DataType, simplified: boolean): NodeCase {
  const t = tensors(c.input.reduce((a, b) => a * 7 + b, 3));
  const hidden = c.input[c.input.length - 1];
  const beta = !simplified && c.beta ? (['beta', t.float([hidden], type)] as const) : null;
  const bias = c.bias ? (['bias', t.float([hidden], type)] as const) : null;
  const optional = simplified ? [bias] : [beta, bias];
  const last = optional.reduce((n, input, i) => (input ? i + 1 : n), 0);
  return {
    op,
    inputs: [['input', t.float(c.input, type, -2, 2)], ['skip', t.float(c.skip, type, -2, 2)], ['gamma', t.float([hidden], type)], ...optional.slice(0, last)],
    outputs: [['output', type], ['mean', 'float32'], ['inv_std_var', 'float32'], ['input_skip_bias_sum', type]],
    attributes: c.epsilon === undefined ? undefined : { epsilon: attr.float(c.epsilon) },
  };
}

describe.each(['float32', 'float16'] as DataType[])('SkipLayerNormalization (%s)', (type) => {
  const tol = type === 'float16' ? HALF_TOLERANCE : undefined;
  it.each(cases)('%s matches onnxruntime', async (_, c) => {
    await expectCaseMatches(skipCase('SkipLayerNormalization', c, type, false), tol);
  });
});

describe.each(['float32', 'float16'] as DataType[])('SkipSimplifiedLayerNormalization (%s)', (type) => {
  const tol = type === 'float16' ? HALF_TOLERANCE : undefined;
  it.each(cases)('%s matches onnxruntime', async (_, c) => {
    await expectCaseMatches(skipCase('SkipSimplifiedLayerNormalization', c, type, true), tol);
  });
});

describe('SkipLayerNormalization outputs', () => {
  it('leaves out the optional outputs when the node does not list them', async () => {
    const c = skipCase('SkipLayerNormalization', cases[1][1], 'float32', false);
    await expectCaseMatches({ ...c, outputs: [['output', 'float32']] });
    await expectCaseMatches({ ...c, outputs: [['output', 'float32'], null, null, ['input_skip_bias_sum', 'float32']] });
  });
});
