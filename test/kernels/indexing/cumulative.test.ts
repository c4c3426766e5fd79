import { describe, expect, it } from 'vitest';
import { Tensor } from '../../../src/index.js';
import type { DataType } from '../../../src/tensor/element-type.js';
import { expectMatchesOnnxruntime, expectTensorsClose, FLOAT32_TOLERANCE, runOnnxts } from '../../support/differential.js';
import { attr, singleNodeModel } from '../../support/model-builder.js';
import { Rng, randomTensor } from '../../support/random.js';

const cases: [number[], number][] = [
  [[5], 0],
  [[2, 3], 0],
  [[2, 3], 1],
  [[2, 3], -1],
  [[3, 4, 5], 1],
  [[3, 0, 2], 2],
  [[4, 1, 3], -3],
];
const flags: [number, number][] = [[0, 0], [1, 0], [0, 1], [1, 1]];

function cumModel(op: string, type: DataType, axisType: 'int32' | 'int64', dims: number[], exclusive: number, reverse: number, opset: number): Uint8Array {
  return singleNodeModel(op, [{ name: 'x', type, shape: dims }, { name: 'axis', type: axisType, shape: [] }], [{ name: 'y', type }], {
    attributes: { exclusive: attr.int(exclusive), reverse: attr.int(reverse) },
    opset,
  });
}

function axisTensor(type: 'int32' | 'int64', axis: number): Tensor {
  return type === 'int64' ? new Tensor('int64', [BigInt(axis)], []) : new Tensor('int32', [axis], []);
}

describe('CumSum', () => {
  for (const type of ['float32', 'float64', 'int32', 'int64'] as DataType[]) {
    for (const [exclusive, reverse] of flags) {
      it.each(cases)(`${type} exclusive=${exclusive} reverse=${reverse} x %j axis %i matches onnxruntime`, async (dims, axis) => {
        const rng = new Rng(23);
        const axisType = type === 'int32' ? 'int32' : 'int64';
        await expectMatchesOnnxruntime(cumModel('CumSum', type, axisType, dims, exclusive, reverse, 14), { x: randomTensor(type, dims, rng), axis: axisTensor(axisType, axis) });
      });
    }
  }

  it('runs at opset 11 and rejects an axis out of range', async () => {
    const rng = new Rng(2);
    const x = randomTensor('float32', [3, 4], rng);
    await expectMatchesOnnxruntime(cumModel('CumSum', 'float32', 'int64', [3, 4], 0, 0, 11), { x, axis: axisTensor('int64', 1) });
    await expect(runOnnxts(cumModel('CumSum', 'float32', 'int64', [3, 4], 0, 0, 14), { x, axis: axisTensor('int64', 2) })).rejects.toThrow(/axis 2 is out of range/);
  });
});

/** Cumulative product along `axis` by direct coordinates: the oracle for CumProd (opset 26). */
function referenceCumProd(values: number[], dims: number[], axis: number, exclusive: boolean, reverse: boolean): number[] {
  const inner = dims.slice(axis + 1).reduce((a, b) => a * b, 1);
  const n = dims[axis];
  return values.map((_, flat) => {
    const j = Math.floor(flat / inner) % n;
    const lineStart = flat - j * inner;
    let product = 1;
    for (let t = 0; t < n; t++) {
      const included = reverse ? (exclusive ? t > j : t >= j) : exclusive ? t < j : t <= j;
      if (included) product *= values[lineStart + t * inner];
    }
    return product;
  });
}

describe('CumProd (opset 26, independently derived)', () => {
  for (const type of ['float32', 'float64', 'int32', 'int64'] as DataType[]) {
    for (const [exclusive, reverse] of flags) {
      it.each(cases)(`${type} exclusive=${exclusive} reverse=${reverse} x %j axis %i`, async (dims, axis) => {
        const rng = new Rng(29);
        const x = randomTensor(type, dims, rng, -2, 3);
        const values = Array.from(x.data as ArrayLike<number | bigint>, Number);
        const a = axis < 0 ? axis + dims.length : axis;
        const expected = referenceCumProd(values, dims, a, exclusive === 1, reverse === 1);
        const out = await runOnnxts(cumModel('CumProd', type, 'int32', dims, exclusive, reverse, 26), { x, axis: axisTensor('int32', axis) });
        expectTensorsClose(out.y, { type, dims, data: expected }, FLOAT32_TOLERANCE, 'y');
      });
    }
  }
});
