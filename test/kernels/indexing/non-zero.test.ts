import { describe, expect, it } from 'vitest';
import { Tensor } from '../../../src/index.js';
import type { DataType } from '../../../src/tensor/element-type.js';
import { expectMatchesOnnxruntime, runOnnxts } from '../../support/differential.js';
import { singleNodeModel } from '../../support/model-builder.js';
import { Rng, randomTensor } from '../../support/random.js';

describe('NonZero', () => {
  const shapes: [number[]][] = [[[2, 2]], [[7]], [[3, 4, 5]], [[2, 0, 3]], [[1, 1]]];
  for (const type of ['float32', 'int64', 'int32', 'bool', 'uint8'] as DataType[]) {
    it.each(shapes)(`${type} x %j matches onnxruntime`, async (dims) => {
      const rng = new Rng(59);
      const model = singleNodeModel('NonZero', [{ name: 'x', type, shape: dims }], [{ name: 'y', type: 'int64' }], { opset: 13 });
      // Integers in -1..1 give plenty of zeros; floats get some exact zeros by truncation.
      const x = randomTensor(type, dims, rng, -1, 1);
      await expectMatchesOnnxruntime(model, { x });
    });
  }

  it('a scalar gives shape [0, n]; -0, empty strings and float16 zeros are zero (independently derived)', async () => {
    const scalar = singleNodeModel('NonZero', [{ name: 'x', type: 'float32', shape: [] }], [{ name: 'y', type: 'int64' }], { opset: 9 });
    expect((await runOnnxts(scalar, { x: new Tensor('float32', [3], []) })).y.dims).toEqual([0, 1]);
    const floats = singleNodeModel('NonZero', [{ name: 'x', type: 'float32', shape: [4] }], [{ name: 'y', type: 'int64' }], { opset: 13 });
    expect(Array.from((await runOnnxts(floats, { x: new Tensor('float32', [-0, 1, NaN, 0], [4]) })).y.data as BigInt64Array)).toEqual([1n, 2n]);
    const strings = singleNodeModel('NonZero', [{ name: 'x', type: 'string', shape: [2, 2] }], [{ name: 'y', type: 'int64' }], { opset: 13 });
    const s = await runOnnxts(strings, { x: new Tensor('string', ['', 'a', 'b', ''], [2, 2]) });
    expect(Array.from(s.y.data as BigInt64Array)).toEqual([0n, 1n, 1n, 0n]);
    const halves = singleNodeModel('NonZero', [{ name: 'x', type: 'float16', shape: [3] }], [{ name: 'y', type: 'int64' }], { opset: 13 });
    const h = await runOnnxts(halves, { x: new Tensor('float16', new Uint16Array([0x8000, 0x3c00, 0]), [3]) });
    expect(Array.from(h.y.data as BigInt64Array)).toEqual([1n]);
  });
});
