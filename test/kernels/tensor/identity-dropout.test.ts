import { describe, expect, it } from 'vitest';
import { attr, singleNodeModel } from '../../support/model-builder.js';
import { expectMatchesOnnxruntime, runOnnxts } from '../../support/differential.js';
import { Rng, randomDense, randomTensor } from '../../support/random.js';
import { Mt19937 } from '../../../src/kernels/tensor/mt19937.js';
import { OptionalValue, SequenceValue } from '../../../src/tensor/value.js';
import { Tensor } from '../../../src/index.js';
import type { DataType } from '../../../src/tensor/element-type.js';
import type { DenseTensor } from '../../../src/tensor/dense-tensor.js';
import { at, runKernel, tensor } from './kernel-harness.js';

describe('Identity', () => {
  const rng = new Rng(11);
  it.each(['float32', 'int64', 'float16', 'bool', 'string', 'uint8', 'float64'] as DataType[])('%s matches onnxruntime', async (type) => {
    for (const [opset, shape] of [[13, [3, 4]], [21, []], [16, [0, 2]]] as const) {
      const model = singleNodeModel('Identity', [{ name: 'x', type, shape }], [{ name: 'y', type }], { opset });
      await expectMatchesOnnxruntime(model, { x: randomTensor(type, shape, rng) });
    }
  });

  it('returns the very value for tensors, sequences (14+) and optionals (16+)', async () => {
    const t = randomDense('int4', [3], rng, -8, 7);
    const seq = new SequenceValue([t, t]);
    const opt = new OptionalValue(t);
    expect((await runKernel('Identity', [t], { opset: 1 }))[0]).toBe(t);
    expect((await runKernel('Identity', [seq], { opset: 14 }))[0]).toBe(seq);
    expect((await runKernel('Identity', [opt], { opset: 16 }))[0]).toBe(opt);
    await expect(runKernel('Identity', [seq], { opset: 13 })).rejects.toThrow(/takes tensor values/);
    await expect(runKernel('Identity', [opt], { opset: 15 })).rejects.toThrow(/takes tensor or sequence values/);
  });
});

describe('Mt19937', () => {
  it('draws the doubles numpy draws after np.random.seed(0) and seed(42)', () => {
    // np.random.seed(0); np.random.random_sample(5) and np.random.seed(42); np.random.random_sample(3).
    const zero = new Mt19937(0);
    expect(Array.from({ length: 5 }, () => zero.nextDouble())).toEqual([0.5488135039273248, 0.7151893663724195, 0.6027633760716439, 0.5448831829968969, 0.4236547993389047]);
    const fortyTwo = new Mt19937(42);
    expect(Array.from({ length: 3 }, () => fortyTwo.nextDouble())).toEqual([0.3745401188473625, 0.9507143064099162, 0.7319939418114051]);
  });

  it('matches the reference generator past the first 624-word state refill', () => {
    // The 10000th 32-bit output of MT19937 seeded 5489 (the C++ std::mt19937 default-constructed check value).
    const mt = new Mt19937(5489);
    let last = 0;
    for (let i = 0; i < 10000; i++) last = mt.nextUint32();
    expect(last).toBe(4123659995);
  });
});

