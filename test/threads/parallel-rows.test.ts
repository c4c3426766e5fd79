/**
 * Row ops across the GEMM pool against the same ops on one thread: bit-identical outputs (and
 * statistics) on random shapes (odd row counts and lengths), activations, normalizations with
 * and without skip, bias, beta and the sum output; the cases that must stay on one thread; and
 * BiasGelu and SkipLayerNormalization kernels run with intra-op threads against one thread.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WASM_UNARY, wasmBiasUnaryF32, wasmNormalizeRowsF32, type RowNormalization, type WasmUnaryOp } from '../../src/backends/wasm/elementwise-host.js';
import { wasmGemmHeap, wasmGemmVariant } from '../../src/backends/wasm/wasm-gemm.js';
import { createNodeWorkerStarter } from '../../src/platform/node-worker-host.js';
import { GemmPool } from '../../src/backends/threads/gemm-pool.js';
import { closeIntraOpThreads, provideIntraOpThreads, withIntraOpThreads } from '../../src/backends/threads/intra-op.js';
import { parallelBiasUnary, parallelNormalizeRows } from '../../src/backends/threads/parallel-rows.js';
import { geluKernels } from '../../src/kernels/contrib-transformer/gelu-family.js';
import { skipLayerNormalizationKernels } from '../../src/kernels/contrib-transformer/skip-layer-normalization.js';
import { DenseTensor } from '../../src/tensor/dense-tensor.js';
import { expectGuardsIntact, placeInHeap } from '../support/heap-guards.js';
import { Rng } from '../support/random.js';
import { watchedStallingStarter } from './support/stalling-starter.js';
import { workerScripts } from './support/worker-scripts.js';

const variant = wasmGemmVariant();
let pool: GemmPool;

beforeAll(async () => {
  if (!variant) return;
  const start = createNodeWorkerStarter(await workerScripts());
  pool = await GemmPool.start(2, start, variant);
  expect(await provideIntraOpThreads(2, start)).toBe(2);
});

afterAll(async () => {
  await pool?.close();
  await closeIntraOpThreads();
});

function randomFloats(rng: Rng, length: number, spread = 3): Float32Array {
  return Float32Array.from({ length }, () => rng.uniform(-spread, spread));
}

function expectBitIdentical(actual: Float32Array | Float64Array, expected: Float32Array | Float64Array, what: string): void {
  const bytes = (v: Float32Array | Float64Array): Uint8Array => new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  const [a, e] = [bytes(actual), bytes(expected)];
  expect(a.length, `${what}: length`).toBe(e.length);
  let first = -1;
  for (let i = 0; i < e.length && first < 0; i++) if (a[i] !== e[i]) first = i;
  expect(first, `${what}: first differing byte`).toBe(-1);
}

const OPS: readonly WasmUnaryOp[] = ['gelu', 'tanhGelu', 'relu', 'leakyRelu', 'sigmoid', 'clip'];

describe.skipIf(!variant)('parallelBiasUnary', () => {
  it('equals the one-thread call bit for bit', () => {
    const rng = new Rng(71);
    let parallel = 0;
    for (let trial = 0; trial < 16; trial++) {
      const length = [16, 333, 768, 1023, 3072][rng.int(0, 4)];
      const rows = Math.max(1, Math.round(rng.int(1, 5) * (1 << 16) / length) + rng.int(0, 7));
      const op = OPS[rng.int(0, OPS.length - 1)];
      const [p0, p1] = op === 'clip' ? [-0.5, 0.75] : op === 'leakyRelu' ? [0.1, 0] : [0, 0];
      const x = randomFloats(rng, rows * length);
      const bias = randomFloats(rng, length);
      const expected = new Float32Array(x.length).fill(Number.NaN);
      expect(wasmBiasUnaryF32(op, x, bias, expected, p0, p1)).toBe(true);
      const actual = new Float32Array(x.length).fill(Number.NaN);
      const threads = rng.int(2, 3);
      const what = `${op} rows=${rows} length=${length} threads=${threads}`;
      if (!parallelBiasUnary(pool, threads, op, x, bias, actual, p0, p1)) {
        expect(actual.every(Number.isNaN), `${what}: declined, nothing written`).toBe(true);
        continue;
      }
      parallel++;
      expectBitIdentical(actual, expected, what);
    }
    expect(parallel).toBeGreaterThan(8);
  });

  it('computes in place (out is x)', () => {
    const rng = new Rng(72);
    const x = randomFloats(rng, 97 * 3072);
    const bias = randomFloats(rng, 3072);
    const expected = new Float32Array(x.length);
    wasmBiasUnaryF32('gelu', x, bias, expected);
    expect(parallelBiasUnary(pool, 3, 'gelu', x, bias, x, 0, 0)).toBe(true);
    expectBitIdentical(x, expected, 'gelu in place');
  });

  it('survives a helper that dies in the middle of its rows', async () => {
    const { starter, exits } = watchedStallingStarter(await workerScripts());
    const stalling = await GemmPool.start(1, starter, variant!);
    const rng = new Rng(74);
    const x = randomFloats(rng, 64 * 3072);
    const bias = randomFloats(rng, 3072);
    const expected = new Float32Array(x.length);
    wasmBiasUnaryF32('gelu', x, bias, expected);
    const actual = new Float32Array(x.length).fill(Number.NaN);
    expect(parallelBiasUnary(stalling, 2, 'gelu', x, bias, actual, 0, 0)).toBe(true);
    expectBitIdentical(actual, expected, 'rows of a dead helper');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(exits).toHaveLength(1);
    expect(stalling.usable).toBe(false);
    expect(parallelBiasUnary(stalling, 2, 'gelu', x, bias, actual, 0, 0)).toBe(false);
    await stalling.close();
  });

  it('stays on one thread for little work, one thread, one row, an empty or mismatched bias', () => {
    const rng = new Rng(73);
    const x = randomFloats(rng, 64 * 3072);
    const out = new Float32Array(x.length).fill(Number.NaN);
    expect(parallelBiasUnary(pool, 2, 'gelu', x.subarray(0, 1000), randomFloats(rng, 10), out.subarray(0, 1000), 0, 0)).toBe(false);
    expect(parallelBiasUnary(pool, 1, 'gelu', x, randomFloats(rng, 3072), out, 0, 0)).toBe(false);
    expect(parallelBiasUnary(pool, 2, 'gelu', x, randomFloats(rng, x.length), out, 0, 0)).toBe(false);
    expect(parallelBiasUnary(pool, 2, 'gelu', x, new Float32Array(0), out, 0, 0)).toBe(false);
    expect(parallelBiasUnary(pool, 2, 'gelu', x, randomFloats(rng, 3071), out, 0, 0)).toBe(false);
    expect(parallelBiasUnary(pool, 2, 'gelu', new Float32Array(0), randomFloats(rng, 8), new Float32Array(0), 0, 0)).toBe(false);
    expect(out.every(Number.isNaN)).toBe(true);
    expect(WASM_UNARY.gelu).toBeGreaterThanOrEqual(0);
  });
});

describe.skipIf(!variant)('GemmPool.jobBlocks', () => {
  it('cuts a job into two blocks per thread where every helper may join, else one, never more than its work is worth', () => {
    expect(pool.threads).toBe(3);
    expect(pool.jobBlocks(3, 100)).toBe(6);
    expect(pool.jobBlocks(4, 100)).toBe(6);
    expect(pool.jobBlocks(2, 100)).toBe(2);
    expect(pool.jobBlocks(3, 2)).toBe(2);
    expect(pool.jobBlocks(3, 1)).toBe(1);
  });

  it('past one block per thread, cuts a multiple of the threads, so that the caller computes no more blocks than a helper', () => {
    expect(pool.jobBlocks(3, 4)).toBe(3);
    expect(pool.jobBlocks(3, 5)).toBe(3);
    expect(pool.jobBlocks(3, 3)).toBe(3);
    expect(pool.jobBlocks(4, 5)).toBe(3);
  });
});

/** A random normalization of rows x length, with the optional operands drawn at random. */
function randomNormalization(rng: Rng, rows: number, length: number): RowNormalization {
  const x = randomFloats(rng, rows * length);
  const skip = rng.next() < 0.6 ? randomFloats(rng, x.length) : undefined;
  return {
    x,
    skip,
    bias: skip && rng.next() < 0.5 ? randomFloats(rng, length) : undefined,
    scale: randomFloats(rng, length, 1),
    beta: rng.next() < 0.6 ? randomFloats(rng, length, 1) : undefined,
    out: new Float32Array(x.length).fill(Number.NaN),
    sum: skip && rng.next() < 0.5 ? new Float32Array(x.length).fill(Number.NaN) : undefined,
    mean: new Float64Array(rows).fill(Number.NaN),
    invStdDev: new Float64Array(rows).fill(Number.NaN),
    length,
    epsilon: [1e-5, 1e-12][rng.int(0, 1)],
    centered: rng.next() < 0.7,
  };
}

