import { describe, expect, it } from 'vitest';
import { attr, singleNodeModel } from '../../support/model-builder.js';
import { expectMatchesOnnxruntime } from '../../support/differential.js';
import { Rng, randomDense, randomTensor } from '../../support/random.js';
import { Tensor } from '../../../src/index.js';
import { DenseTensor } from '../../../src/tensor/dense-tensor.js';
import type { DataType } from '../../../src/tensor/element-type.js';
import { int64s, referenceGather, runTensor } from './kernel-harness.js';

const rng = new Rng(41);
const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);

interface SliceCase {
  shape: number[];
  starts: bigint[];
  ends: bigint[];
  axes?: number[];
  steps?: number[];
}

function randomBound(dim: number): bigint {
  const pick = rng.int(0, 9);
  if (pick === 0) return INT64_MAX;
  if (pick === 1) return INT64_MIN;
  return BigInt(rng.int(-dim - 2, dim + 2));
}

function randomCase(): SliceCase {
  const shape = rng.shape(rng.int(1, 4), 6, 0);
  const axes = shape.map((_, i) => i).filter(() => rng.next() < 0.7);
  if (axes.length === 0) axes.push(0);
  const signed = axes.map((a) => (rng.next() < 0.5 ? a - shape.length : a));
  const steps = axes.map(() => [1, 1, 2, 3, -1, -2, -3][rng.int(0, 6)]);
  return {
    shape,
    axes: signed,
    starts: axes.map((a) => randomBound(shape[a])),
    // onnxruntime reads an INT64_MAX end as "to the far end" even when stepping backwards (see below).
    ends: axes.map((a, i) => {
      const end = randomBound(shape[a]);
      return steps[i] < 0 && end === INT64_MAX ? INT64_MIN : end;
    }),
    steps,
  };
}

async function compareWithOrt(type: DataType, c: SliceCase, indexType: 'int64' | 'int32' = 'int64'): Promise<void> {
  const vector = (values: readonly bigint[]) =>
    indexType === 'int64' ? new Tensor('int64', BigInt64Array.from(values), [values.length]) : new Tensor('int32', Int32Array.from(values, (v) => Number(BigInt.asIntN(32, v > 2n ** 31n - 1n ? 2n ** 31n - 1n : v < -(2n ** 31n) ? -(2n ** 31n) : v))), [values.length]);
  const optional = [['axes', c.axes], ['steps', c.steps]].filter(([, v]) => v !== undefined) as [string, number[]][];
  const inputs = [
    { name: 'x', type, shape: c.shape },
    { name: 'starts', type: indexType, shape: [c.starts.length] },
    { name: 'ends', type: indexType, shape: [c.ends.length] },
    ...optional.map(([name, v]) => ({ name, type: indexType as DataType, shape: [v.length] })),
  ];
  const model = singleNodeModel('Slice', inputs, [{ name: 'y', type }], { opset: 13 });
  const feeds = { x: randomTensor(type, c.shape, rng), starts: vector(c.starts), ends: vector(c.ends), ...Object.fromEntries(optional.map(([name, v]) => [name, vector(v.map(BigInt))])) };
  await expectMatchesOnnxruntime(model, feeds, undefined, JSON.stringify(c, (_, v) => (typeof v === 'bigint' ? v.toString() : v)));
}

