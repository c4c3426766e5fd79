import { describe, expect, it } from 'vitest';
import { attr, singleNodeModel } from '../../support/model-builder.js';
import { expectMatchesOnnxruntime } from '../../support/differential.js';
import { Rng, randomDense, randomTensor } from '../../support/random.js';
import { Tensor } from '../../../src/index.js';
import { onnxCodeOf, type DataType } from '../../../src/tensor/element-type.js';
import { float16BitsToNumber, numberToFloat16Bits } from '../../../src/tensor/numeric/float16.js';
import { bfloat16BitsToNumber } from '../../../src/tensor/numeric/bfloat16.js';
import type { DenseTensor } from '../../../src/tensor/dense-tensor.js';
import { at, int64s, referenceGather, runTensor, tensor } from './kernel-harness.js';

const rng = new Rng(47);

function scalarFeed(type: DataType, value: number): Tensor {
  if (type === 'int64') return new Tensor('int64', BigInt64Array.of(BigInt(value)), []);
  return new Tensor(type as Tensor.Type, [value], []);
}

describe('Range', () => {
  const cases: [number, number, number][] = [[3, 9, 3], [10, 4, -2], [0, 10, 1], [5, 5, 1], [5, 1, 2], [-3, 7, 4], [1, 2, 0.3], [0.5, -2.25, -0.75]];
  it.each(['float32', 'float64', 'int16', 'int32', 'int64'] as DataType[])('%s matches onnxruntime', async (type) => {
    const integer = !type.startsWith('float');
    for (const [start, limit, delta] of cases) {
      if (integer && !Number.isInteger(delta)) continue;
      const model = singleNodeModel('Range', ['s', 'l', 'd'].map((name) => ({ name, type, shape: [] })), [{ name: 'y', type }], { opset: 11 });
      await expectMatchesOnnxruntime(model, { s: scalarFeed(type, start), l: scalarFeed(type, limit), d: scalarFeed(type, delta) }, undefined, `${start}, ${limit}, ${delta}`);
    }
  });

  const scalar = (type: DataType, v: number | bigint): DenseTensor =>
    type === 'int64' ? tensor('int64', [], BigInt64Array.of(BigInt(v))) : type === 'float16' ? tensor('float16', [], Uint16Array.of(numberToFloat16Bits(Number(v)))) : tensor(type, [], Float32Array.of(Number(v)));

  it('int64 counts and values are exact beyond 2^53', async () => {
    const out = await runTensor('Range', [scalar('int64', 2n ** 62n), scalar('int64', 2n ** 62n + 7n), scalar('int64', 3n)].map((t) => t));
    expect(Array.from(out.data as BigInt64Array)).toEqual([2n ** 62n, 2n ** 62n + 3n, 2n ** 62n + 6n]);
    const down = await runTensor('Range', [scalar('int64', 5), scalar('int64', -6), scalar('int64', -4)]);
    expect(Array.from(down.data as BigInt64Array)).toEqual([5n, 1n, -3n]);
  });

  it('float16 and bfloat16 (opset 27) compute in float32 by default and accumulate in their own type with stash_type', async () => {
    const out = await runTensor('Range', [scalar('float16', 2048), scalar('float16', 2056), scalar('float16', 1)], { opset: 27 });
    // 2049 and the other odd values round to even in float16: computed from float32, every value rounds once.
    expect(Array.from(out.data as Uint16Array, float16BitsToNumber)).toEqual([2048, 2048, 2050, 2052, 2052, 2052, 2054, 2056]);
    const stashed = await runTensor('Range', [scalar('float16', 2048), scalar('float16', 2056), scalar('float16', 1)], { opset: 27, attributes: { stash_type: at.int(onnxCodeOf('float16')) } });
    // Accumulating in float16, 2048 + 1 rounds back to 2048 every step.
    expect(Array.from(stashed.data as Uint16Array, float16BitsToNumber)).toEqual(new Array(8).fill(2048));
    const bf = await runTensor('Range', [tensor('bfloat16', [], Uint16Array.of(0x3f80)), tensor('bfloat16', [], Uint16Array.of(0x4080)), tensor('bfloat16', [], Uint16Array.of(0x3f00))], { opset: 27 });
    expect(Array.from(bf.data as Uint16Array, bfloat16BitsToNumber)).toEqual([1, 1.5, 2, 2.5, 3, 3.5]);
  });

  it('rejects a zero delta, infinite or NaN bounds, huge counts and mixed types', async () => {
    await expect(runTensor('Range', [scalar('int64', 0), scalar('int64', 5), scalar('int64', 0)])).rejects.toThrow(/delta must not be zero/);
    await expect(runTensor('Range', [scalar('float32', 0), scalar('float32', 5), scalar('float32', 0)])).rejects.toThrow(/no finite length/);
    await expect(runTensor('Range', [scalar('float32', 0), scalar('float32', Infinity), scalar('float32', 1)])).rejects.toThrow(/no finite length/);
    await expect(runTensor('Range', [scalar('float32', NaN), scalar('float32', 1), scalar('float32', 1)])).rejects.toThrow(/no finite length/);
    await expect(runTensor('Range', [scalar('int64', 0), scalar('int64', 2 ** 40), scalar('int64', 1)])).rejects.toThrow(/more than the limit/);
    await expect(runTensor('Range', [scalar('float32', 0), scalar('float32', 1e30), scalar('float32', 1)])).rejects.toThrow(/more than the limit/);
    await expect(runTensor('Range', [scalar('int64', 0), tensor('int32', [], Int32Array.of(4)), scalar('int64', 1)])).rejects.toThrow(/no kernel for these types|share one type/);
  });
});