/** n with fresh outputs. */
function freshOutputs(n: RowNormalization): RowNormalization {
  return {
    ...n,
    out: n.out.slice(),
    sum: n.sum?.slice(),
    mean: n.mean.slice(),
    invStdDev: n.invStdDev.slice(),
  };
}

describe.skipIf(!variant)('parallelNormalizeRows', () => {
  it('equals the one-thread call bit for bit: outputs, sums and statistics', () => {
    const rng = new Rng(81);
    let parallel = 0;
    for (let trial = 0; trial < 16; trial++) {
      const length = [8, 333, 768, 1025][rng.int(0, 3)];
      const rows = Math.max(1, Math.round(rng.int(1, 5) * (1 << 17) / length) + rng.int(0, 7));
      const expected = randomNormalization(rng, rows, length);
      const actual = freshOutputs(expected);
      expect(wasmNormalizeRowsF32(expected)).toBe(true);
      const threads = rng.int(2, 3);
      const what = `rows=${rows} length=${length} skip=${!!expected.skip} bias=${!!expected.bias} beta=${!!expected.beta} sum=${!!expected.sum} centered=${expected.centered} threads=${threads}`;
      if (!parallelNormalizeRows(pool, threads, actual)) {
        expect(actual.out.every(Number.isNaN), `${what}: declined, nothing written`).toBe(true);
        continue;
      }
      parallel++;
      expectBitIdentical(actual.out, expected.out, `${what} out`);
      if (expected.sum) expectBitIdentical(actual.sum!, expected.sum, `${what} sum`);
      expectBitIdentical(actual.mean, expected.mean, `${what} mean`);
      expectBitIdentical(actual.invStdDev, expected.invStdDev, `${what} invStdDev`);
    }
    expect(parallel).toBeGreaterThan(8);
  });

  it('stays on one thread for little work, one thread, a broadcast skip, or a sum without skip', () => {
    const rng = new Rng(82);
    const n = randomNormalization(rng, 512, 768);
    const never = { ...n, out: new Float32Array(n.x.length).fill(Number.NaN) };
    expect(parallelNormalizeRows(pool, 2, { ...never, x: n.x.subarray(0, 768 * 4), out: never.out.subarray(0, 768 * 4), skip: undefined, sum: undefined })).toBe(false);
    expect(parallelNormalizeRows(pool, 1, never)).toBe(false);
    expect(parallelNormalizeRows(pool, 2, { ...never, skip: randomFloats(rng, 768), sum: undefined })).toBe(false);
    expect(parallelNormalizeRows(pool, 2, { ...never, skip: undefined, sum: new Float32Array(n.x.length) })).toBe(false);
    expect(never.out.every(Number.isNaN)).toBe(true);
  });
});

