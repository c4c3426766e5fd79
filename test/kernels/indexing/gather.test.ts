import { describe, expect, it } from 'vitest';
import { Tensor } from '../../../src/index.js';
import { gather } from '../../../src/kernels/indexing/gather.js';
import { gatherElements } from '../../../src/kernels/indexing/gather-elements.js';
import type { KernelContext } from '../../../src/kernels/kernel.js';
import { DenseTensor } from '../../../src/tensor/dense-tensor.js';
import type { DataType } from '../../../src/tensor/element-type.js';
import { FLOAT32_TOLERANCE, expectMatchesOnnxruntime, expectTensorsClose, runOnnxruntime, runOnnxts } from '../../support/differential.js';
import { attr, singleNodeModel } from '../../support/model-builder.js';
import { Rng, randomTensor } from '../../support/random.js';

/** Random indices in [-size, size) (negative ones count from the end). */
function randomIndices(type: 'int32' | 'int64', dims: number[], size: number, rng: Rng): Tensor {
  const values = Array.from({ length: dims.reduce((a, b) => a * b, 1) }, () => rng.int(-size, size - 1));
  return new Tensor(type, type === 'int64' ? values.map(BigInt) : values, dims);
}

/**
 * onnxruntime-node's string Gather loses all but the first string of each copied block, so
 * strings are checked through an int32 stand-in: onnxruntime gathers the element ids and the
 * expected strings are looked up from them.
 */
async function expectStringGatherMatches(build: (type: DataType) => Uint8Array, data: Tensor, indices: Tensor): Promise<void> {
  const strings = data.data as string[];
  const ids = new Tensor('int32', Int32Array.from(strings, (_, i) => i), data.dims);
  const gathered = (await runOnnxruntime(build('int32'), { data: ids, indices })).y;
  const expected = { type: 'string', dims: gathered.dims, data: Array.from(gathered.data as Int32Array, (id) => strings[id]) };
  const ours = (await runOnnxts(build('string'), { data, indices })).y;
  expectTensorsClose(ours, expected, FLOAT32_TOLERANCE, 'y');
}

describe('Gather', () => {
  const cases: [number[], number, number[]][] = [
    [[5, 4, 3], 0, [3]],
    [[5, 4, 3], 1, [2, 2]],
    [[5, 4, 3], -1, [7]],
    [[6], 0, []],
    [[3, 7], 1, []],
    [[2, 3, 4, 5], 2, [1, 3, 2]],
    [[0, 4], 1, [2]],
    [[4, 3], 0, [0]],
    [[4, 0], 0, [2]],
    [[0, 4], 0, [0]],
    [[300, 33], 0, [4, 9]],
  ];
  for (const type of ['float32', 'int64', 'float16', 'bool', 'string', 'uint8'] as DataType[]) {
    for (const indexType of ['int32', 'int64'] as const) {
      it.each(cases)(`${type} data %j axis %i indices %j (${indexType}) matches onnxruntime`, async (dims, axis, indexDims) => {
        const rng = new Rng(11);
        const size = dims[axis < 0 ? axis + dims.length : axis];
        const build = (t: DataType) => singleNodeModel('Gather', [{ name: 'data', type: t, shape: dims }, { name: 'indices', type: indexType, shape: indexDims }], [{ name: 'y', type: t }], {
          attributes: { axis: attr.int(axis) },
          opset: 13,
        });
        const indices = randomIndices(indexType, indexDims, size, rng);
        const data = randomTensor(type, dims, rng);
        if (type === 'string') await expectStringGatherMatches(build, data, indices);
        else await expectMatchesOnnxruntime(build(type), { data, indices });
      });
    }
  }

  it('rejects an out-of-range index with a message naming it', async () => {
    const model = singleNodeModel('Gather', [{ name: 'data', type: 'float32', shape: [3, 2] }, { name: 'indices', type: 'int64', shape: [2] }], [{ name: 'y', type: 'float32' }]);
    const feeds = { data: new Tensor('float32', new Float32Array(6), [3, 2]), indices: new Tensor('int64', [0n, 3n], [2]) };
    await expect(runOnnxts(model, feeds)).rejects.toThrow(/index 3, out of range for an axis of size 3/);
    const negative = { ...feeds, indices: new Tensor('int64', [-4n, 0n], [2]) };
    await expect(runOnnxts(model, negative)).rejects.toThrow(/index -4/);
  });

  it('moves complex64 elements whole (independently derived)', () => {
    const data = new DenseTensor('complex64', [3], new Float32Array([1, 2, 3, 4, 5, 6]));
    const indices = new DenseTensor('int64', [2], new BigInt64Array([2n, -3n]));
    const [out] = gather.run([data, indices], { axis: 0 }, { opset: 13 } as KernelContext) as DenseTensor[];
    expect(Array.from(out.data as Float32Array)).toEqual([5, 6, 1, 2]);
    const [elements] = gatherElements.run([data, indices], { axis: 0 }, { opset: 13 } as KernelContext) as DenseTensor[];
    expect(Array.from(elements.data as Float32Array)).toEqual([5, 6, 1, 2]);
  });

  it('runs at opset 1 and 11', async () => {
    const rng = new Rng(3);
    for (const opset of [1, 11]) {
      const model = singleNodeModel('Gather', [{ name: 'data', type: 'float32', shape: [4, 5] }, { name: 'indices', type: 'int64', shape: [3] }], [{ name: 'y', type: 'float32' }], {
        attributes: { axis: attr.int(1) },
        opset,
      });
      await expectMatchesOnnxruntime(model, { data: randomTensor('float32', [4, 5], rng), indices: new Tensor('int64', [4n, 0n, 2n], [3]) });
    }
  });
});

