import { describe, expect, it } from 'vitest';
import { Tensor } from '../../../src/index.js';
import type { DataType } from '../../../src/tensor/element-type.js';
import { expectMatchesOnnxruntime, expectTensorsClose, FLOAT32_TOLERANCE, runOnnxts } from '../../support/differential.js';
import { attr, singleNodeModel } from '../../support/model-builder.js';
import { Rng, randomTensor } from '../../support/random.js';

const size = (dims: readonly number[]) => dims.reduce((a, b) => a * b, 1);

/** Indices along `axis` of data that never repeat within one line, so 'none' has one answer. */
function distinctAlongAxis(indexDims: number[], axis: number, axisSize: number, rng: Rng): Tensor {
  const values = new Array<bigint>(size(indexDims));
  const inner = size(indexDims.slice(axis + 1));
  const n = indexDims[axis];
  for (let o = 0; o < size(indexDims.slice(0, axis)); o++) {
    for (let i = 0; i < inner; i++) {
      const pool = Array.from({ length: axisSize }, (_, k) => k);
      for (let j = 0; j < n; j++) {
        const pick = pool.splice(rng.int(0, pool.length - 1), 1)[0];
        values[(o * n + j) * inner + i] = BigInt(rng.next() < 0.5 ? pick - axisSize : pick);
      }
    }
  }
  return new Tensor('int64', values, indexDims);
}

function randomIndices(indexDims: number[], axisSize: number, rng: Rng): Tensor {
  return new Tensor('int64', Array.from({ length: size(indexDims) }, () => BigInt(rng.int(-axisSize, axisSize - 1))), indexDims);
}

describe('ScatterElements', () => {
  const cases: [number[], number, number[]][] = [
    [[3, 3], 0, [2, 3]],
    [[4, 5], 1, [4, 3]],
    [[2, 4, 3], -2, [2, 3, 3]],
    [[2, 4, 3], 2, [1, 2, 2]],
    [[7], 0, [4]],
    [[3, 4], 0, [0, 4]],
  ];
  for (const type of ['float32', 'int64', 'float16', 'int32', 'string', 'bool'] as DataType[]) {
    it.each(cases)(`${type} reduction none: data %j axis %i indices %j matches onnxruntime`, async (dims, axis, indexDims) => {
      const rng = new Rng(21);
      const a = axis < 0 ? axis + dims.length : axis;
      const model = singleNodeModel('ScatterElements', [
        { name: 'data', type, shape: dims }, { name: 'indices', type: 'int64', shape: indexDims }, { name: 'updates', type, shape: indexDims },
      ], [{ name: 'y', type }], { attributes: { axis: attr.int(axis) }, opset: 18 });
      await expectMatchesOnnxruntime(model, {
        data: randomTensor(type, dims, rng),
        indices: distinctAlongAxis(indexDims, a, dims[a], rng),
        updates: randomTensor(type, indexDims, rng),
      });
    });
  }

  for (const reduction of ['add', 'mul', 'max', 'min']) {
    for (const type of ['float32', 'int32', 'int64', 'float64'] as DataType[]) {
      it.each(cases)(`${type} reduction ${reduction} with repeated indices: data %j axis %i indices %j matches onnxruntime`, async (dims, axis, indexDims) => {
        const rng = new Rng(4);
        const a = axis < 0 ? axis + dims.length : axis;
        const model = singleNodeModel('ScatterElements', [
          { name: 'data', type, shape: dims }, { name: 'indices', type: 'int64', shape: indexDims }, { name: 'updates', type, shape: indexDims },
        ], [{ name: 'y', type }], { attributes: { axis: attr.int(axis), reduction: attr.string(reduction) }, opset: 18 });
        await expectMatchesOnnxruntime(model, {
          data: randomTensor(type, dims, rng),
          indices: randomIndices(indexDims, dims[a], rng),
          updates: randomTensor(type, indexDims, rng),
        });
      });
    }
  }

  it('takes int32 indices, runs at opset 11 and 16, and the deprecated Scatter at opset 10', async () => {
    const rng = new Rng(9);
    const inputs = [
      { name: 'data', type: 'float32' as const, shape: [3, 4] }, { name: 'indices', type: 'int32' as const, shape: [2, 4] }, { name: 'updates', type: 'float32' as const, shape: [2, 4] },
    ];
    const feeds = { data: randomTensor('float32', [3, 4], rng), indices: new Tensor('int32', [0, 2, -1, 1, 1, 0, 0, 2], [2, 4]), updates: randomTensor('float32', [2, 4], rng) };
    await expectMatchesOnnxruntime(singleNodeModel('ScatterElements', inputs, [{ name: 'y', type: 'float32' }], { opset: 11 }), feeds);
    await expectMatchesOnnxruntime(singleNodeModel('ScatterElements', inputs, [{ name: 'y', type: 'float32' }], { opset: 16, attributes: { reduction: attr.string('add') } }), feeds);
    const positive = { ...feeds, indices: new Tensor('int32', [0, 2, 2, 1, 1, 0, 0, 2], [2, 4]) };
    await expectMatchesOnnxruntime(singleNodeModel('Scatter', inputs, [{ name: 'y', type: 'float32' }], { opset: 10 }), positive);
  });

  it('rejects reductions the opset does not have, and out-of-range indices', async () => {
    const inputs = [
      { name: 'data', type: 'float32' as const, shape: [3] }, { name: 'indices', type: 'int64' as const, shape: [1] }, { name: 'updates', type: 'float32' as const, shape: [1] },
    ];
    const feeds = { data: new Tensor('float32', [1, 2, 3], [3]), indices: new Tensor('int64', [1n], [1]), updates: new Tensor('float32', [5], [1]) };
    const maxAt16 = singleNodeModel('ScatterElements', inputs, [{ name: 'y', type: 'float32' }], { opset: 16, attributes: { reduction: attr.string('max') } });
    await expect(runOnnxts(maxAt16, feeds)).rejects.toThrow(/needs opset 18/);
    const model = singleNodeModel('ScatterElements', inputs, [{ name: 'y', type: 'float32' }], { opset: 18 });
    await expect(runOnnxts(model, { ...feeds, indices: new Tensor('int64', [3n], [1]) })).rejects.toThrow(/index 3/);
  });
});

