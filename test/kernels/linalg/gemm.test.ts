import { describe, expect, it } from 'vitest';
import { Tensor } from '../../../src/index.js';
import type { DataType } from '../../../src/tensor/element-type.js';
import { expectMatchesOnnxruntime, runOnnxts } from '../../support/differential.js';
import { attr, singleNodeModel, type AttributeValue } from '../../support/model-builder.js';
import { Rng, randomTensor } from '../../support/random.js';

interface GemmCase {
  m: number;
  n: number;
  k: number;
  transA: number;
  transB: number;
  alpha: number;
  beta: number;
  /** C's shape, or null for no C. */
  c: number[] | null;
}

function gemmModel(type: DataType, g: GemmCase, opset: number, extra: Record<string, AttributeValue> = {}): Uint8Array {
  const aShape = g.transA ? [g.k, g.m] : [g.m, g.k];
  const bShape = g.transB ? [g.n, g.k] : [g.k, g.n];
  const inputs = [{ name: 'a', type, shape: aShape }, { name: 'b', type, shape: bShape }];
  if (g.c) inputs.push({ name: 'c', type, shape: g.c });
  const attributes = { alpha: attr.float(g.alpha), beta: attr.float(g.beta), transA: attr.int(g.transA), transB: attr.int(g.transB), ...extra };
  return singleNodeModel('Gemm', inputs, [{ name: 'y', type }], { opset, attributes });
}

function gemmFeeds(type: DataType, g: GemmCase, rng: Rng, low = -3, high = 3): Record<string, Tensor> {
  const feeds: Record<string, Tensor> = {
    a: randomTensor(type, g.transA ? [g.k, g.m] : [g.m, g.k], rng, low, high),
    b: randomTensor(type, g.transB ? [g.n, g.k] : [g.k, g.n], rng, low, high),
  };
  if (g.c) feeds.c = randomTensor(type, g.c, rng, low, high);
  return feeds;
}

/** Flat index into C of element (i, j) of its broadcast to [M, N]. */
function cIndex(dims: number[], i: number, j: number): number {
  if (dims.length === 2) return (dims[0] === 1 ? 0 : i) * dims[1] + (dims[1] === 1 ? 0 : j);
  return dims.length === 1 && dims[0] !== 1 ? j : 0;
}

/** beta * C broadcast to [M, N] (rounded like the output type), what Y is when K = 0. */
function expectedC(g: GemmCase, feeds: Record<string, Tensor>): number[] {
  const c = feeds.c?.data as Float32Array | undefined;
  const out = Array.from({ length: g.m * g.n }, (_, e) => (c && g.beta !== 0 ? g.beta * c[cIndex(g.c!, Math.floor(e / g.n), e % g.n)] : 0));
  return c instanceof Float32Array ? Array.from(Float32Array.from(out)) : out;
}

/** Y computed in the test from the feeds: exact BigInt products, then alpha/beta in doubles truncated. */
function expectedGemm(g: GemmCase, feeds: Record<string, Tensor>): number[] {
  const value = (t: Tensor, i: number) => BigInt((t.data as ArrayLike<number | bigint>)[i]);
  const out: number[] = [];
  for (let i = 0; i < g.m; i++) {
    for (let j = 0; j < g.n; j++) {
      let sum = 0n;
      for (let p = 0; p < g.k; p++) {
        sum += value(feeds.a, g.transA ? p * g.m + i : i * g.k + p) * value(feeds.b, g.transB ? j * g.k + p : p * g.n + j);
      }
      let c = 0n;
      if (g.c && g.beta !== 0) c = value(feeds.c, cIndex(g.c, i, j));
      out.push(g.alpha === 1 && g.beta === 1 ? Number(sum + c) : Math.trunc(g.alpha * Number(sum) + g.beta * Number(c)));
    }
  }
  return out;
}

const sizes: [number, number, number][] = [[1, 1, 1], [7, 33, 65], [33, 7, 1], [65, 1, 7], [4, 5, 0], [40, 36, 50]];
const cShapes = (m: number, n: number): (number[] | null)[] => [null, [m, n], [n], [1, n], [m, 1], [1], []];

