/**
 * Constant indices whose offsets rise a slice at a time (windows, blocks of rows, element tuples
 * that cover rows) are copied a run at a time; each run must still match onnxruntime, with
 * random sizes (odd ones included) and runs broken by repeats, gaps and negative indices.
 */
import { describe, expect, it } from 'vitest';
import { consecutiveRuns } from '../../../src/kernels/indexing/index-runs.js';
import { InferenceSession, type Tensor } from '../../../src/index.js';
import type { DataType } from '../../../src/tensor/element-type.js';
import { DenseTensor } from '../../../src/tensor/dense-tensor.js';
import { expectTensorsClose, FLOAT32_TOLERANCE, runOnnxruntime } from '../../support/differential.js';
import { attr, buildModel, type AttributeValue } from '../../support/model-builder.js';
import { randomTensor, Rng } from '../../support/random.js';

const int64 = (dims: number[], values: number[]) => new DenseTensor('int64', dims, BigInt64Array.from(values.map(BigInt)));
const size = (dims: readonly number[]) => dims.reduce((a, b) => a * b, 1);

describe('consecutiveRuns', () => {
  it('pairs each run of offsets rising by the step with its length', () => {
    expect(Array.from(consecutiveRuns([0, 1, 2, 3, 7, 8, 9, 10, 11, 2, 3, 4, 5], 1)!)).toEqual([0, 4, 4, 5, 9, 4]);
    expect(Array.from(consecutiveRuns([6, 9, 12, 15, 0, 3, 6, 9], 3)!)).toEqual([0, 4, 4, 4]);
    expect(Array.from(consecutiveRuns([], 1)!)).toEqual([]);
  });

  it('gives nothing where runs are too short to pay', () => {
    expect(consecutiveRuns([0, 2, 4, 6], 1)).toBeUndefined();
    expect(consecutiveRuns([5, 5, 5, 5, 5, 5, 5, 5], 1)).toBeUndefined();
  });
});

interface Case {
  readonly label: string;
  readonly op: string;
  readonly attributes?: Record<string, AttributeValue>;
  readonly dataShape: readonly number[];
  readonly indices: DenseTensor;
  readonly updateShape?: readonly number[];
}

/** Windows of `width` consecutive positions along an axis of `axisSize`, starting at each of `starts`; some written as negatives. */
function windows(starts: number[], width: number, axisSize: number, rng: Rng): DenseTensor {
  const values = starts.flatMap((s) => Array.from({ length: width }, (_, i) => (rng.next() < 0.2 ? s + i - axisSize : s + i)));
  return int64([starts.length, width], values);
}

/** ScatterND tuples addressing every element of rows [from, to) along axis 2 of a rank-4 `dims`, in row-major order. */
function rowTuples(dims: readonly number[], from: number, to: number): DenseTensor {
  const [n, c, , w] = dims;
  const values: number[] = [];
  for (let a = 0; a < n; a++) for (let b = 0; b < c; b++) for (let h = from; h < to; h++) for (let x = 0; x < w; x++) values.push(a, b, h, x);
  return int64([n, c, to - from, w, 4], values);
}

function cases(rng: Rng): Case[] {
  const axisSize = rng.int(9, 23);
  const width = rng.int(5, 13);
  const starts = Array.from({ length: rng.int(2, 4) }, () => rng.int(0, axisSize - width - 1));
  const rows = [1, rng.int(2, 5), rng.int(6, 13), rng.int(3, 37)];
  const from = rng.int(0, 2);
  const to = rng.int(from + 1, rows[2]);
  const columns = rng.int(5, 17);
  return [
    { label: 'Gather windows of single elements (last axis)', op: 'Gather', attributes: { axis: attr.int(-1) }, dataShape: [rng.int(1, 3), 3, axisSize], indices: windows(starts, width, axisSize, rng) },
    { label: 'Gather windows of rows', op: 'Gather', attributes: { axis: attr.int(1) }, dataShape: [2, axisSize, rng.int(1, 7)], indices: windows(starts, width, axisSize, rng) },
    { label: 'Gather runs broken by a repeat and a gap', op: 'Gather', attributes: { axis: attr.int(0) }, dataShape: [axisSize, 3], indices: int64([11], [0, 1, 2, 3, 3, 4, 5, 6, 8, 9, -1]) },
    { label: 'ScatterND element tuples covering rows', op: 'ScatterND', dataShape: rows, indices: rowTuples(rows, from, to), updateShape: [rows[0], rows[1], to - from, rows[3]] },
    { label: 'ScatterND whole rows, in order', op: 'ScatterND', dataShape: [axisSize, columns], indices: int64([6, 1], [1, 2, 3, 4, 5, -3]), updateShape: [6, columns] },
    {
      label: 'ScatterElements consecutive positions along the last axis', op: 'ScatterElements', attributes: { axis: attr.int(1) },
      dataShape: [3, axisSize], indices: int64([3, width], [0, 1, 2].flatMap((r) => Array.from({ length: width }, (_, i) => starts[0] + i + (r === 1 ? 1 : 0)))),
      updateShape: [3, width],
    },
  ];
}

describe('index kernels copy runs of constant indices whole', () => {
  for (const seed of [1, 2, 3]) {
    for (const type of ['float32', 'int64', 'bool'] as DataType[]) {
      for (const c of cases(new Rng(seed))) {
        it(`${c.label}: ${type}, data [${c.dataShape.join(',')}], indices [${c.indices.dims.join(',')}] (seed ${seed}) matches onnxruntime on every run`, async () => {
          const rng = new Rng(seed * 7 + size(c.dataShape));
          const scatter = c.updateShape !== undefined;
          const model = buildModel({
            nodes: [{ op: c.op, inputs: scatter ? ['data', 'indices', 'updates'] : ['data', 'indices'], outputs: ['y'], attributes: c.attributes }],
            inputs: [{ name: 'data', type, shape: c.dataShape }, ...(scatter ? [{ name: 'updates', type, shape: c.updateShape! }] : [])],
            outputs: [{ name: 'y', type }],
            initializers: { indices: c.indices },
            opsets: { '': 16 },
          });
          const session = await InferenceSession.create(model);
          for (let run = 0; run < 2; run++) {
            const feeds: Record<string, Tensor> = { data: randomTensor(type, c.dataShape, rng) };
            if (scatter) feeds.updates = randomTensor(type, c.updateShape!, rng);
            const ours = (await session.run(feeds)) as Record<string, Tensor>;
            const theirs = await runOnnxruntime(model, feeds);
            expectTensorsClose(ours.y, theirs.y, FLOAT32_TOLERANCE, `${c.op} ${type} run ${run}`);
          }
        });
      }
    }
  }
});
