import { describe, expect, it } from 'vitest';
import { Tensor } from '../../../src/index.js';
import type { DataType } from '../../../src/tensor/element-type.js';
import { expectMatchesOnnxruntime, runOnnxts } from '../../support/differential.js';
import { attr, buildModel, singleNodeModel, type AttributeValue } from '../../support/model-builder.js';
import { Rng, randomTensor } from '../../support/random.js';
import { expectFloat64MatchesOnnxruntimeFloat32 } from './float32-oracle.js';

/** MaxPool followed by MaxUnpool with the same window: real indices, as models produce them. */
function poolUnpoolModel(dims: number[], window: Record<string, AttributeValue>, type: DataType): Uint8Array {
  return buildModel({
    nodes: [
      { op: 'MaxPool', inputs: ['x'], outputs: ['pooled', 'indices'], attributes: window },
      { op: 'MaxUnpool', inputs: ['pooled', 'indices'], outputs: ['y'], attributes: window },
    ],
    inputs: [{ name: 'x', type, shape: dims }],
    outputs: [{ name: 'y', type }],
    opsets: { '': 22 },
  });
}

/** Sizes the pooling window tiles exactly, so the unpooled shape is the pooled input's shape. */
describe('MaxUnpool against onnxruntime', () => {
  const cases: [string, number[], Record<string, AttributeValue>][] = [
    ['2-D 2x2 stride 2', [2, 3, 6, 8], { kernel_shape: attr.ints([2, 2]), strides: attr.ints([2, 2]) }],
    ['2-D odd sizes', [1, 2, 7, 6], { kernel_shape: attr.ints([3, 2]), strides: attr.ints([2, 2]) }],
    ['2-D with pads', [2, 2, 5, 7], { kernel_shape: attr.ints([3, 3]), strides: attr.ints([2, 2]), pads: attr.ints([1, 1, 1, 1]) }],
    ['1-D', [3, 2, 9], { kernel_shape: attr.ints([3]), strides: attr.ints([3]) }],
    ['3-D', [1, 3, 4, 6, 6], { kernel_shape: attr.ints([2, 2, 3]), strides: attr.ints([2, 2, 3]) }],
    ['empty batch', [0, 3, 4, 4], { kernel_shape: attr.ints([2, 2]), strides: attr.ints([2, 2]) }],
  ];
  it.each(cases)('%s', async (_label, dims, window) => {
    await expectMatchesOnnxruntime(poolUnpoolModel(dims, window, 'float32'), { x: randomTensor('float32', dims, new Rng(dims.length)) });
  });

  it('float16 and float64', async () => {
    const [, dims, window] = cases[2];
    await expectMatchesOnnxruntime(poolUnpoolModel(dims, window, 'float16'), { x: randomTensor('float16', dims, new Rng(1)) });
    await expectFloat64MatchesOnnxruntimeFloat32((type) => poolUnpoolModel(dims, window, type), { x: randomTensor('float64', dims, new Rng(2)) }, 'float64');
  });
});

/**
 * With an output_shape larger than the inferred one, the indices address the inferred shape
 * and the result sits at the start of each axis (the ONNX reference and backend test; not
 * onnxruntime, which scatters into the requested shape directly).
 */
describe('MaxUnpool with output_shape', () => {
  const model = singleNodeModel('MaxUnpool', [
    { name: 'x', type: 'float32' }, { name: 'i', type: 'int64' }, { name: 'shape', type: 'int64' },
  ], [{ name: 'y', type: 'float32' }], { opset: 11, attributes: { kernel_shape: attr.ints([2, 2]), strides: attr.ints([2, 2]) } });
  const x = new Tensor('float32', Float32Array.from([1, 2, 3, 4]), [1, 1, 2, 2]);
  // Inferred shape [1, 1, 4, 4]: flat 0, 3, 9, 14 are (0,0), (0,3), (2,1), (3,2).
  const i = new Tensor('int64', BigInt64Array.from([0n, 3n, 9n, 14n]), [1, 1, 2, 2]);
  const shape = (dims: number[]): Tensor => new Tensor('int64', BigInt64Array.from(dims.map(BigInt)), [dims.length]);

  it('places the inferred block at the start of a larger output', async () => {
    const { y } = await runOnnxts(model, { x, i, shape: shape([1, 1, 5, 6]) });
    const expected = new Array<number>(30).fill(0);
    expected[0 * 6 + 0] = 1;
    expected[0 * 6 + 3] = 2;
    expected[2 * 6 + 1] = 3;
    expected[3 * 6 + 2] = 4;
    expect(y.dims).toEqual([1, 1, 5, 6]);
    expect(Array.from(y.data as Float32Array)).toEqual(expected);
  });

  it('rejects an output_shape smaller than the inferred shape', async () => {
    await expect(runOnnxts(model, { x, i, shape: shape([1, 1, 3, 4]) })).rejects.toThrow(/output_shape \[1,1,3,4\] must keep N and C and be at least the inferred shape \[1,1,4,4\]/);
  });

  it('rejects an index outside the inferred shape', async () => {
    const bad = new Tensor('int64', BigInt64Array.from([0n, 3n, 16n, 1n]), [1, 1, 2, 2]);
    await expect(runOnnxts(model, { x, i: bad, shape: shape([1, 1, 4, 4]) })).rejects.toThrow(/I\[2\] = 16 is outside \[0, 16\)/);
  });

  it('rejects a huge output_shape before allocating', async () => {
    await expect(runOnnxts(model, { x, i, shape: shape([1, 1, 100000, 100000]) })).rejects.toThrow(/would need 10000000000 elements, more than the limit/);
  });
});