describe('Gemm', () => {
  for (const type of ['float32', 'float64'] as DataType[]) {
    for (const [m, n, k] of sizes) {
      it(`${type} M=${m} N=${n} K=${k}: every transpose, alpha, beta and C shape matches onnxruntime`, async () => {
        const rng = new Rng(m * 100 + n + k);
        for (const transA of [0, 1]) {
          for (const transB of [0, 1]) {
            for (const [alpha, beta] of [[1, 1], [0.5, 0], [-1.5, 2.25]]) {
              for (const c of cShapes(m, n)) {
                const g = { m, n, k, transA, transB, alpha, beta, c };
                const feeds = gemmFeeds(type, g, rng);
                if (k === 0) {
                  // onnxruntime returns C unscaled when K = 0; the spec's beta * C is computed here.
                  const out = await runOnnxts(gemmModel(type, g, 13), feeds);
                  expect(Array.from(out.y.data as Float32Array), JSON.stringify(g)).toEqual(expectedC(g, feeds));
                  continue;
                }
                await expectMatchesOnnxruntime(gemmModel(type, g, 13), feeds, undefined, JSON.stringify(g));
              }
            }
          }
        }
      });
    }
  }

  it.each([7, 9, 11])('opset %i matches onnxruntime', async (opset) => {
    const rng = new Rng(opset);
    const g = { m: 5, n: 6, k: 7, transA: 1, transB: 0, alpha: 0.75, beta: 1.5, c: [6] };
    await expectMatchesOnnxruntime(gemmModel('float32', g, opset), gemmFeeds('float32', g, rng));
  });

  it('float16 matches onnxruntime', async () => {
    const rng = new Rng(4);
    const g = { m: 6, n: 5, k: 9, transA: 0, transB: 1, alpha: 1, beta: 1, c: [5] };
    await expectMatchesOnnxruntime(gemmModel('float16', g, 13), gemmFeeds('float16', g, rng), { rtol: 1e-2, atol: 1e-2 });
  });

  for (const type of ['int32', 'int64', 'uint32', 'uint64'] as DataType[]) {
    it(`${type} matches products computed in the test`, async () => {
      const rng = new Rng(21);
      for (const [alpha, beta] of [[1, 1], [2.5, -0.5], [1, 0]]) {
        for (const c of [null, [3, 4], [4], [3, 1]]) {
          const g = { m: 3, n: 4, k: 5, transA: 1, transB: 1, alpha, beta, c };
          const unsigned = type.startsWith('uint');
          const feeds = gemmFeeds(type, g, rng, unsigned ? 0 : -20, 20);
          const out = await runOnnxts(gemmModel(type, g, 13), feeds);
          expect(out.y.type).toBe(type);
          expect(out.y.dims).toEqual([3, 4]);
          const expected = expectedGemm(g, feeds).map((v) => (unsigned && v < 0 ? (type === 'uint32' ? v + 2 ** 32 : v + 2 ** 64) : v));
          expect(Array.from(out.y.data as ArrayLike<number | bigint>, Number), JSON.stringify(g)).toEqual(expected);
        }
      }
    });
  }

  describe('opset 6 (broadcast attribute)', () => {
    it('broadcasts C when broadcast=1', async () => {
      const rng = new Rng(6);
      const g = { m: 3, n: 4, k: 2, transA: 0, transB: 0, alpha: 1, beta: 1, c: [4] };
      const feeds = gemmFeeds('int32', g, rng);
      const out = await runOnnxts(gemmModel('float32', g, 6, { broadcast: attr.int(1) }), {
        a: floatCopy(feeds.a), b: floatCopy(feeds.b), c: floatCopy(feeds.c),
      });
      expect(Array.from(out.y.data as Float32Array)).toEqual(expectedGemm(g, feeds));
    });

    it('requires C of shape [M, N] when broadcast=0', async () => {
      const rng = new Rng(6);
      const g = { m: 3, n: 4, k: 2, transA: 0, transB: 0, alpha: 1, beta: 1, c: [4] };
      await expect(runOnnxts(gemmModel('float32', g, 6), gemmFeeds('float32', g, rng))).rejects.toThrow(/broadcast=1/);
      const full = { ...g, c: [3, 4] };
      const feeds = gemmFeeds('int32', full, rng);
      const out = await runOnnxts(gemmModel('float32', full, 6), { a: floatCopy(feeds.a), b: floatCopy(feeds.b), c: floatCopy(feeds.c) });
      expect(Array.from(out.y.data as Float32Array)).toEqual(expectedGemm(full, feeds));
    });

    it('requires C before opset 11', async () => {
      const rng = new Rng(6);
      const g = { m: 2, n: 2, k: 2, transA: 0, transB: 0, alpha: 1, beta: 1, c: null };
      await expect(runOnnxts(gemmModel('float32', g, 9), gemmFeeds('float32', g, rng))).rejects.toThrow(/C is required/);
    });
  });

  it.each([
    [{ m: 3, n: 4, k: 2, transA: 0, transB: 0, alpha: 1, beta: 1, c: [2, 4] }, /does not broadcast/],
    [{ m: 3, n: 4, k: 2, transA: 0, transB: 0, alpha: 1, beta: 1, c: [1, 3, 4] }, /does not broadcast/],
  ])('rejects C %j', async (g, message) => {
    const rng = new Rng(2);
    await expect(runOnnxts(gemmModel('float32', g, 13), gemmFeeds('float32', g, rng))).rejects.toThrow(message);
  });

  it('rejects mismatched K and non-2-D operands', async () => {
    const rng = new Rng(2);
    const bad = singleNodeModel('Gemm', [{ name: 'a', type: 'float32', shape: [3, 4] }, { name: 'b', type: 'float32', shape: [5, 2] }], [{ name: 'y', type: 'float32' }], { opset: 13 });
    await expect(runOnnxts(bad, { a: randomTensor('float32', [3, 4], rng), b: randomTensor('float32', [5, 2], rng) })).rejects.toThrow(/K is 4 vs 5/);
    const flat = singleNodeModel('Gemm', [{ name: 'a', type: 'float32', shape: [4] }, { name: 'b', type: 'float32', shape: [4, 2] }], [{ name: 'y', type: 'float32' }], { opset: 13 });
    await expect(runOnnxts(flat, { a: randomTensor('float32', [4], rng), b: randomTensor('float32', [4, 2], rng) })).rejects.toThrow(/must be 2-D/);
  });
});

/** The same (small integer) values as float32, so expectedGemm's exact sums apply to a float model. */
function floatCopy(t: Tensor): Tensor {
  return new Tensor('float32', Float32Array.from(t.data as Int32Array), t.dims);
}
