import { describe, it } from 'vitest';
import { singleNodeModel } from '../../support/model-builder.js';
import { Rng, randomTensor } from '../../support/random.js';
import { expectMatchesOnnxruntime } from '../../support/differential.js';
import type { DataType } from '../../../src/tensor/element-type.js';

const shapes: [number[], number[]][] = [
  [[3, 4], [3, 4]],
  [[2, 3, 5], [5]],
  [[4, 1, 3], [1, 6, 1]],
  [[1], [7, 2]],
  [[0, 3], [3]],
  [[], [2, 2]],
];

describe.each(['Add', 'Sub', 'Mul', 'Div'])('%s', (op) => {
  for (const type of ['float32', 'float64', 'int32', 'int64'] as DataType[]) {
    it.each(shapes)(`${type} %j with %j matches onnxruntime`, async (a, b) => {
      const rng = new Rng(7);
      const model = singleNodeModel(op, [{ name: 'a', type, shape: a }, { name: 'b', type, shape: b }], [{ name: 'y', type }], { opset: 14 });
      const low = op === 'Div' && !type.startsWith('float') ? 1 : -5;
      await expectMatchesOnnxruntime(model, { a: randomTensor(type, a, rng), b: randomTensor(type, b, rng, low, 6) });
    });
  }
});