function tensor(data: Float32Array, dims: number[]): DenseTensor {
  return new DenseTensor('float32', dims, data);
}

describe.skipIf(!variant)('row kernels with intra-op threads', () => {
  it('BiasGelu and FastGelu give the one-thread bits', async () => {
    const rng = new Rng(91);
    for (const opType of ['BiasGelu', 'FastGelu']) {
      const definition = geluKernels.find((k) => k.opType === opType)!;
      const inputs = [tensor(randomFloats(rng, 2 * 61 * 3072), [2, 61, 3072]), tensor(randomFloats(rng, 3072), [3072])];
      const one = (await definition.run(inputs, undefined as never, undefined as never))[0] as DenseTensor;
      const two = (await withIntraOpThreads(2, () => definition.run(inputs, undefined as never, undefined as never)))[0] as DenseTensor;
      expectBitIdentical(two.data as Float32Array, one.data as Float32Array, opType);
    }
  });

  it('SkipLayerNormalization gives the one-thread bits', async () => {
    const rng = new Rng(92);
    const hidden = 768;
    const rows = 3 * 131;
    const inputs = [
      tensor(randomFloats(rng, rows * hidden), [3, 131, hidden]), tensor(randomFloats(rng, rows * hidden), [3, 131, hidden]),
      tensor(randomFloats(rng, hidden, 1), [hidden]), tensor(randomFloats(rng, hidden, 1), [hidden]), tensor(randomFloats(rng, hidden), [hidden]),
    ];
    const definition = skipLayerNormalizationKernels.find((k) => k.opType === 'SkipLayerNormalization')!;
    const attrs = { epsilon: 1e-12, outputs: 4 } as never;
    const context = { node: {}, opset: 1 } as never;
    const one = (await definition.run(inputs, attrs, context)) as DenseTensor[];
    const two = (await withIntraOpThreads(2, () => definition.run(inputs, attrs, context))) as DenseTensor[];
    expect(one.length).toBe(4);
    one.forEach((t, i) => t && expectBitIdentical(two[i].data as Float32Array, t.data as Float32Array, `output ${i}`));
  });
});

