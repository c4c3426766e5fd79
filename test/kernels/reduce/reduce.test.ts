import { describe, expect, it } from 'vitest';
import { Tensor } from '../../../src/index.js';
import type { DataType } from '../../../src/tensor/element-type.js';
import { expectMatchesOnnxruntime, expectTensorsClose, runOnnxts, type Tolerance } from '../../support/differential.js';
import { attr, singleNodeModel, type AttributeValue, type ValueSpec } from '../../support/model-builder.js';
import { Rng, randomTensor } from '../../support/random.js';
import { naiveReduce, numbersOf, type ReduceOpName } from './naive-reduce.js';

const OPS: ReduceOpName[] = [
  'ReduceSum', 'ReduceMean', 'ReduceMax', 'ReduceMin', 'ReduceProd',
  'ReduceL1', 'ReduceL2', 'ReduceLogSum', 'ReduceLogSumExp', 'ReduceSumSquare',
];

/** First opset where the op takes axes as an input. */
const inputSince = (op: ReduceOpName): number => (op === 'ReduceSum' ? 13 : 18);

interface Case {
  type?: DataType;
  dims: number[];
  /** Omitted: no axes at all. */
  axes?: number[];
  keepdims?: number;
  noop?: number;
  opset?: number;
}

/** A model of `op` with axes as an input (opset >= inputSince) or as an attribute. */
function reduceModel(op: ReduceOpName, c: Case): { model: Uint8Array; feeds: Record<string, Tensor> } {
  const type = c.type ?? 'float32';
  const opset = c.opset ?? 18;
  const asInput = opset >= inputSince(op);
  const inputs: ValueSpec[] = [{ name: 'x', type, shape: c.dims }];
  const attributes: Record<string, AttributeValue> = {};
  const feeds: Record<string, Tensor> = {};
  if (c.keepdims !== undefined) attributes.keepdims = attr.int(c.keepdims);
  if (c.noop !== undefined) attributes.noop_with_empty_axes = attr.int(c.noop);
  if (c.axes && asInput) {
    inputs.push({ name: 'axes', type: 'int64', shape: [c.axes.length] });
    feeds.axes = new Tensor('int64', BigInt64Array.from(c.axes.map(BigInt)), [c.axes.length]);
  } else if (c.axes) {
    attributes.axes = attr.ints(c.axes);
  }
  return { model: singleNodeModel(op, inputs, [{ name: 'y', type }], { opset, attributes }), feeds };
}

/** Positive inputs for the ops whose result is a log of a sum; signed ones elsewhere. */
function inputFor(op: ReduceOpName, type: DataType, dims: number[], rng: Rng): Tensor {
  return op === 'ReduceLogSum' ? randomTensor(type, dims, rng, 0.1, 3) : randomTensor(type, dims, rng, -3, 3);
}

async function expectOrt(op: ReduceOpName, c: Case, rng: Rng, tol?: Tolerance): Promise<void> {
  const { model, feeds } = reduceModel(op, c);
  feeds.x = inputFor(op, c.type ?? 'float32', c.dims, rng);
  await expectMatchesOnnxruntime(model, feeds, tol, `${op} ${JSON.stringify(c)}`);
}

/** Every subset of `rank` axes, each axis written negative when the rng says so. */
function axesSubsets(rank: number, rng: Rng): number[][] {
  const subsets: number[][] = [];
  for (let mask = 1; mask < 1 << rank; mask++) {
    const axes: number[] = [];
    for (let d = 0; d < rank; d++) if (mask & (1 << d)) axes.push(rng.next() < 0.5 ? d - rank : d);
    subsets.push(axes);
  }
  return subsets;
}

