import { describe, expect, it } from 'vitest';
import { Tensor } from '../../../src/index.js';
import type { DataType } from '../../../src/tensor/element-type.js';
import { expectMatchesOnnxruntime, expectTensorsClose, runOnnxruntime, runOnnxts } from '../../support/differential.js';
import { attr, singleNodeModel } from '../../support/model-builder.js';
import { Rng, randomTensor } from '../../support/random.js';

function cropPadModel(dims: number[], shapeLength: number, type: DataType = 'float32', axes?: number[], shapeType: DataType = 'int64'): Uint8Array {
  return singleNodeModel('CenterCropPad', [{ name: 'x', type, shape: dims }, { name: 'shape', type: shapeType, shape: [shapeLength] }], [{ name: 'y', type }], {
    opset: 18,
    attributes: axes ? { axes: attr.ints(axes) } : {},
  });
}

const shapeTensor = (values: number[], type: DataType = 'int64') =>
  type === 'int64' ? new Tensor('int64', BigInt64Array.from(values.map(BigInt)), [values.length]) : new Tensor('int32', Int32Array.from(values), [values.length]);

describe('CenterCropPad against onnxruntime', () => {
  it.each([
    ['crop, odd and even excess', [5, 8, 3], [3, 5, 3]],
    ['pad, odd and even shortfall', [2, 3, 4], [5, 6, 4]],
    ['crop one dim, pad another', [7, 2, 6], [4, 5, 6]],
    ['to an empty dim and from one', [0, 4], [3, 0]],
  ])('%s', async (_name, dims, target) => {
    const x = randomTensor('float32', dims, new Rng(1));
    await expectMatchesOnnxruntime(cropPadModel(dims, target.length), { x, shape: shapeTensor(target) });
    // onnxruntime's expansion of the op rejects an int32 shape, so that case is compared with its int64 result.
    const expected = (await runOnnxruntime(cropPadModel(dims, target.length), { x, shape: shapeTensor(target) })).y;
    const actual = (await runOnnxts(cropPadModel(dims, target.length, 'float32', undefined, 'int32'), { x, shape: shapeTensor(target, 'int32') })).y;
    expectTensorsClose(actual, expected, { rtol: 0, atol: 0 }, 'int32 shape');
  });

  it('axes, in any order and negative', async () => {
    const dims = [3, 8, 5];
    for (const [axes, target] of [[[0, 2], [1, 8]], [[2, 0], [8, 1]], [[-1], [2]], [[-2, -3], [4, 6]]]) {
      await expectMatchesOnnxruntime(cropPadModel(dims, target.length, 'float32', axes), { x: randomTensor('float32', dims, new Rng(2)), shape: shapeTensor(target) }, undefined, JSON.stringify(axes));
    }
  });

  it.each(['int32', 'int64', 'float64', 'uint8'] as DataType[])('%s', async (type) => {
    await expectMatchesOnnxruntime(cropPadModel([4, 5], 2, type), { x: randomTensor(type, [4, 5], new Rng(3), 0, 50), shape: shapeTensor([7, 2]) });
  });
});

describe('CenterCropPad', () => {
  it('pads strings with empty strings, the odd element on the right', async () => {
    const x = new Tensor('string', ['a', 'b', 'c'], [3]);
    const y = (await runOnnxts(cropPadModel([3], 1, 'string'), { x, shape: shapeTensor([6]) })).y;
    expect(Array.from(y.data as string[])).toEqual(['', 'a', 'b', 'c', '', '']);
  });

  it('crops with the window shifted left when the excess is odd', async () => {
    const x = new Tensor('int32', [0, 1, 2, 3, 4, 5], [6]);
    const y = (await runOnnxts(cropPadModel([6], 1, 'int32'), { x, shape: shapeTensor([3]) })).y;
    expect(Array.from(y.data as Int32Array)).toEqual([1, 2, 3]);
  });

  it('rejects negative, huge and miscounted shapes', async () => {
    const x = randomTensor('float32', [2, 2], new Rng(4));
    await expect(runOnnxts(cropPadModel([2, 2], 2), { x, shape: shapeTensor([-1, 2]) })).rejects.toThrow(/invalid dimension/);
    await expect(runOnnxts(cropPadModel([2, 2], 2), { x, shape: shapeTensor([2 ** 40, 2 ** 20]) })).rejects.toThrow(/limit/);
    await expect(runOnnxts(cropPadModel([2, 2], 1), { x, shape: shapeTensor([2]) })).rejects.toThrow(/rank 2/);
  });
});
