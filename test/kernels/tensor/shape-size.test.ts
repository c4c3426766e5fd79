import { describe, expect, it } from 'vitest';
import { attr, singleNodeModel } from '../../support/model-builder.js';
import { expectMatchesOnnxruntime } from '../../support/differential.js';
import { Rng, randomDense, randomTensor } from '../../support/random.js';
import type { DataType } from '../../../src/tensor/element-type.js';
import { at, runTensor } from './kernel-harness.js';

const rng = new Rng(23);
const shapes = [[2, 3, 4], [], [5], [0, 3], [1, 2, 1, 6, 1]];

describe('Shape', () => {
  it.each(['float32', 'int64', 'string', 'bool', 'float16'] as DataType[])('of %s tensors matches onnxruntime (opset 13)', async (type) => {
    for (const shape of shapes) {
      const model = singleNodeModel('Shape', [{ name: 'x', type, shape }], [{ name: 'y', type: 'int64' }], { opset: 13 });
      await expectMatchesOnnxruntime(model, { x: randomTensor(type, shape, rng) });
    }
  });

  const bounds: [number | undefined, number | undefined][] = [
    [1, undefined], [-1, undefined], [-10, undefined], [undefined, 2], [undefined, -1], [undefined, 10], [1, -1], [2, 1], [3, 3], [-2, -1], [0, 0],
  ];
  it.each(bounds)('start %s end %s (opset 15) matches onnxruntime', async (start, end) => {
    const attributes = { ...(start === undefined ? {} : { start: attr.int(start) }), ...(end === undefined ? {} : { end: attr.int(end) }) };
    for (const shape of shapes) {
      const model = singleNodeModel('Shape', [{ name: 'x', type: 'float32', shape }], [{ name: 'y', type: 'int64' }], { opset: 15, attributes });
      await expectMatchesOnnxruntime(model, { x: randomTensor('float32', shape, rng) });
    }
  });

  it('reads the dims of 8-bit float tensors', async () => {
    const out = await runTensor('Shape', [randomDense('float8e5m2', [3, 1, 2], rng)], { opset: 21, attributes: { start: at.int(1) } });
    expect(Array.from(out.data as BigInt64Array)).toEqual([1n, 2n]);
  });
});

describe('Size', () => {
  it.each(['float32', 'int64', 'string', 'bool', 'uint8'] as DataType[])('of %s tensors matches onnxruntime', async (type) => {
    for (const shape of shapes) {
      for (const opset of [1, 13, 21]) {
        const model = singleNodeModel('Size', [{ name: 'x', type, shape }], [{ name: 'y', type: 'int64' }], { opset });
        await expectMatchesOnnxruntime(model, { x: randomTensor(type, shape, rng) });
      }
    }
  });
});
