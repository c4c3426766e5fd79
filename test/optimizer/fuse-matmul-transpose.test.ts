/**
 * FuseMatMulTranspose: MatMul(A, Transpose(W)) with W constant and a last-two-axes swap reads W
 * transposed in place (Gemm or FusedMatMul with transB), so no transposed copy of W is folded.
 * Everything else (a computed W, another perm, a Transpose with other readers) is left alone.
 */
import { describe, expect, it } from 'vitest';
import { DenseTensor, attr, buildModel, type NodeSpec, type ValueSpec } from '../support/model-builder.js';
import { Rng, randomDense, randomTensor } from '../support/random.js';
import { expectSameOutputs, opCounts, optimize } from './support.js';

const rng = new Rng(77);
/** Odd sizes, not multiples of 4 or 8, and large enough for the packed GEMM paths. */
const odd = (): number => 2 * rng.int(2, 20) + 1;

interface Case {
  readonly a: number[];
  readonly w: number[];
  readonly perm?: number[];
  readonly extraNodes?: NodeSpec[];
  readonly extraOutputs?: ValueSpec[];
  readonly extraInitializers?: Record<string, DenseTensor>;
  readonly wAsInput?: boolean;
}

function modelOf(c: Case): { bytes: Uint8Array; feeds: Record<string, ReturnType<typeof randomTensor>> } {
  const w = randomDense('float32', c.w, rng);
  const transpose: NodeSpec = { op: 'Transpose', inputs: ['w'], outputs: ['wt'], attributes: c.perm ? { perm: attr.ints(c.perm) } : {} };
  const inputs: ValueSpec[] = [{ name: 'a', type: 'float32', shape: c.a }];
  const initializers: Record<string, DenseTensor> = { ...c.extraInitializers };
  const feeds = { a: randomTensor('float32', c.a, rng) };
  if (c.wAsInput) {
    inputs.push({ name: 'w', type: 'float32', shape: c.w });
    Object.assign(feeds, { w: randomTensor('float32', c.w, rng) });
  } else initializers.w = w;
  const bytes = buildModel({
    nodes: [transpose, { op: 'MatMul', inputs: ['a', 'wt'], outputs: ['y'] }, ...(c.extraNodes ?? [])],
    inputs,
    outputs: [{ name: 'y', type: 'float32' }, ...(c.extraOutputs ?? [])],
    initializers,
  });
  return { bytes, feeds };
}

