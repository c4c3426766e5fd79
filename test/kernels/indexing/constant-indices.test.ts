/**
 * Index kernels keep what they resolve from constant indices (initializers) across runs; every
 * run must still match onnxruntime, with new data each time and, for models whose data shape
 * changes between runs, at each shape.
 */
import { describe, expect, it } from 'vitest';
import { derivedFromIndices } from '../../../src/kernels/indexing/constant-indices.js';
import type { KernelContext } from '../../../src/kernels/kernel.js';
import { InferenceSession, type Tensor } from '../../../src/index.js';
import { DenseTensor } from '../../../src/tensor/dense-tensor.js';
import { expectTensorsClose, FLOAT32_TOLERANCE, runOnnxruntime } from '../../support/differential.js';
import { attr, buildModel, type AttributeValue } from '../../support/model-builder.js';
import { randomTensor, Rng } from '../../support/random.js';

interface Case {
  readonly op: string;
  readonly attributes?: Record<string, AttributeValue>;
  /** Data shapes, one per run (a symbolic dim where they differ). */
  readonly dataShapes: readonly (readonly number[])[];
  readonly indices: DenseTensor;
  /** The updates' shape for each run, for the scatter ops. */
  readonly updateShapes?: readonly (readonly number[])[];
}

const int64 = (dims: number[], values: number[]) => new DenseTensor('int64', dims, BigInt64Array.from(values.map(BigInt)));

const CASES: Case[] = [
  { op: 'Gather', attributes: { axis: attr.int(1) }, dataShapes: [[3, 7, 2], [3, 9, 5], [2, 7, 2]], indices: int64([2, 3], [0, -1, 3, 6, -7, 2]) },
  { op: 'GatherND', dataShapes: [[4, 5, 3], [4, 5, 2]], indices: int64([3, 2], [0, 1, -1, 4, 2, -5]) },
  { op: 'GatherElements', attributes: { axis: attr.int(1) }, dataShapes: [[3, 5], [3, 6]], indices: int64([3, 2], [0, 4, -1, 2, 3, -5]) },
  {
    op: 'ScatterND', dataShapes: [[4, 5, 3], [4, 5, 2]], indices: int64([3, 2], [0, 1, -1, 4, 2, -5]),
    updateShapes: [[3, 3], [3, 2]],
  },
  {
    op: 'ScatterElements', attributes: { axis: attr.int(0) }, dataShapes: [[4, 3], [5, 3]], indices: int64([2, 3], [0, 3, -1, 2, 1, 0]),
    updateShapes: [[2, 3], [2, 3]],
  },
];

describe.each(CASES)('$op with constant indices', (c) => {
  it('matches onnxruntime on every run', async () => {
    const rng = new Rng(c.op.length);
    const scatter = c.updateShapes !== undefined;
    const rank = c.dataShapes[0].length;
    const dynamic = c.dataShapes[0].map((d, i) => (c.dataShapes.every((s) => s[i] === d) ? d : `d${i}`));
    const model = buildModel({
      nodes: [{ op: c.op, inputs: scatter ? ['data', 'indices', 'updates'] : ['data', 'indices'], outputs: ['y'], attributes: c.attributes }],
      inputs: [
        { name: 'data', type: 'float32', shape: dynamic },
        ...(scatter ? [{ name: 'updates', type: 'float32' as const, shape: c.updateShapes![0].map((d, i) => (c.updateShapes!.every((s) => s[i] === d) ? d : `u${i}`)) }] : []),
      ],
      outputs: [{ name: 'y', type: 'float32' }],
      initializers: { indices: c.indices },
      opsets: { '': 16 },
    });
    const session = await InferenceSession.create(model);
    for (const [run, shape] of c.dataShapes.entries()) {
      const feeds: Record<string, Tensor> = { data: randomTensor('float32', shape, rng) };
      if (scatter) feeds.updates = randomTensor('float32', c.updateShapes![run], rng);
      const ours = (await session.run(feeds)) as Record<string, Tensor>;
      const theirs = await runOnnxruntime(model, feeds);
      expectTensorsClose(ours.y, theirs.y, FLOAT32_TOLERANCE, `${c.op} run ${run} data [${shape.join(',')}] (rank ${rank})`);
    }
  });
});

describe('derivedFromIndices', () => {
  const indices = new DenseTensor('int64', [2], BigInt64Array.from([0n, 1n]));
  const constant = { isConstant: () => true } as unknown as KernelContext;

  it('derives again for another kind, shape or number, and keeps a bounded number per tensor', () => {
    let derivations = 0;
    const derive = (dims: readonly number[], extra: number) =>
      derivedFromIndices(indices, 'test', dims, extra, constant, () => (derivations++, `${dims.join('x')}/${extra}`));
    expect(derive([3, 4], 1)).toBe('3x4/1');
    expect(derive([3, 4], 1)).toBe('3x4/1');
    expect(derivations).toBe(1);
    expect(derive([3, 4], 0)).toBe('3x4/0');
    expect(derive([4, 3], 1)).toBe('4x3/1');
    expect(derivedFromIndices(indices, 'other', [3, 4], 1, constant, () => 'other')).toBe('other');
    expect(derivations).toBe(3);
    // Many shapes in turn (a dynamic dim): each answer stays right, and old ones make room.
    for (let round = 0; round < 3; round++) for (let d = 1; d <= 20; d++) expect(derive([d], 2)).toBe(`${d}/2`);
    expect(derivations).toBe(3 + 60);
    expect(derive([20], 2)).toBe('20/2');
    expect(derivations).toBe(63);
  });

  it('derives every time for indices that are not constant', () => {
    let derivations = 0;
    const notConstant = { isConstant: () => false } as unknown as KernelContext;
    for (let i = 0; i < 3; i++) derivedFromIndices(indices, 'test', [2], 0, notConstant, () => derivations++);
    expect(derivations).toBe(3);
  });
});
