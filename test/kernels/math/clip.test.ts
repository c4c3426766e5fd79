import { describe, expect, it } from 'vitest';
import type { DataType } from '../../../src/tensor/element-type.js';
import { expectTensorsClose, runOnnxts } from '../../support/differential.js';
import { attr, buildModel, singleNodeModel } from '../../support/model-builder.js';
import { expectOpFails, expectOpGives, expectOpMatchesOrt, tensorOf } from './single-op.js';

const scalar = (type: DataType, v: number) => ({ type, shape: [], tensor: tensorOf(type, [], [type.includes('64') && !type.startsWith('float') ? BigInt(v) : v]) });

describe('Clip (opset 11+ bounds as inputs)', () => {
  it.each([[3, 4, 5], [9], [], [0, 4]])('float32 of shape %j with both bounds matches onnxruntime', async (...shape) => {
    await expectOpMatchesOrt('Clip', [{ type: 'float32', shape }, scalar('float32', -1), scalar('float32', 1.5)], { opset: 13 });
  });

  it('only a min, only a max, or neither (an omitted bound is no bound)', async () => {
    const x = tensorOf('float32', [5], [-1e30, -2, 0, 2, 1e30]);
    const input = { type: 'float32' as const, shape: [5], tensor: x };
    await expectOpGives('Clip', [input, scalar('float32', -1)], { type: 'float32', dims: [5], data: [-1, -1, 0, 2, 1e30] }, { opset: 13 });
    await expectOpGives('Clip', [input], { type: 'float32', dims: [5], data: [-1e30, -2, 0, 2, 1e30] }, { opset: 13 });
    await expectOpMatchesOrt('Clip', [{ type: 'float32', shape: [3, 4] }, scalar('float32', -0.5)], { opset: 13 });
  });

  it('a max given without a min (empty input name)', async () => {
    const model = buildModel({
      nodes: [{ op: 'Clip', inputs: ['x', '', 'hi'], outputs: ['y'] }],
      inputs: [{ name: 'x', type: 'float32', shape: [4] }, { name: 'hi', type: 'float32', shape: [] }],
      outputs: [{ name: 'y', type: 'float32' }],
      opsets: { '': 13 },
    });
    const out = await runOnnxts(model, { x: tensorOf('float32', [4], [-9, 0, 1, 9]), hi: tensorOf('float32', [], [1]) });
    expect(Array.from(out.y.data as Float32Array)).toEqual([-9, 0, 1, 1]);
  });

  it('min greater than max gives max everywhere', async () => {
    await expectOpMatchesOrt('Clip', [{ type: 'float32', shape: [6] }, scalar('float32', 2), scalar('float32', -1)], { opset: 13 });
  });

  it('NaN stays NaN', async () => {
    await expectOpGives('Clip', [{ type: 'float32', shape: [2], tensor: tensorOf('float32', [2], [NaN, 5]) }, scalar('float32', 0), scalar('float32', 1)], {
      type: 'float32',
      dims: [2],
      data: [NaN, 1],
    }, { opset: 13 });
  });

  it.each(['int8', 'uint8', 'int32', 'int64', 'uint64', 'float16', 'float64'] as DataType[])('%s matches onnxruntime', async (type) => {
    const unsigned = type.startsWith('u');
    await expectOpMatchesOrt('Clip', [{ type, shape: [4, 5], min: unsigned ? 0 : -50, max: 50 }, scalar(type, unsigned ? 10 : -20), scalar(type, 30)], { opset: 13 });
  });

  it('int64 bounds beyond 2^53 are exact', async () => {
    const big = 2n ** 60n + 1n;
    await expectOpGives('Clip', [
      { type: 'int64', shape: [3], tensor: tensorOf('int64', [3], [-(2n ** 62n), 0n, 2n ** 62n]) },
      { type: 'int64', shape: [], tensor: tensorOf('int64', [], [-big]) },
      { type: 'int64', shape: [], tensor: tensorOf('int64', [], [big]) },
    ], { type: 'int64', dims: [3], data: [-big, 0n, big] }, { opset: 13 });
  });

  it('rejects a bound that is not a scalar, or of another type', async () => {
    await expectOpFails('Clip', [{ type: 'float32', shape: [3] }, { type: 'float32', shape: [2] }], /min must be a scalar, got shape \[2\]/, { opset: 13 });
  });
});

describe('Clip (opsets 1-10, bounds as attributes)', () => {
  it.each([1, 6])('opset %i clips to the min and max attributes', async (opset) => {
    const x = tensorOf('float32', [6], [-3, -1, -0.2, 0.4, 2, 7]);
    const legacy = singleNodeModel('Clip', [{ name: 'x', type: 'float32', shape: [6] }], [{ name: 'y', type: 'float32' }], {
      opset,
      attributes: { min: attr.float(-0.5), max: attr.float(1.5) },
    });
    const out = await runOnnxts(legacy, { x });
    expectTensorsClose(out.y, { type: 'float32', dims: [6], data: [-0.5, -0.5, -0.2, 0.4, 1.5, 1.5].map(Math.fround) }, { rtol: 0, atol: 0 }, `Clip opset ${opset}`);
  });

  it('opset 6 with only max leaves the low side unbounded', async () => {
    await expectOpGives('Clip', [{ type: 'float64', shape: [3], tensor: tensorOf('float64', [3], [-1e300, 0, 10]) }], { type: 'float64', dims: [3], data: [-1e300, 0, 2] }, {
      opset: 6,
      attributes: { max: attr.float(2) },
    });
  });
});