describe('ScatterND', () => {
  /** Distinct index tuples for the leading k dims of `dims`. */
  function distinctTuples(dims: number[], indexDims: number[], rng: Rng): Tensor {
    const k = indexDims[indexDims.length - 1];
    const space = size(dims.slice(0, k));
    const pool = Array.from({ length: space }, (_, i) => i);
    const values: bigint[] = [];
    for (let t = 0; t < size(indexDims.slice(0, -1)); t++) {
      let flat = pool.splice(rng.int(0, pool.length - 1), 1)[0];
      const tuple: bigint[] = [];
      for (let j = k - 1; j >= 0; j--) {
        const c = flat % dims[j];
        flat = Math.floor(flat / dims[j]);
        tuple.unshift(BigInt(rng.next() < 0.5 ? c - dims[j] : c));
      }
      values.push(...tuple);
    }
    return new Tensor('int64', values, indexDims);
  }

  const cases: [number[], number[]][] = [
    [[8], [4, 1]],
    [[4, 4, 4], [2, 1]],
    [[4, 4, 4], [3, 2]],
    [[4, 5, 3], [2, 2, 3]],
    [[2, 2], [2, 2]],
    [[5, 3], [0, 1]],
  ];
  for (const reduction of ['none', 'add', 'mul', 'max', 'min']) {
    for (const type of ['float32', 'int64', 'int32'] as DataType[]) {
      it.each(cases)(`${type} reduction ${reduction}: data %j indices %j matches onnxruntime`, async (dims, indexDims) => {
        const rng = new Rng(13);
        const k = indexDims[indexDims.length - 1];
        const updateDims = [...indexDims.slice(0, -1), ...dims.slice(k)];
        const model = singleNodeModel('ScatterND', [
          { name: 'data', type, shape: dims }, { name: 'indices', type: 'int64', shape: indexDims }, { name: 'updates', type, shape: updateDims },
        ], [{ name: 'y', type }], { attributes: { reduction: attr.string(reduction) }, opset: 18 });
        await expectMatchesOnnxruntime(model, {
          data: randomTensor(type, dims, rng),
          indices: distinctTuples(dims, indexDims, rng),
          updates: randomTensor(type, updateDims, rng),
        });
      });
    }
  }

  it('combines repeated tuples in order under add (independently derived)', async () => {
    const model = singleNodeModel('ScatterND', [
      { name: 'data', type: 'float32', shape: [3, 2] }, { name: 'indices', type: 'int64', shape: [3, 1] }, { name: 'updates', type: 'float32', shape: [3, 2] },
    ], [{ name: 'y', type: 'float32' }], { attributes: { reduction: attr.string('add') }, opset: 16 });
    const out = await runOnnxts(model, {
      data: new Tensor('float32', [1, 2, 3, 4, 5, 6], [3, 2]),
      indices: new Tensor('int64', [2n, -1n, 0n], [3, 1]),
      updates: new Tensor('float32', [10, 20, 30, 40, 50, 60], [3, 2]),
    });
    expectTensorsClose(out.y, { type: 'float32', dims: [3, 2], data: [51, 62, 3, 4, 45, 66] }, FLOAT32_TOLERANCE, 'y');
  });

  it('string updates with no reduction (independently derived)', async () => {
    const model = singleNodeModel('ScatterND', [
      { name: 'data', type: 'string', shape: [2, 2] }, { name: 'indices', type: 'int64', shape: [1, 1] }, { name: 'updates', type: 'string', shape: [1, 2] },
    ], [{ name: 'y', type: 'string' }], { opset: 13 });
    const out = await runOnnxts(model, {
      data: new Tensor('string', ['a', 'b', 'c', 'd'], [2, 2]),
      indices: new Tensor('int64', [-1n], [1, 1]),
      updates: new Tensor('string', ['x', 'y'], [1, 2]),
    });
    expect(Array.from(out.y.data as string[])).toEqual(['a', 'b', 'x', 'y']);
  });

  it('rejects updates of the wrong shape', async () => {
    const model = singleNodeModel('ScatterND', [
      { name: 'data', type: 'float32', shape: [4] }, { name: 'indices', type: 'int64', shape: [2, 1] }, { name: 'updates', type: 'float32', shape: [3] },
    ], [{ name: 'y', type: 'float32' }], { opset: 13 });
    await expect(runOnnxts(model, {
      data: new Tensor('float32', [1, 2, 3, 4], [4]), indices: new Tensor('int64', [0n, 1n], [2, 1]), updates: new Tensor('float32', [1, 2, 3], [3]),
    })).rejects.toThrow(/updates shape \[3\] must be \[2\]/);
  });
});