describe.each(OPS)('%s', (op) => {
  it('matches onnxruntime on every axes subset of odd-sized rank-3 and rank-4 tensors, keepdims both ways', async () => {
    const rng = new Rng(11);
    for (const dims of [[3, 5, 7], [2, 3, 1, 5]]) {
      for (const axes of axesSubsets(dims.length, rng)) {
        for (const keepdims of [0, 1]) await expectOrt(op, { dims, axes, keepdims }, rng);
      }
    }
  });

  it('reduces every axis when axes are absent or empty, and none with noop_with_empty_axes', async () => {
    const rng = new Rng(12);
    for (const keepdims of [0, 1]) {
      await expectOrt(op, { dims: [4, 3, 5], keepdims }, rng);
      await expectOrt(op, { dims: [4, 3, 5], axes: [], keepdims }, rng);
      await expectOrt(op, { dims: [4, 3, 5], axes: [], noop: 1, keepdims }, rng);
      await expectOrt(op, { dims: [4, 3, 5], noop: 1, keepdims }, rng);
    }
  });

  it('takes axes as an attribute before the axes input, negative axes included', async () => {
    const rng = new Rng(13);
    const attributeOpsets = op === 'ReduceSum' ? [1, 11] : [1, 11, 13];
    for (const opset of attributeOpsets) {
      for (const keepdims of [0, 1]) {
        await expectOrt(op, { dims: [3, 4, 5], axes: opset < 11 ? [0, 2] : [-1, 0], keepdims, opset }, rng);
        await expectOrt(op, { dims: [3, 4, 5], keepdims, opset }, rng);
      }
    }
  });

  // onnxruntime 1.2x gets the output shape of an empty input with negative axes wrong ([2,0] for
  // axes [-2,2] of [2,0,3]), so empty tensors are checked against the spec formulas.
  it('gives the identity of the reduction over an empty dim, and an empty output over the others', async () => {
    const rng = new Rng(14);
    for (const axes of [[1], [0], [0, 2], [-2, 2], []]) {
      for (const keepdims of [0, 1]) await expectNaive(op, { dims: [2, 0, 3], axes, keepdims }, inputFor(op, 'float32', [2, 0, 3], rng));
    }
  });

  it('reduces a scalar to a scalar', async () => {
    await expectOrt(op, { dims: [], keepdims: 1 }, new Rng(15));
    await expectOrt(op, { dims: [], keepdims: 0 }, new Rng(15));
  });

  for (const type of ['float64', 'float16', 'int32', 'int64'] as DataType[]) {
    // onnxruntime accumulates integer LogSumExp terms in the integer type, truncating each exp.
    const oracle = /^int/.test(type) && op === 'ReduceLogSumExp' ? 'the spec formula' : 'onnxruntime';
    it(`matches ${oracle} on ${type}`, async () => {
      const rng = new Rng(16);
      const tol = type === 'float16' ? { rtol: 2e-3, atol: 2e-3 } : undefined;
      for (const axes of [[1], [0, 2], [-1], []]) {
        for (const keepdims of [0, 1]) {
          const c = { type, dims: [3, 5, 4], axes, keepdims };
          if (oracle === 'onnxruntime') await expectOrt(op, c, rng, tol);
          else await expectNaive(op, c, randomTensor(type, c.dims, rng, -3, 3));
        }
      }
    });
  }

  it('rejects repeated and out-of-range axes', async () => {
    const rng = new Rng(17);
    for (const axes of [[1, -2], [3], [-4]]) {
      await expect(runReduce(op, { dims: [2, 3, 4], axes }, inputFor(op, 'float32', [2, 3, 4], rng))).rejects.toThrow(/axes|axis/);
    }
  });
});

async function runReduce(op: ReduceOpName, c: Case, x: Tensor): Promise<Tensor> {
  const { model, feeds } = reduceModel(op, c);
  return (await runOnnxts(model, { ...feeds, x })).y;
}

/** Compares our result with the naive oracle, the expected values encoded in the output's type. */
async function expectNaive(op: ReduceOpName, c: Case, x: Tensor, tol: Tolerance = { rtol: 1e-6, atol: 1e-6 }): Promise<void> {
  const out = await runReduce(op, c, x);
  const axes = (c.axes ?? []).map((a) => (a < 0 ? a + c.dims.length : a));
  const expected = naiveReduce(op, numbersOf(x), c.dims, axes, (c.keepdims ?? 1) !== 0);
  const isInteger = !/^(float|bfloat)/.test(x.type) && x.type !== 'bool';
  const values = isInteger ? expected.values.map(Math.trunc) : expected.values;
  const data = x.type === 'int64' || x.type === 'uint64' ? values.map(BigInt) : values;
  expectTensorsClose(out, new Tensor(x.type as Tensor.Type, data as number[], expected.dims), tol, `${op} ${x.type} ${JSON.stringify(c)}`);
}

describe.each(['ReduceSum', 'ReduceMean'] as ReduceOpName[])('%s over trailing axes of float32 (one contiguous row per output)', (op) => {
  // Rows of 16 and more take the WebAssembly plane reduction: odd and even lengths, one row and many, every axis.
  const cases: [number[], number[]][] = [
    [[1, 8, 1, 33], [-1]], [[3, 2, 33], [2]], [[2, 5, 4, 9], [2, 3]], [[4, 257], [-1]], [[2, 3, 160], [1, 2]],
    [[1, 17], [1]], [[5, 16], [1]], [[3, 7, 5], [0, 1, 2]], [[6, 15], [1]],
  ];
  it.each(cases)('%j over axes %j, keepdims both ways, against onnxruntime', async (dims, axes) => {
    const rng = new Rng(dims.length * 100 + dims[dims.length - 1]);
    for (const keepdims of [0, 1]) await expectOrt(op, { dims, axes, keepdims }, rng);
  });

  it('keeps infinities and NaN in their rows', async () => {
    const values = Float32Array.from({ length: 3 * 20 }, (_, i) => (i % 7) - 3);
    values[5] = Infinity;
    values[20 + 11] = NaN;
    const { model, feeds } = reduceModel(op, { dims: [3, 20], axes: [1], keepdims: 0 });
    feeds.x = new Tensor('float32', values, [3, 20]);
    await expectMatchesOnnxruntime(model, feeds, undefined, op);
  });
});