describe('GatherElements', () => {
  const cases: [number[], number, number[]][] = [
    [[3, 3], 0, [2, 3]],
    [[3, 3], 1, [3, 5]],
    [[2, 4, 3], -1, [2, 2, 3]],
    [[2, 4, 3], 1, [1, 6, 2]],
    [[5], 0, [9]],
    [[3, 4], 0, [0, 4]],
  ];
  for (const type of ['float32', 'int64', 'string', 'float16'] as DataType[]) {
    it.each(cases)(`${type} data %j axis %i indices %j matches onnxruntime`, async (dims, axis, indexDims) => {
      const rng = new Rng(5);
      const size = dims[axis < 0 ? axis + dims.length : axis];
      const model = singleNodeModel('GatherElements', [{ name: 'data', type, shape: dims }, { name: 'indices', type: 'int64', shape: indexDims }], [{ name: 'y', type }], {
        attributes: { axis: attr.int(axis) },
        opset: 13,
      });
      await expectMatchesOnnxruntime(model, { data: randomTensor(type, dims, rng), indices: randomIndices('int64', indexDims, size, rng) });
    });
  }

  it('accepts int32 indices and rejects out-of-range ones', async () => {
    const model = singleNodeModel('GatherElements', [{ name: 'data', type: 'float32', shape: [2, 3] }, { name: 'indices', type: 'int32', shape: [2, 2] }], [{ name: 'y', type: 'float32' }], {
      attributes: { axis: attr.int(1) },
    });
    const data = randomTensor('float32', [2, 3], new Rng(1));
    await expectMatchesOnnxruntime(model, { data, indices: new Tensor('int32', [0, -1, 2, 1], [2, 2]) });
    await expect(runOnnxts(model, { data, indices: new Tensor('int32', [0, 3, 2, 1], [2, 2]) })).rejects.toThrow(/index 3/);
  });
});

describe('GatherND', () => {
  const cases: [number[], number[], number][] = [
    [[2, 2], [2, 2], 0],
    [[2, 2], [2, 1], 0],
    [[2, 2, 2], [2, 1, 2], 0],
    [[3, 4, 5], [4, 2], 0],
    [[3, 4, 5], [3, 2, 1], 1],
    [[2, 3, 4, 5], [2, 3, 2, 1], 2],
    [[2, 3, 4], [2, 5, 2], 1],
    [[4, 3], [0, 1], 0],
  ];
  for (const type of ['float32', 'int32', 'string'] as DataType[]) {
    it.each(cases)(`${type} data %j indices %j batch_dims %i matches onnxruntime`, async (dims, indexDims, batchDims) => {
      const rng = new Rng(8);
      const k = indexDims[indexDims.length - 1];
      const count = indexDims.reduce((a, b) => a * b, 1);
      const values = Array.from({ length: count }, (_, i) => {
        const size = dims[batchDims + (i % k)];
        return BigInt(rng.int(-size, size - 1));
      });
      const model = singleNodeModel('GatherND', [{ name: 'data', type, shape: dims }, { name: 'indices', type: 'int64', shape: indexDims }], [{ name: 'y', type }], {
        attributes: { batch_dims: attr.int(batchDims) },
        opset: 13,
      });
      await expectMatchesOnnxruntime(model, { data: randomTensor(type, dims, rng), indices: new Tensor('int64', values, indexDims) });
    });
  }

  it('runs at opset 11 and rejects an index tuple longer than the data rank', async () => {
    const rng = new Rng(2);
    const model = singleNodeModel('GatherND', [{ name: 'data', type: 'float32', shape: [3, 4] }, { name: 'indices', type: 'int64', shape: [2, 2] }], [{ name: 'y', type: 'float32' }], { opset: 11 });
    await expectMatchesOnnxruntime(model, { data: randomTensor('float32', [3, 4], rng), indices: new Tensor('int64', [2n, 3n, 0n, -1n], [2, 2]) });
    const long = singleNodeModel('GatherND', [{ name: 'data', type: 'float32', shape: [3, 4] }, { name: 'indices', type: 'int64', shape: [1, 3] }], [{ name: 'y', type: 'float32' }], { opset: 11 });
    await expect(runOnnxts(long, { data: randomTensor('float32', [3, 4], rng), indices: new Tensor('int64', [0n, 0n, 0n], [1, 3]) })).rejects.toThrow(/exceeds data rank/);
  });
});
