import { describe, expect, it } from 'vitest';
import { Tensor } from '../../../src/index.js';
import type { DataType } from '../../../src/tensor/element-type.js';
import { expectMatchesOnnxruntime, runOnnxts } from '../../support/differential.js';
import { attr, singleNodeModel } from '../../support/model-builder.js';
import { Rng, randomTensor } from '../../support/random.js';

function reverseModel(type: DataType, dims: number[], batchAxis: number, timeAxis: number): Uint8Array {
  return singleNodeModel('ReverseSequence', [{ name: 'x', type, shape: dims }, { name: 'lens', type: 'int64', shape: [dims[batchAxis]] }], [{ name: 'y', type }], {
    attributes: { batch_axis: attr.int(batchAxis), time_axis: attr.int(timeAxis) },
    opset: 10,
  });
}

describe('ReverseSequence', () => {
  const cases: [number[], number, number][] = [
    [[4, 4], 1, 0],
    [[4, 4], 0, 1],
    [[5, 3, 2], 1, 0],
    [[3, 6, 2, 3], 0, 1],
    [[0, 3], 1, 0],
  ];
  for (const type of ['float32', 'int64', 'string', 'bool'] as DataType[]) {
    it.each(cases)(`${type} x %j batch_axis %i time_axis %i matches onnxruntime`, async (dims, batchAxis, timeAxis) => {
      const rng = new Rng(53);
      const lens = Array.from({ length: dims[batchAxis] }, () => BigInt(rng.int(0, dims[timeAxis])));
      const x = randomTensor(type, dims, rng);
      await expectMatchesOnnxruntime(reverseModel(type, dims, batchAxis, timeAxis), { x, lens: new Tensor('int64', lens, [lens.length]) });
    });
  }

  it('rejects a sequence length beyond the time axis', async () => {
    const model = reverseModel('float32', [2, 2], 1, 0);
    await expect(runOnnxts(model, { x: new Tensor('float32', [1, 2, 3, 4], [2, 2]), lens: new Tensor('int64', [3n, 1n], [2]) })).rejects.toThrow(/sequence_lens value 3/);
  });
});
