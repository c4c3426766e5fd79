/**
 * Concat without copies, through whole models: where every dimension before the axis is 1, the
 * convolutions and elementwise ops that make a Concat's inputs write them into their places in
 * its output from the second run on (the first records the layout), and the Concat copies only
 * the rest: a graph input, a value joined twice, an empty input. Results must equal those of
 * the same model without an arena and onnxruntime's, run after run, at 1, 2 and 3 threads,
 * with odd channel counts, nested and DenseNet-like chained Concats, inputs read again after
 * the Concat and a Concat written over in place; at batch 2 or along a later axis nothing is
 * placed, and the results are the same.
 */
import { describe, expect, it } from 'vitest';
import { InferenceSession, Tensor } from '../../../src/index.js';
import { defaultRegistry } from '../../../src/kernels/default-registry.js';
import { partBytes, sitsAt } from '../../../src/kernels/support/joined-parts.js';
import { CompiledModel } from '../../../src/runtime/compiled-model.js';
import { loadModel } from '../../../src/runtime/load-model.js';
import { DenseTensor } from '../../../src/tensor/dense-tensor.js';
import type { Value } from '../../../src/tensor/value.js';
import { expectTensorsClose, runOnnxruntime, FLOAT32_TOLERANCE } from '../../support/differential.js';
import { attr, buildModel, type NodeSpec } from '../../support/model-builder.js';
import { Rng, randomDense } from '../../support/random.js';

interface Case {
  readonly batch: number;
  readonly axis: number;
  /** Whether the Concat inputs made by earlier nodes should sit in place from the second run on. */
  readonly joins: boolean;
}

const CASES: Case[] = [
  { batch: 1, axis: 1, joins: true },
  { batch: 1, axis: -3, joins: true },
  { batch: 2, axis: 1, joins: false },
  { batch: 1, axis: 2, joins: false },
  { batch: 1, axis: 3, joins: false },
];

interface Built {
  readonly bytes: Uint8Array;
  readonly feeds: Record<string, DenseTensor>[];
}

/**
 * The Concat axis as 0..3, the two conv branches' channels (odd, up to 2 * maxHalf + 1, along
 * channels; along another axis they must match x outside it) and the dims of an empty input.
 */
function branchShapes(c: Case, rng: Rng, [c0, h, w]: readonly number[], maxHalf: number): { axis: number; c1: number; c2: number; emptyDims: number[] } {
  const axis = (c.axis + 4) % 4;
  const [c1, c2] = axis === 1 ? [2 * rng.int(0, maxHalf) + 1, 2 * rng.int(0, maxHalf) + 1] : [c0, c0];
  const emptyDims = [c.batch, c1, h, w];
  emptyDims[axis] = 0;
  return { axis, c1, c2, emptyDims };
}

/**
 * a = Conv3x3(x), b = Neg(Conv1x1(x)) (in place over the convolution), j1 = Concat(a, b),
 * j2 = Concat(a, b, e, x, a) (j1's parts at the same offsets, an empty input, a graph input, a
 * twice), m = Mul(a, k) (a read after both), j3 = Concat(j1, m) (j1 itself a part), y1 =
 * Sigmoid(j2) (in place over j2 while a lives), y2 = Mul(j3, k).
 */
function buildCase(c: Case, rng: Rng): Built {
  const h = rng.int(3, 9);
  const w = rng.int(3, 9);
  const c0 = rng.int(1, 7);
  const { c1, c2, emptyDims } = branchShapes(c, rng, [c0, h, w], 4);
  const bytes = buildModel({
    nodes: [
      { op: 'Conv', inputs: ['x', 'w1'], outputs: ['a'], attributes: { pads: attr.ints([1, 1, 1, 1]) } },
      { op: 'Conv', inputs: ['x', 'w2'], outputs: ['b0'] },
      { op: 'Neg', inputs: ['b0'], outputs: ['b'] },
      { op: 'Concat', inputs: ['a', 'b'], outputs: ['j1'], attributes: { axis: attr.int(c.axis) } },
      { op: 'Concat', inputs: ['a', 'b', 'e', 'x', 'a'], outputs: ['j2'], attributes: { axis: attr.int(c.axis) } },
      { op: 'Mul', inputs: ['a', 'k'], outputs: ['m'] },
      { op: 'Concat', inputs: ['j1', 'm'], outputs: ['j3'], attributes: { axis: attr.int(c.axis) } },
      { op: 'Sigmoid', inputs: ['j2'], outputs: ['y1'] },
      { op: 'Mul', inputs: ['j3', 'k'], outputs: ['y2'] },
    ],
    inputs: [
      { name: 'x', type: 'float32', shape: [c.batch, c0, h, w] },
      { name: 'e', type: 'float32', shape: emptyDims },
    ],
    outputs: [{ name: 'y1', type: 'float32' }, { name: 'y2', type: 'float32' }],
    initializers: {
      w1: randomDense('float32', [c1, c0, 3, 3], rng, -1, 1),
      w2: randomDense('float32', [c2, c0, 1, 1], rng, -1, 1),
      k: randomDense('float32', [1], rng, 0.5, 2),
    },
  });
  const feeds = [0, 1].map(() => ({ x: randomDense('float32', [c.batch, c0, h, w], rng), e: DenseTensor.zeros('float32', emptyDims) }));
  return { bytes, feeds };
}