describe.skipIf(!variant)('row jobs on operands in the shared heap', () => {
  it('BiasUnary: helpers read x and write out where they lie, with the one-thread bits', () => {
    const rng = new Rng(101);
    for (let trial = 0; trial < 10; trial++) {
      const length = [16, 333, 768, 1023, 3072][rng.int(0, 4)];
      const rows = Math.max(2, Math.round(rng.int(2, 5) * (1 << 15) / length) + rng.int(0, 7));
      const op = OPS[rng.int(0, OPS.length - 1)];
      const bias = randomFloats(rng, length);
      const values = randomFloats(rng, rows * length);
      const expected = new Float32Array(values.length);
      expect(wasmBiasUnaryF32(op, values, bias, expected)).toBe(true);
      const inPlace = rng.next() < 0.3;
      const [x, out] = placeInHeap(wasmGemmHeap()!, [values, new Float32Array(values.length).fill(Number.NaN)], () => rng.int(0, 3));
      expect(pool.heapIndex(x)).toBeGreaterThanOrEqual(0);
      const threads = rng.int(2, 3);
      const what = `${op} rows=${rows} length=${length} threads=${threads} inPlace=${inPlace}`;
      expect(parallelBiasUnary(pool, threads, op, x, bias, inPlace ? x : out, 0, 0), what).toBe(true);
      expectBitIdentical(inPlace ? x : out, expected, what);
      expectGuardsIntact(x, `${what} x`);
      expectGuardsIntact(out, `${what} out`);
    }
  });

  it('normalizations: helpers read x and skip and write out and sum where they lie, with the one-thread bits and statistics', () => {
    const rng = new Rng(102);
    for (let trial = 0; trial < 12; trial++) {
      const length = [8, 333, 768, 1025][rng.int(0, 3)];
      const rows = Math.max(2, Math.round(rng.int(2, 5) * (1 << 15) / length) + rng.int(0, 7));
      const expected = randomNormalization(rng, rows, length);
      const [x, out, skip, sum] = placeInHeap(
        wasmGemmHeap()!,
        [expected.x, expected.out, expected.skip ?? new Float32Array(0), expected.sum ?? new Float32Array(0)],
        () => rng.int(0, 3),
      );
      const actual = { ...freshOutputs(expected), x, out, skip: expected.skip && skip, sum: expected.sum && sum };
      expect(wasmNormalizeRowsF32(expected)).toBe(true);
      const threads = rng.int(2, 3);
      const what = `rows=${rows} length=${length} skip=${!!expected.skip} bias=${!!expected.bias} beta=${!!expected.beta} sum=${!!expected.sum} threads=${threads}`;
      expect(parallelNormalizeRows(pool, threads, actual), what).toBe(true);
      expectBitIdentical(actual.out, expected.out, `${what} out`);
      if (expected.sum) expectBitIdentical(actual.sum!, expected.sum, `${what} sum`);
      expectBitIdentical(actual.mean, expected.mean, `${what} mean`);
      expectBitIdentical(actual.invStdDev, expected.invStdDev, `${what} invStdDev`);
      for (const [name, view] of [['x', x], ['out', out], ['skip', skip], ['sum', sum]] as const) expectGuardsIntact(view, `${what} ${name}`);
    }
  });

  it('survives a helper that dies in the middle of its rows in the heap', async () => {
    const { starter, exits } = watchedStallingStarter(await workerScripts());
    const stalling = await GemmPool.start(1, starter, variant!);
    const rng = new Rng(104);
    const values = randomFloats(rng, 64 * 3072);
    const bias = randomFloats(rng, 3072);
    const expected = new Float32Array(values.length);
    wasmBiasUnaryF32('gelu', values, bias, expected);
    const [x, out] = placeInHeap(wasmGemmHeap()!, [values, new Float32Array(values.length).fill(Number.NaN)], () => 2);
    expect(parallelBiasUnary(stalling, 2, 'gelu', x, bias, out, 0, 0)).toBe(true);
    expectBitIdentical(out, expected, 'rows of a dead helper');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(exits).toHaveLength(1);
    expect(stalling.usable).toBe(false);
    await stalling.close();
  });

  it('stages rows through scratch where only some operands lie in the heap', () => {
    const rng = new Rng(103);
    const length = 3072;
    const values = randomFloats(rng, 61 * length);
    const bias = randomFloats(rng, length);
    const expected = new Float32Array(values.length);
    wasmBiasUnaryF32('gelu', values, bias, expected);
    const [x] = placeInHeap(wasmGemmHeap()!, [values], () => 1);
    const out = new Float32Array(values.length).fill(Number.NaN);
    expect(parallelBiasUnary(pool, 2, 'gelu', x, bias, out, 0, 0)).toBe(true);
    expectBitIdentical(out, expected, 'x in the heap, out outside');
  });
});