describe('EyeLike', () => {
  const shapes = [[3, 3], [2, 5], [6, 2], [1, 1], [0, 3]];
  it.each([undefined, 'float32', 'float64', 'int32', 'int64'] as (DataType | undefined)[])('dtype %s with k -7..7 matches onnxruntime', async (dtype) => {
    for (const shape of shapes) {
      for (const k of [0, 1, -1, 2, -3, 7, -7]) {
        const attributes = { k: attr.int(k), ...(dtype ? { dtype: attr.int(onnxCodeOf(dtype)) } : {}) };
        const model = singleNodeModel('EyeLike', [{ name: 'x', type: 'int32', shape }], [{ name: 'y', type: dtype ?? 'int32' }], { opset: 9, attributes });
        await expectMatchesOnnxruntime(model, { x: randomTensor('int32', shape, rng) }, undefined, `${JSON.stringify(shape)} k ${k}`);
      }
    }
  });

  // onnxruntime has no EyeLike for these output types.
  it.each([['uint8', 1], ['bool', 1], ['float16', 0x3c00], ['uint64', 1n]] as const)('dtype %s puts %s at [i, i + k]', async (dtype, one) => {
    for (const shape of shapes) {
      for (const k of [0, 2, -1]) {
        const out = await runTensor('EyeLike', [randomDense('bool', shape, rng)], { attributes: { k: at.int(k), dtype: at.int(onnxCodeOf(dtype)) } });
        const expected = Array.from({ length: shape[0] * shape[1] }, (_, flat) => (Math.floor(flat / shape[1]) + k === flat % shape[1] ? one : typeof one === 'bigint' ? 0n : 0));
        expect(out.type).toBe(dtype);
        expect(Array.from(out.data as ArrayLike<unknown>)).toEqual(expected);
      }
    }
  });

  it('writes the encoded one for bfloat16 and rejects non-2-D inputs and unknown dtypes', async () => {
    const out = await runTensor('EyeLike', [randomDense('float32', [2, 2], rng)], { attributes: { dtype: at.int(onnxCodeOf('bfloat16')) } });
    expect(Array.from(out.data as Uint16Array)).toEqual([0x3f80, 0, 0, 0x3f80]);
    await expect(runTensor('EyeLike', [randomDense('float32', [2, 2, 2], rng)])).rejects.toThrow(/must be 2-D/);
    await expect(runTensor('EyeLike', [randomDense('float32', [2, 2], rng)], { attributes: { dtype: at.int(8) } })).rejects.toThrow(/'dtype' 8 is not one of/);
  });
});

describe('Trilu', () => {
  const shapes = [[4, 4], [3, 5], [5, 2], [2, 3, 4], [2, 1, 3, 3], [0, 3], [3, 0], [1, 6]];
  it.each(['float32', 'float64', 'int64', 'int32'] as DataType[])('%s upper and lower with k -6..6 matches onnxruntime', async (type) => {
    for (const shape of shapes) {
      for (const upper of [0, 1]) {
        for (const k of [undefined, 0, 1, -1, 2, -3, 6, -6]) {
          const inputs = [{ name: 'x', type, shape }, ...(k === undefined ? [] : [{ name: 'k', type: 'int64' as DataType, shape: [] }])];
          const model = singleNodeModel('Trilu', inputs, [{ name: 'y', type }], { opset: 14, attributes: { upper: attr.int(upper) } });
          const feeds = { x: randomTensor(type, shape, rng), ...(k === undefined ? {} : { k: scalarFeed('int64', k) }) };
          await expectMatchesOnnxruntime(model, feeds, undefined, `${JSON.stringify(shape)} upper ${upper} k ${k}`);
        }
      }
    }
  });

  it.each(['string', 'complex64', 'float8e4m3fn'] as DataType[])('keeps %s elements of the lower triangle like an index-by-index reference', async (type) => {
    const x = randomDense(type, [2, 3, 4], rng, 1, 9);
    const out = await runTensor('Trilu', [x, int64s([1], [])], { attributes: { upper: at.int(0) } });
    const kept = referenceGather(x, [2, 3, 4], (index) => index);
    const zero = type === 'string' ? '' : 0;
    const slots = type === 'complex64' ? 2 : 1;
    const expected = Array.from(kept.data as ArrayLike<unknown>).map((v, flat) => {
      const e = Math.floor(flat / slots);
      return e % 4 <= Math.floor(e / 4) % 3 + 1 ? v : zero;
    });
    expect(Array.from(out.data as ArrayLike<unknown>)).toEqual(expected);
  });

  it('rejects inputs of rank below 2', async () => {
    await expect(runTensor('Trilu', [randomDense('float32', [4], rng)])).rejects.toThrow(/rank 2 or more/);
  });
});
