import { describe, expect, it } from 'vitest';
import { Tensor } from '../../../src/index.js';
import type { DataType } from '../../../src/tensor/element-type.js';
import { bfloat16BitsToNumber } from '../../../src/tensor/numeric/bfloat16.js';
import { expectMatchesOnnxruntime, runOnnxts } from '../../support/differential.js';
import { singleNodeModel } from '../../support/model-builder.js';
import { Rng, randomTensor } from '../../support/random.js';

const shapes: [number[], number[]][] = [
  [[7, 33], [33, 65]],
  [[1, 1], [1, 1]],
  [[65, 7], [7, 1]],
  [[33], [33, 5]],
  [[4, 6], [6]],
  [[5], [5]],
  [[5], [2, 5, 3]],
  [[2, 3, 4], [4]],
  [[2, 1, 5, 3], [4, 3, 6]],
  [[3, 4], [2, 4, 5]],
  [[2, 3, 4], [4, 5]],
  [[1, 2, 3, 4], [3, 1, 4, 2]],
  [[3, 0], [0, 4]],
  [[0, 2, 3], [3, 4]],
  [[2, 0, 3], [2, 3, 4]],
  [[70, 80], [80, 90]],
  [[3, 40, 36], [36, 50]],
];

function model(type: DataType, a: number[], b: number[], opset: number): Uint8Array {
  return singleNodeModel('MatMul', [{ name: 'a', type, shape: a }, { name: 'b', type, shape: b }], [{ name: 'y', type }], { opset });
}

describe('MatMul', () => {
  for (const type of ['float32', 'float64', 'int32', 'int64', 'uint32', 'uint64'] as DataType[]) {
    it.each(shapes)(`${type} %j x %j matches onnxruntime`, async (a, b) => {
      const rng = new Rng(3);
      const unsigned = type.startsWith('uint');
      const feeds = { a: randomTensor(type, a, rng, unsigned ? 0 : -4, 5), b: randomTensor(type, b, rng, unsigned ? 0 : -4, 5) };
      if (unsigned && a[a.length - 1] === 0) {
        // onnxruntime fails on an unsigned K = 0 product (it writes the zeros as a signed type).
        const out = await runOnnxts(model(type, a, b, 13), feeds);
        expect(out.y.dims).toEqual([a[0], b[1]]);
        expect(Array.from(out.y.data as ArrayLike<number | bigint>, Number)).toEqual(new Array(a[0] * b[1]).fill(0));
        return;
      }
      await expectMatchesOnnxruntime(model(type, a, b, 13), feeds);
    });
  }

  it.each([[[4, 6], [6, 3]], [[2, 3, 8], [8, 5]], [[33], [33, 7]]])('float16 %j x %j matches onnxruntime', async (a, b) => {
    const rng = new Rng(5);
    await expectMatchesOnnxruntime(model('float16', a, b, 13), { a: randomTensor('float16', a, rng), b: randomTensor('float16', b, rng) }, { rtol: 1e-2, atol: 1e-2 });
  });

  it.each([1, 9])('opset %i serves the float types', async (opset) => {
    const rng = new Rng(8);
    await expectMatchesOnnxruntime(model('float32', [3, 5], [5, 2], opset), { a: randomTensor('float32', [3, 5], rng), b: randomTensor('float32', [5, 2], rng) });
  });

  it('int32 and int64 products wrap around like onnxruntime', async () => {
    const rng = new Rng(9);
    for (const type of ['int32', 'int64'] as DataType[]) {
      const big = type === 'int32' ? 2 ** 20 : 2 ** 40;
      await expectMatchesOnnxruntime(model(type, [3, 4], [4, 2], 13), { a: randomTensor(type, [3, 4], rng, -big, big), b: randomTensor(type, [4, 2], rng, -big, big) });
    }
  });

  it('bfloat16 matches a product computed in the test', async () => {
    // bfloat16 values with few mantissa bits, so every product and sum is exact in float32.
    const aValues = [1, 2, -0.5, 4, 0.25, -3];
    const bValues = [2, -1, 0.5, 8, 1, 0.125];
    const toBits = (v: number) => new Uint16Array(new Float32Array([v]).buffer)[1];
    const a = new Tensor('bfloat16', Uint16Array.from(aValues, toBits), [2, 3]);
    const b = new Tensor('bfloat16', Uint16Array.from(bValues, toBits), [3, 2]);
    const out = await runOnnxts(model('bfloat16', [2, 3], [3, 2], 13), { a, b });
    const expected = [0, 1].flatMap((i) => [0, 1].map((j) => [0, 1, 2].reduce((s, p) => s + aValues[i * 3 + p] * bValues[p * 2 + j], 0)));
    expect(out.y.type).toBe('bfloat16');
    expect(Array.from(out.y.data as Uint16Array, bfloat16BitsToNumber)).toEqual(expected);
  });

  it.each([
    [[3, 4], [5, 2], /do not multiply/],
    [[2, 3, 4], [3, 4, 2], /cannot be broadcast/],
  ])('rejects %j x %j', async (a, b, message) => {
    const rng = new Rng(1);
    await expect(runOnnxts(model('float32', a, b, 13), { a: randomTensor('float32', a, rng), b: randomTensor('float32', b, rng) })).rejects.toThrow(message);
  });

  it('rejects a scalar operand', async () => {
    const rng = new Rng(1);
    await expect(runOnnxts(model('float32', [], [3], 13), { a: randomTensor('float32', [], rng), b: randomTensor('float32', [3], rng) })).rejects.toThrow(/rank >= 1/);
  });
});
