import { describe, expect, it } from 'vitest';
import { Tensor } from '../../../src/index.js';
import type { DataType } from '../../../src/tensor/element-type.js';
import { expectMatchesOnnxruntime, runOnnxts } from '../../support/differential.js';
import { attr, singleNodeModel } from '../../support/model-builder.js';
import { Rng, randomTensor } from '../../support/random.js';

function compressModel(type: DataType, dims: number[], conditionLength: number, axis: number | undefined, opset = 11): Uint8Array {
  return singleNodeModel('Compress', [{ name: 'x', type, shape: dims }, { name: 'condition', type: 'bool', shape: [conditionLength] }], [{ name: 'y', type }], {
    attributes: axis === undefined ? {} : { axis: attr.int(axis) },
    opset,
  });
}

describe('Compress', () => {
  const cases: [number[], number | undefined, number][] = [
    [[3, 2], 0, 3],
    [[3, 2], 1, 2],
    [[3, 2], -1, 1],
    [[3, 2], undefined, 5],
    [[2, 5, 4], 1, 5],
    [[2, 5, 4], 2, 3],
    [[2, 5, 4], undefined, 40],
    [[0, 3], 1, 3],
    [[4, 3], 0, 0],
  ];
  for (const type of ['float32', 'int64', 'bool', 'string', 'uint8'] as DataType[]) {
    it.each(cases)(`${type} x %j axis %s condition length %i matches onnxruntime`, async (dims, axis, length) => {
      const rng = new Rng(43);
      const condition = new Tensor('bool', Array.from({ length }, () => rng.next() < 0.5), [length]);
      await expectMatchesOnnxruntime(compressModel(type, dims, length, axis), { x: randomTensor(type, dims, rng), condition });
    });
  }

  it('runs at opset 9', async () => {
    const rng = new Rng(1);
    await expectMatchesOnnxruntime(compressModel('float32', [4, 3], 4, 0, 9), { x: randomTensor('float32', [4, 3], rng), condition: new Tensor('bool', [true, false, true, true], [4]) });
  });

  it('rejects a condition that selects past the axis', async () => {
    const model = compressModel('float32', [2, 2], 3, 0);
    await expect(runOnnxts(model, { x: new Tensor('float32', [1, 2, 3, 4], [2, 2]), condition: new Tensor('bool', [false, false, true], [3]) })).rejects.toThrow(/selects entry 2/);
  });
});