const publicOf = (feeds: Record<string, DenseTensor>): Record<string, Tensor> =>
  Object.fromEntries(Object.entries(feeds).map(([name, t]) => [name, new Tensor('float32', t.data as Float32Array, t.dims)]));

async function runSession(session: InferenceSession, feeds: Record<string, DenseTensor>): Promise<Record<string, Tensor>> {
  return (await session.run(publicOf(feeds))) as Record<string, Tensor>;
}

/** Per Concat of one run: which of its inputs sat in their places in its output. */
async function placedInputs(bytes: Uint8Array, feeds: Record<string, DenseTensor>, runs: number): Promise<boolean[][]> {
  const compiled = CompiledModel.compile(await loadModel({ bytes }), defaultRegistry());
  const byName = new Map<number, Value>(Object.entries(feeds).map(([name, t]) => [compiled.inputsByName.get(name)!.slot, t]));
  let placed: boolean[][] = [];
  const observer = {
    onStep(step: { node: { opType: string } }, inputs: readonly (Value | undefined)[], outputs: readonly (Value | undefined)[]) {
      if (step.node.opType !== 'Concat') return;
      const output = outputs[0] as DenseTensor;
      let offset = 0;
      placed.push(inputs.map((input) => {
        const part = input as DenseTensor;
        const sits = part.size > 0 && sitsAt(part.data, output.data, offset);
        offset += partBytes(part);
        return sits;
      }));
    },
  };
  for (let run = 0; run < runs; run++) {
    placed = [];
    await compiled.run(byName, { observer });
  }
  compiled.releaseMemory();
  return placed;
}

describe('Concat inputs written in place by their producers', () => {
  for (const c of CASES) {
    it(`batch ${c.batch}, axis ${c.axis}: same results as without an arena and as onnxruntime, at 1, 2 and 3 threads`, async () => {
      const rng = new Rng(100 + 10 * c.batch + c.axis);
      for (let trial = 0; trial < 3; trial++) {
        const { bytes, feeds } = buildCase(c, rng);
        const reference = await InferenceSession.create(bytes, { enableCpuMemArena: false });
        const expected = await Promise.all(feeds.map((f) => runSession(reference, f)));
        const ort = await runOnnxruntime(bytes, publicOf(feeds[0]));
        for (const [name, t] of Object.entries(ort)) expectTensorsClose(expected[0][name], t, FLOAT32_TOLERANCE, `trial ${trial} vs onnxruntime '${name}'`);
        for (const threads of [1, 2, 3]) {
          const session = await InferenceSession.create(bytes, { intraOpNumThreads: threads });
          for (let run = 0; run < 5; run++) {
            const which = run % 2;
            const got = await runSession(session, feeds[which]);
            for (const [name, t] of Object.entries(expected[which])) {
              const label = `trial ${trial}, ${threads} threads, run ${run} '${name}'`;
              if (threads === 1) expect(Array.from(got[name].data as Float32Array), label).toEqual(Array.from(t.data as Float32Array));
              else expectTensorsClose(got[name], t, FLOAT32_TOLERANCE, label);
            }
          }
          await session.release();
        }
        await reference.release();
      }
    });
  }

  it('places the inputs made by earlier nodes, and only those, from the second run on', async () => {
    const rng = new Rng(7);
    for (const c of CASES) {
      const { bytes, feeds } = buildPlacementCase(c, rng);
      const label = `batch ${c.batch}, axis ${c.axis}`;
      const [j1, j2] = await placedInputs(bytes, feeds, 3);
      // j1 = Concat(a, b, e, x, a): not e (empty), x (a graph input) nor a again; j2 = Concat(j1, d).
      expect(j1, `${label}: j1`).toEqual([c.joins, c.joins, false, false, false]);
      expect(j2, `${label}: j2`).toEqual([c.joins, c.joins]);
      const [first] = await placedInputs(bytes, feeds, 1);
      expect(first, `${label}: the recording run`).toEqual([false, false, false, false, false]);
    }
  });

  it('places every feature of a dense block in all the Concats that join it', async () => {
    const rng = new Rng(8);
    const { bytes, feeds } = buildDenseBlock(rng);
    const placed = await placedInputs(bytes, feeds, 3);
    expect(placed.length).toBe(3);
    placed.forEach((inputs, i) => expect(inputs, `Concat ${i}`).toEqual(inputs.map(() => true)));
  });
});