describe('FuseMatMulTranspose', () => {
  it('turns a 2-D product with a transposed 2-D weight into Gemm(transB=1), keeping no transposed copy', async () => {
    for (let trial = 0; trial < 3; trial++) {
      const [m, k, n] = [odd(), odd(), odd()];
      const { bytes, feeds } = modelOf({ a: [m, k], w: [n, k], perm: [1, 0] });
      const result = optimize(bytes);
      expect(result.fired.get('FuseMatMulTranspose')).toBe(1);
      expect(opCounts(result.model.graph)).toEqual({ Gemm: 1 });
      const gemm = result.model.graph.nodes[0];
      expect(gemm.attributes.get('transB')).toEqual({ type: 'int', value: 1 });
      expect([...result.model.graph.initializers.values()].map((t) => t.dims)).toEqual([[n, k]]);
      await expectSameOutputs(bytes, result.bytes, feeds);
    }
  });

  it('turns batched and broadcast products into FusedMatMul(transB=1), the default perm included', async () => {
    const [m, k, n] = [odd(), odd(), odd()];
    const cases: Case[] = [
      { a: [2, m, k], w: [n, k], perm: [1, 0] },
      { a: [3, 1, m, k], w: [n, k] },
      { a: [2, 1, m, k], w: [3, n, k], perm: [0, 2, 1] },
      { a: [k], w: [n, k], perm: [1, 0] },
      { a: [1, 0, k], w: [n, k], perm: [1, 0] },
    ];
    for (const c of cases) {
      const { bytes, feeds } = modelOf(c);
      const result = optimize(bytes);
      expect(result.fired.get('FuseMatMulTranspose'), `A ${c.a}, W ${c.w}`).toBe(1);
      expect(opCounts(result.model.graph), `A ${c.a}, W ${c.w}`).toEqual({ 'com.microsoft:FusedMatMul': 1 });
      await expectSameOutputs(bytes, result.bytes, feeds);
    }
  });

  it('keeps W for its other readers and rewrites every MatMul that reads the Transpose', async () => {
    const [m, k, n] = [odd(), odd(), odd()];
    const { bytes, feeds } = modelOf({
      a: [1, m, k], w: [n, k], perm: [1, 0],
      extraNodes: [
        { op: 'MatMul', inputs: ['a', 'wt'], outputs: ['y2'] },
        { op: 'Gather', inputs: ['w', 'ids'], outputs: ['rows'] },
      ],
      extraOutputs: [{ name: 'y2', type: 'float32' }, { name: 'rows', type: 'float32' }],
      extraInitializers: { ids: new DenseTensor('int64', [2], BigInt64Array.from([0n, BigInt(n - 1)])) },
    });
    const result = optimize(bytes);
    expect(result.fired.get('FuseMatMulTranspose')).toBe(1);
    expect(opCounts(result.model.graph)).toEqual({ 'com.microsoft:FusedMatMul': 2, Gather: 1 });
    await expectSameOutputs(bytes, result.bytes, feeds);
  });

  it('leaves a computed W, another perm, a Transpose with other readers and a transposed A alone', async () => {
    const [m, k, n] = [odd(), odd(), odd()];
    const cases: Case[] = [
      { a: [2, m, k], w: [n, k], perm: [1, 0], wAsInput: true },
      { a: [2, m, k], w: [k, 2, n], perm: [1, 0, 2] },
      { a: [2, m, k], w: [n, k, 2] },
      { a: [m, k], w: [n, k], perm: [1, 0], extraNodes: [{ op: 'Relu', inputs: ['wt'], outputs: ['r'] }], extraOutputs: [{ name: 'r', type: 'float32' }] },
      { a: [m, k], w: [n, k], perm: [1, 0], extraOutputs: [{ name: 'wt', type: 'float32' }] },
    ];
    for (const c of cases) {
      const { bytes, feeds } = modelOf(c);
      const result = optimize(bytes);
      expect(result.fired.has('FuseMatMulTranspose'), `A ${c.a}, W ${c.w}, perm ${c.perm}`).toBe(false);
      await expectSameOutputs(bytes, result.bytes, feeds);
    }
    const square = odd();
    const transposedA = buildModel({
      nodes: [{ op: 'Transpose', inputs: ['w'], outputs: ['wt'], attributes: { perm: attr.ints([1, 0]) } }, { op: 'MatMul', inputs: ['wt', 'b'], outputs: ['y'] }],
      inputs: [{ name: 'b', type: 'float32', shape: [square, n] }],
      outputs: [{ name: 'y', type: 'float32' }],
      initializers: { w: randomDense('float32', [square, m], rng) },
    });
    expect(optimize(transposedA).fired.has('FuseMatMulTranspose')).toBe(false);
  });

  it('leaves a float64 W alone, and a 2-D product feeding a bias Add to FuseMatMulAdd', async () => {
    const [m, k, n] = [odd(), odd(), odd()];
    const double = buildModel({
      nodes: [{ op: 'Transpose', inputs: ['w'], outputs: ['wt'], attributes: { perm: attr.ints([1, 0]) } }, { op: 'MatMul', inputs: ['a', 'wt'], outputs: ['y'] }],
      inputs: [{ name: 'a', type: 'float64', shape: [2, m, k] }],
      outputs: [{ name: 'y', type: 'float64' }],
      initializers: { w: randomDense('float64', [n, k], rng) },
    });
    expect(optimize(double).fired.has('FuseMatMulTranspose')).toBe(false);
    const linear = buildModel({
      nodes: [
        { op: 'Transpose', inputs: ['w'], outputs: ['wt'], attributes: { perm: attr.ints([1, 0]) } },
        { op: 'MatMul', inputs: ['a', 'wt'], outputs: ['y'] },
        { op: 'Add', inputs: ['y', 'bias'], outputs: ['z'] },
      ],
      inputs: [{ name: 'a', type: 'float32', shape: [m, k] }],
      outputs: [{ name: 'z', type: 'float32' }],
      initializers: { w: randomDense('float32', [n, k], rng), bias: randomDense('float32', [n], rng) },
    });
    const result = optimize(linear);
    expect(result.fired.has('FuseMatMulTranspose')).toBe(false);
    expect(opCounts(result.model.graph)).toEqual({ Gemm: 1 });
    await expectSameOutputs(linear, result.bytes, { a: randomTensor('float32', [m, k], rng) });
  });
});

