import { describe, expect, it } from 'vitest';
import { Tensor } from '../../../src/index.js';
import type { DataType } from '../../../src/tensor/element-type.js';
import { expectMatchesOnnxruntime, runOnnxts } from '../../support/differential.js';
import { attr, singleNodeModel } from '../../support/model-builder.js';
import { Rng } from '../../support/random.js';

function oneHotModel(indexType: DataType, depthType: DataType, valueType: DataType, dims: number[], axis: number, opset = 11): Uint8Array {
  return singleNodeModel('OneHot', [
    { name: 'indices', type: indexType, shape: dims }, { name: 'depth', type: depthType, shape: [] }, { name: 'values', type: valueType, shape: [2] },
  ], [{ name: 'y', type: valueType }], { attributes: { axis: attr.int(axis) }, opset });
}

function scalar(type: DataType, value: number): Tensor {
  return type === 'int64' ? new Tensor('int64', [BigInt(value)], []) : new Tensor(type, [value], []);
}

describe('OneHot', () => {
  const cases: [number[], number][] = [
    [[3], -1],
    [[3], 0],
    [[2, 3], 1],
    [[2, 3], -2],
    [[2, 3, 2], 0],
    [[0, 2], -1],
  ];
  // The (indices, depth, values) type combinations onnxruntime implements.
  const combos: [DataType, DataType, DataType][] = [
    ['int64', 'int64', 'int64'],
    ['int64', 'int64', 'float32'],
    ['float32', 'float32', 'float32'],
    ['int64', 'float32', 'float32'],
    ['int32', 'float32', 'float32'],
    ['int64', 'int64', 'string'],
  ];
  for (const [indexType, depthType, valueType] of combos) {
    it.each(cases)(`${indexType}/${depthType}/${valueType} indices %j axis %i matches onnxruntime (negative and out-of-range indices included)`, async (dims, axis) => {
      const rng = new Rng(41);
      const depth = 4;
      const values = valueType === 'string' ? new Tensor('string', ['off', 'on'], [2]) : valueType === 'int64' ? new Tensor('int64', [-1n, 5n], [2]) : new Tensor(valueType, [0.5, 3], [2]);
      // Whole numbers even for float indices: onnxruntime matches those exactly instead of casting.
      const positions = Array.from({ length: dims.reduce((a, b) => a * b, 1) }, () => rng.int(-depth - 2, depth + 2));
      await expectMatchesOnnxruntime(oneHotModel(indexType, depthType, valueType, dims, axis), {
        indices: new Tensor(indexType, indexType === 'int64' ? positions.map(BigInt) : positions, dims),
        depth: scalar(depthType, depth),
        values,
      });
    });
  }

  it('casts float indices to integers by truncation, per the spec, and takes scalar indices (independently derived)', async () => {
    const out = await runOnnxts(oneHotModel('float32', 'float32', 'int32', [4], -1), {
      indices: new Tensor('float32', [3.9, -0.5, -1.2, 1.5], [4]),
      depth: scalar('float32', 4.7),
      values: new Tensor('int32', [0, 7], [2]),
    });
    expect(Array.from(out.y.data as Int32Array)).toEqual([0, 0, 0, 7, 7, 0, 0, 0, 0, 0, 0, 7, 0, 7, 0, 0]);
    const single = await runOnnxts(oneHotModel('int64', 'int64', 'string', [], 0), { indices: scalar('int64', 2), depth: scalar('int64', 3), values: new Tensor('string', ['n', 'y'], [2]) });
    expect(single.y.dims).toEqual([3]);
    expect(Array.from(single.y.data as string[])).toEqual(['n', 'n', 'y']);
  });

  it('opset 9 treats negative indices as out of range (independently derived)', async () => {
    const feeds = { indices: new Tensor('int64', [-1n, 1n], [2]), depth: scalar('int64', 3), values: new Tensor('float32', [0, 1], [2]) };
    const v9 = await runOnnxts(oneHotModel('int64', 'int64', 'float32', [2], -1, 9), feeds);
    expect(Array.from(v9.y.data as Float32Array)).toEqual([0, 0, 0, 0, 1, 0]);
    const v11 = await runOnnxts(oneHotModel('int64', 'int64', 'float32', [2], -1, 11), feeds);
    expect(Array.from(v11.y.data as Float32Array)).toEqual([0, 0, 1, 0, 1, 0]);
  });

  it('rejects a non-positive depth and values without two entries', async () => {
    const model = oneHotModel('int64', 'int64', 'float32', [2], -1);
    const indices = new Tensor('int64', [0n, 1n], [2]);
    await expect(runOnnxts(model, { indices, depth: scalar('int64', 0), values: new Tensor('float32', [0, 1], [2]) })).rejects.toThrow(/depth must be positive/);
    const three = singleNodeModel('OneHot', [
      { name: 'indices', type: 'int64', shape: [2] }, { name: 'depth', type: 'int64', shape: [] }, { name: 'values', type: 'float32', shape: [3] },
    ], [{ name: 'y', type: 'float32' }], { opset: 11 });
    await expect(runOnnxts(three, { indices, depth: scalar('int64', 2), values: new Tensor('float32', [0, 1, 2], [3]) })).rejects.toThrow(/off_value, on_value/);
  });
});