/** a = Conv3x3(x), b = Neg(Conv1x1(x)), j1 = Concat(a, b, e, x, a), d = Conv1x1(x), j2 = Concat(j1, d), y = Sigmoid(j2). */
function buildPlacementCase(c: Case, rng: Rng): { bytes: Uint8Array; feeds: Record<string, DenseTensor> } {
  const [h, w, c0] = [rng.int(3, 7), rng.int(3, 7), rng.int(1, 5)];
  const { axis, c1, c2, emptyDims } = branchShapes(c, rng, [c0, h, w], 3);
  const bytes = buildModel({
    nodes: [
      { op: 'Conv', inputs: ['x', 'w1'], outputs: ['a'], attributes: { pads: attr.ints([1, 1, 1, 1]) } },
      { op: 'Conv', inputs: ['x', 'w2'], outputs: ['b0'] },
      { op: 'Neg', inputs: ['b0'], outputs: ['b'] },
      { op: 'Concat', inputs: ['a', 'b', 'e', 'x', 'a'], outputs: ['j1'], attributes: { axis: attr.int(c.axis) } },
      { op: 'Conv', inputs: ['x', 'w3'], outputs: ['d'] },
      { op: 'Concat', inputs: ['j1', 'd'], outputs: ['j2'], attributes: { axis: attr.int(c.axis) } },
      { op: 'Sigmoid', inputs: ['j2'], outputs: ['y'] },
    ],
    inputs: [
      { name: 'x', type: 'float32', shape: [c.batch, c0, h, w] },
      { name: 'e', type: 'float32', shape: emptyDims },
    ],
    outputs: [{ name: 'y', type: 'float32' }],
    initializers: {
      w1: randomDense('float32', [c1, c0, 3, 3], rng, -1, 1),
      w2: randomDense('float32', [c2, c0, 1, 1], rng, -1, 1),
      w3: randomDense('float32', [axis === 1 ? c2 : c0, c0, 1, 1], rng, -1, 1),
    },
  });
  return { bytes, feeds: { x: randomDense('float32', [c.batch, c0, h, w], rng), e: DenseTensor.zeros('float32', emptyDims) } };
}

/** f0 = Conv(x); then three layers, each f_i = Conv(Concat(f0 .. f_{i-1})); y = Sigmoid(Concat(f0 .. f3)). */
function buildDenseBlock(rng: Rng): { bytes: Uint8Array; feeds: Record<string, DenseTensor> } {
  const [h, w, c0, growth] = [rng.int(3, 7), rng.int(3, 7), rng.int(2, 6), 2 * rng.int(1, 3) + 1];
  const nodes: NodeSpec[] = [{ op: 'Conv', inputs: ['x', 'w0'], outputs: ['f0'] }];
  const initializers: Record<string, DenseTensor> = { w0: randomDense('float32', [c0, c0, 1, 1], rng, -1, 1) };
  const features = ['f0'];
  let channels = c0;
  for (let i = 1; i <= 3; i++) {
    let input = 'f0';
    if (features.length > 1) {
      input = `j${i}`;
      nodes.push({ op: 'Concat', inputs: [...features], outputs: [input], attributes: { axis: attr.int(1) } });
    }
    nodes.push({ op: 'Conv', inputs: [input, `w${i}`], outputs: [`f${i}`], attributes: { pads: attr.ints([1, 1, 1, 1]) } });
    initializers[`w${i}`] = randomDense('float32', [growth, channels, 3, 3], rng, -1, 1);
    features.push(`f${i}`);
    channels += growth;
  }
  nodes.push({ op: 'Concat', inputs: features, outputs: ['block'], attributes: { axis: attr.int(1) } });
  nodes.push({ op: 'Sigmoid', inputs: ['block'], outputs: ['y'] });
  const bytes = buildModel({
    nodes,
    inputs: [{ name: 'x', type: 'float32', shape: [1, c0, h, w] }],
    outputs: [{ name: 'y', type: 'float32' }],
    initializers,
  });
  return { bytes, feeds: { x: randomDense('float32', [1, c0, h, w], rng) } };
}