describe('Slice', () => {
  it.each(['float32', 'int64', 'float16', 'string', 'bool', 'uint8'] as DataType[])('%s with random starts, ends, steps and negative axes matches onnxruntime', async (type) => {
    for (let i = 0; i < 25; i++) await compareWithOrt(type, randomCase());
  });

  it('int32 indices, default axes and default steps match onnxruntime', async () => {
    for (let i = 0; i < 10; i++) await compareWithOrt('float32', randomCase(), 'int32');
    await compareWithOrt('float32', { shape: [4, 5, 6], starts: [1n, -3n], ends: [3n, INT64_MAX] });
    await compareWithOrt('float32', { shape: [4, 5, 6], starts: [-1n], ends: [INT64_MIN], axes: [2], steps: [-1] });
    await compareWithOrt('float32', { shape: [64, 33, 17], starts: [3n, 0n, 2n], ends: [60n, 33n, 15n], axes: [0, 1, 2] });
  });

  it('opset 1 attributes (no steps) match onnxruntime', async () => {
    for (const [shape, starts, ends, axes] of [[[4, 5], [1, 0], [3, 1000], [0, 1]], [[4, 5], [0, -3], [-1, 1000], undefined], [[3, 4, 5], [2], [1], [2]]] as const) {
      const attributes = { starts: attr.ints(starts), ends: attr.ints(ends), ...(axes ? { axes: attr.ints(axes) } : {}) };
      const model = singleNodeModel('Slice', [{ name: 'x', type: 'float32', shape: [...shape] }], [{ name: 'y', type: 'float32' }], { opset: 9, attributes });
      await expectMatchesOnnxruntime(model, { x: randomTensor('float32', [...shape], rng) });
    }
  });

  it.each(['complex64', 'int4', 'float8e5m2'] as DataType[])('slices %s like the index-by-index reference, backwards too', async (type) => {
    const x = randomDense(type, [4, 5, 6], rng, 0, 3);
    const out = await runTensor('Slice', [x, int64s([3, 1, 5]), int64s([0, 5, -7]), int64s([0, 1, 2]), int64s([-2, 2, -2])]);
    // Axis 0: 3, 1; axis 1: 1, 3; axis 2: 5, 3, 1.
    const expected = referenceGather(x, [2, 2, 3], ([i, j, k]) => [3 - 2 * i, 1 + 2 * j, 5 - 2 * k]);
    expect(out.dims).toEqual([2, 2, 3]);
    expect(Array.from(out.data as ArrayLike<number>)).toEqual(Array.from(expected.data as ArrayLike<number>));
  });

  it('clamps an INT64_MAX end to dim - 1 when stepping backwards, as Operators.md and numpy do', async () => {
    // onnxruntime instead treats INT_MAX as numpy's None here and returns [3, 2, 1, 0].
    const x = randomDense('float32', [6], rng);
    const out = await runTensor('Slice', [x, int64s([3]), new DenseTensor('int64', [1], BigInt64Array.of(INT64_MAX)), int64s([0]), int64s([-1])]);
    expect(out.dims).toEqual([0]);
    const toBeginning = await runTensor('Slice', [x, int64s([3]), new DenseTensor('int64', [1], BigInt64Array.of(INT64_MIN)), int64s([0]), int64s([-1])]);
    expect(Array.from(toBeginning.data as Float32Array)).toEqual([3, 2, 1, 0].map((i) => (x.data as Float32Array)[i]));
  });

  it('returns the input itself when the slice covers everything', async () => {
    const x = randomDense('float32', [3, 4], rng);
    expect(await runTensor('Slice', [x, int64s([0]), int64s([10])])).toBe(x);
  });

  it('rejects a zero step, mismatched lengths, repeated and out-of-range axes', async () => {
    const x = randomDense('float32', [3, 4], rng);
    await expect(runTensor('Slice', [x, int64s([0]), int64s([2]), int64s([0]), int64s([0])])).rejects.toThrow(/steps\[0\] must be a non-zero/);
    await expect(runTensor('Slice', [x, int64s([0, 1]), int64s([2])])).rejects.toThrow(/ends has 1 values but starts has 2/);
    await expect(runTensor('Slice', [x, int64s([0, 1]), int64s([2, 2]), int64s([1, -1])])).rejects.toThrow(/names axis 1 twice/);
    await expect(runTensor('Slice', [x, int64s([0]), int64s([2]), int64s([2])])).rejects.toThrow(/out of range for rank 2/);
  });
});