describe('types onnxruntime-node has no CPU kernel for, against the spec formulas', () => {
  const exactOps: ReduceOpName[] = ['ReduceSum', 'ReduceMean', 'ReduceMax', 'ReduceMin', 'ReduceProd', 'ReduceL1', 'ReduceSumSquare'];

  it.each(['uint32', 'uint64'] as DataType[])('%s', async (type) => {
    const rng = new Rng(21);
    for (const op of exactOps) {
      for (const axes of [[0], [-1], [0, 2], []]) {
        const c = { type, dims: [3, 4, 5], axes, keepdims: 0 };
        await expectNaive(op, c, randomTensor(type, c.dims, rng, 0, 4));
      }
    }
  });

  it('bfloat16', async () => {
    const rng = new Rng(22);
    for (const op of OPS) {
      for (const axes of [[1], [0, 2], []]) {
        const c = { type: 'bfloat16' as DataType, dims: [3, 4, 5], axes, keepdims: 1 };
        await expectNaive(op, c, inputFor(op, 'bfloat16', c.dims, rng), { rtol: 1e-2, atol: 1e-2 });
      }
    }
  });

  it('int8, uint8 and bool for ReduceMax and ReduceMin, empty sets giving the type limits', async () => {
    const rng = new Rng(23);
    for (const op of ['ReduceMax', 'ReduceMin'] as ReduceOpName[]) {
      for (const type of ['int8', 'uint8'] as DataType[]) {
        await expectNaive(op, { type, dims: [4, 7], axes: [1], keepdims: 0 }, randomTensor(type, [4, 7], rng, type === 'int8' ? -100 : 0, 200));
        const empty = await runReduce(op, { type, dims: [3, 0], axes: [1], keepdims: 0 }, new Tensor(type as Tensor.Type, [], [3, 0]));
        const limit = op === 'ReduceMax' ? (type === 'int8' ? -128 : 0) : type === 'int8' ? 127 : 255;
        expect(Array.from(empty.data as Int8Array)).toEqual([limit, limit, limit]);
      }
      await expectNaive(op, { type: 'bool', dims: [5, 6], axes: [0], keepdims: 1, opset: 20 }, randomTensor('bool', [5, 6], rng));
    }
  });
});

describe('exactness and numerical care', () => {
  it('int64 sums and products stay exact beyond 2^53', async () => {
    const big = [2n ** 60n, 3n, -(2n ** 59n), 7n];
    const x = new Tensor('int64', BigInt64Array.from(big), [4]);
    const sum = await runReduce('ReduceSum', { type: 'int64', dims: [4], keepdims: 0 }, x);
    expect(sum.data).toEqual(BigInt64Array.from([2n ** 60n + 3n - 2n ** 59n + 7n]));
    const prod = await runReduce('ReduceProd', { type: 'int64', dims: [4], keepdims: 0 }, x);
    expect(prod.data).toEqual(BigInt64Array.from([BigInt.asIntN(64, big.reduce((a, b) => a * b))]));
  });

  it('int32 products wrap around as 32-bit arithmetic does', async () => {
    const values = [123457, -98765, 40000, 3];
    const x = new Tensor('int32', Int32Array.from(values), [4]);
    const out = await runReduce('ReduceProd', { type: 'int32', dims: [4], keepdims: 0 }, x);
    const expected = Number(BigInt.asIntN(32, values.map(BigInt).reduce((a, b) => a * b)));
    expect(Array.from(out.data as Int32Array)).toEqual([expected]);
  });

  it('ReduceLogSumExp stays finite for float32 values whose exp overflows', async () => {
    const x = new Tensor('float32', Float32Array.from([1000, 1000, 1000, -1000, -1000, -1000]), [2, 3]);
    const out = await runReduce('ReduceLogSumExp', { dims: [2, 3], axes: [1], keepdims: 0 }, x);
    expectTensorsClose(out, new Tensor('float32', [1000 + Math.log(3), -1000 + Math.log(3)], [2]), { rtol: 1e-6, atol: 0 }, 'logsumexp');
  });

  it('ReduceLogSumExp keeps infinities and NaN', async () => {
    const x = new Tensor('float32', Float32Array.from([Infinity, 1, -Infinity, -Infinity, NaN, 2]), [3, 2]);
    const out = await runReduce('ReduceLogSumExp', { dims: [3, 2], axes: [1], keepdims: 0 }, x);
    expect(Array.from(out.data as Float32Array)).toEqual([Infinity, -Infinity, NaN]);
  });

  it('ReduceL2 neither overflows nor underflows float64 squares', async () => {
    const x = new Tensor('float64', Float64Array.from([3e200, 4e200, 3e-200, 4e-200]), [2, 2]);
    const out = await runReduce('ReduceL2', { type: 'float64', dims: [2, 2], axes: [1], keepdims: 0 }, x);
    expectTensorsClose(out, new Tensor('float64', [5e200, 5e-200], [2]), { rtol: 1e-12, atol: 0 }, 'l2');
  });
});