describe('Dropout', () => {
  const rng = new Rng(17);
  const shapes = [[2, 3, 4], [7], [], [0, 5]];

  it.each([7, 10, 12, 13, 22])('inference at opset %i matches onnxruntime for the output', async (opset) => {
    for (const type of ['float32', 'float64', 'float16'] as DataType[]) {
      for (const shape of shapes) {
        const attributes = opset < 12 ? { ratio: attr.float(0.3) } : { seed: attr.int(3) };
        const model = singleNodeModel('Dropout', [{ name: 'x', type, shape }], [{ name: 'y', type }], { opset, attributes });
        await expectMatchesOnnxruntime(model, { x: randomTensor(type, shape, rng) });
      }
    }
  });

  it('returns the input and an all-true bool mask in inference (opset 10+), an all-ones data-typed mask before', async () => {
    const x = randomDense('float32', [3, 5], rng);
    const [y, mask] = (await runKernel('Dropout', [x], { opset: 13 })) as DenseTensor[];
    expect(y).toBe(x);
    expect(mask.type).toBe('bool');
    expect(Array.from(mask.data as Uint8Array)).toEqual(new Array(15).fill(1));
    const [, oldMask] = (await runKernel('Dropout', [x], { opset: 9, attributes: { ratio: at.float(0.9) } })) as DenseTensor[];
    expect(oldMask.type).toBe('float32');
    expect(Array.from(oldMask.data as Float32Array)).toEqual(new Array(15).fill(1));
    const [sameY] = (await runKernel('Dropout', [x], { opset: 6, attributes: { is_test: at.int(1) } })) as DenseTensor[];
    expect(sameY).toBe(x);
  });

  const trainingInputs = (x: DenseTensor, ratio: number) => [x, tensor('float32', [], Float32Array.of(ratio)), tensor('bool', [], Uint8Array.of(1))];

  it('in training drops with the ratio, scales the kept by 1 / (1 - ratio) and reports them in the mask', async () => {
    const x = randomDense('float32', [100, 100], rng, 1, 2);
    const [y, mask] = (await runKernel('Dropout', trainingInputs(x, 0.3), { opset: 22, attributes: { seed: at.int(9) } })) as DenseTensor[];
    const keep = mask.data as Uint8Array;
    const kept = keep.reduce((a, b) => a + b, 0);
    expect(Math.abs(kept / keep.length - 0.7)).toBeLessThan(0.02);
    const yd = y.data as Float32Array;
    const xd = x.data as Float32Array;
    for (let i = 0; i < xd.length; i++) expect(yd[i]).toBe(keep[i] ? Math.fround(xd[i] * Math.fround(1 / 0.7)) : 0);
  });

  it('with a seed, drops exactly where numpy uniform draws fall below the ratio', async () => {
    const x = tensor('float64', [6], Float64Array.of(1, 2, 3, 4, 5, 6));
    const [y] = (await runKernel('Dropout', trainingInputs(x, 0.55), { opset: 13, attributes: { seed: at.int(0) } })) as DenseTensor[];
    // Draws for seed 0: 0.549, 0.715, 0.603, 0.545, 0.424, 0.646 -> keep where >= 0.55.
    const scale = 1 / (1 - Math.fround(0.55));
    expect(Array.from(y.data as Float64Array)).toEqual([0, 2 * scale, 3 * scale, 0, 0, 6 * scale]);
  });

  it('in training keeps everything at ratio 0, and the 8-bit float and bfloat16 types work', async () => {
    const x = randomDense('bfloat16', [4, 4], rng);
    const [y] = (await runKernel('Dropout', trainingInputs(x, 0), { opset: 22 })) as DenseTensor[];
    expect(y).toBe(x);
    const f8 = tensor('float8e4m3fn', [4], Uint8Array.of(0x38, 0x40, 0x48, 0x30));
    const [y8, m8] = (await runKernel('Dropout', trainingInputs(f8, 0.5), { opset: 22, attributes: { seed: at.int(0) } })) as DenseTensor[];
    // Draws 0.549, 0.715, 0.603, 0.545 all keep; scale 2 adds one to each e4m3 exponent (code + 8).
    expect(Array.from(m8.data as Uint8Array)).toEqual([1, 1, 1, 1]);
    expect(Array.from(y8.data as Uint8Array)).toEqual([0x40, 0x48, 0x50, 0x38]);
  });

  it('opset 1-6 drops unless is_test is set, and rejects a ratio of 1 in training', async () => {
    const x = randomDense('float32', [1000], rng, 1, 2);
    const [y, mask] = (await runKernel('Dropout', [x], { opset: 6, attributes: { ratio: at.float(0.5) } })) as DenseTensor[];
    const dropped = (mask.data as Float32Array).filter((m) => m === 0).length;
    expect(dropped).toBeGreaterThan(400);
    expect(dropped).toBeLessThan(600);
    expect((y.data as Float32Array).filter((v) => v === 0).length).toBe(dropped);
    await expect(runKernel('Dropout', trainingInputs(x, 1), { opset: 22 })).rejects.toThrow(/ratio must be in \[0, 1\)/);
  });

  it('training mode through a session gives the same output for the same seed', async () => {
    const model = singleNodeModel('Dropout', [{ name: 'x', type: 'float32', shape: [50] }, { name: 'r', type: 'float32', shape: [] }, { name: 't', type: 'bool', shape: [] }], [{ name: 'y', type: 'float32' }, { name: 'm', type: 'bool' }], { opset: 13, attributes: { seed: attr.int(123) } });
    const feeds = { x: randomTensor('float32', [50], rng), r: new Tensor('float32', Float32Array.of(0.4), []), t: new Tensor('bool', Uint8Array.of(1), []) };
    const [a, b] = [await runOnnxts(model, feeds), await runOnnxts(model, feeds)];
    expect(Array.from(a.y.data as Float32Array)).toEqual(Array.from(b.y.data as Float32Array));
    expect((a.m.data as Uint8Array).includes(0)).toBe(true);
  });
});
