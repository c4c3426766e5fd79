/**
 * A recurrent node keeps buffers, its layout and the derivations of constant weights from one
 * call to the next (recurrent-scratch.ts). Every run of a long-lived session must give exactly
 * what a fresh session gives for the same feeds, whatever the runs before it left behind: with
 * sequence lengths, batch sizes, initial states and a fed (non-constant) B that change between
 * runs. A fresh session per run is the reference, and onnxruntime checks the reference.
 */
import { describe, expect, it } from 'vitest';
import { InferenceSession, Tensor } from '../../../src/index.js';
import type { DataType } from '../../../src/tensor/element-type.js';
import { attr, buildModel } from '../../support/model-builder.js';
import { expectTensorsClose, runOnnxruntime, runOnnxts } from '../../support/differential.js';
import { Rng, randomDense, randomTensor } from '../../support/random.js';

type Op = 'RNN' | 'GRU' | 'LSTM';
const GATES: Record<Op, number> = { RNN: 1, GRU: 3, LSTM: 4 };

interface Variant {
  readonly op: Op;
  readonly direction: 'forward' | 'reverse' | 'bidirectional';
  readonly linearBeforeReset?: number;
  readonly layout?: 0 | 1;
  /** B as a graph input fed on every run, not an initializer. */
  readonly fedBias?: boolean;
  readonly type?: DataType;
  /** No initial_h: the states start from zeros on every call. */
  readonly zeroStart?: boolean;
  /** Where onnxruntime does not run the case (layout 1, float64 GRU): the fresh session only. */
  readonly noOracle?: boolean;
}

const VARIANTS: Variant[] = [
  { op: 'GRU', direction: 'forward', linearBeforeReset: 1 },
  { op: 'GRU', direction: 'forward', linearBeforeReset: 1, zeroStart: true },
  { op: 'GRU', direction: 'bidirectional', linearBeforeReset: 0, zeroStart: true },
  { op: 'GRU', direction: 'bidirectional', linearBeforeReset: 1, layout: 1, noOracle: true },
  { op: 'GRU', direction: 'reverse', linearBeforeReset: 0 },
  { op: 'GRU', direction: 'forward', linearBeforeReset: 1, fedBias: true },
  { op: 'GRU', direction: 'bidirectional', linearBeforeReset: 0, fedBias: true, type: 'float64', noOracle: true },
  { op: 'GRU', direction: 'reverse', linearBeforeReset: 1, type: 'float16' },
  { op: 'LSTM', direction: 'bidirectional' },
  { op: 'LSTM', direction: 'forward', zeroStart: true },
  { op: 'RNN', direction: 'forward', fedBias: true },
];

/** [seq, batch] per run: a streaming model's one-step calls, then other sizes, then back. */
const RUNS: [number, number][] = [[1, 1], [1, 1], [3, 2], [1, 1], [5, 3], [2, 3], [1, 1]];

function modelOf(v: Variant, input: number, hidden: number, rng: Rng): Uint8Array {
  const type = v.type ?? 'float32';
  const dirs = v.direction === 'bidirectional' ? 2 : 1;
  const rows = GATES[v.op] * hidden;
  const xShape = v.layout === 1 ? ['batch', 'seq', input] : ['seq', 'batch', input];
  const stateShape = v.layout === 1 ? ['batch', dirs, hidden] : [dirs, 'batch', hidden];
  const initializers = {
    W: randomDense(type, [dirs, rows, input], rng, -1, 1),
    R: randomDense(type, [dirs, rows, hidden], rng, -1, 1),
    ...(v.fedBias ? {} : { B: randomDense(type, [dirs, 2 * rows], rng, -1, 1) }),
  };
  const inputs = [
    { name: 'X', type, shape: xShape },
    ...(v.fedBias ? [{ name: 'B', type, shape: [dirs, 2 * rows] }] : []),
    { name: 'lens', type: 'int32' as DataType, shape: ['batch'] },
    ...(v.zeroStart ? [] : [{ name: 'h0', type, shape: stateShape }]),
  ];
  return buildModel({
    nodes: [{
      op: v.op,
      inputs: ['X', 'W', 'R', 'B', 'lens', ...(v.zeroStart ? [] : ['h0'])],
      outputs: ['Y', 'Y_h'],
      attributes: {
        hidden_size: attr.int(hidden),
        direction: attr.string(v.direction),
        ...(v.layout === undefined ? {} : { layout: attr.int(v.layout) }),
        ...(v.linearBeforeReset === undefined ? {} : { linear_before_reset: attr.int(v.linearBeforeReset) }),
      },
    }],
    inputs,
    outputs: [{ name: 'Y', type }, { name: 'Y_h', type }],
    initializers,
    opsets: { '': 14 },
  });
}

function feedsOf(v: Variant, seq: number, batch: number, input: number, hidden: number, rng: Rng): Record<string, Tensor> {
  const type = v.type ?? 'float32';
  const dirs = v.direction === 'bidirectional' ? 2 : 1;
  const lengths = Array.from({ length: batch }, (_, b) => (b === 0 ? seq : rng.int(0, seq)));
  return {
    X: randomTensor(type, v.layout === 1 ? [batch, seq, input] : [seq, batch, input], rng, -2, 2),
    ...(v.fedBias ? { B: randomTensor(type, [dirs, 2 * GATES[v.op] * hidden], rng, -1, 1) } : {}),
    lens: new Tensor('int32', Int32Array.from(lengths), [batch]),
    ...(v.zeroStart ? {} : { h0: randomTensor(type, v.layout === 1 ? [batch, dirs, hidden] : [dirs, batch, hidden], rng, -1, 1) }),
  };
}

const nameOf = (v: Variant): string =>
  [
    v.op, v.direction, `linear_before_reset ${v.linearBeforeReset ?? '-'}`, `layout ${v.layout ?? 0}`,
    v.fedBias ? 'fed B' : 'constant B', v.zeroStart ? 'no initial_h' : 'initial_h', v.type ?? 'float32',
  ].join(', ');

describe.each(VARIANTS.map((v) => [nameOf(v), v] as const))('%s', (_name, v) => {
  it('each run of one session equals a fresh session bit for bit', async () => {
    const rng = new Rng(4200 + VARIANTS.indexOf(v));
    // Odd sizes: hidden 5 (15 GRU gate rows), input 7.
    const [input, hidden] = [7, 5];
    const model = modelOf(v, input, hidden, rng);
    const session = await InferenceSession.create(model);
    for (const [seq, batch] of RUNS) {
      const feeds = feedsOf(v, seq, batch, input, hidden, rng);
      const ours = await session.run(feeds);
      const fresh = await runOnnxts(model, feeds);
      const label = `${v.op} seq ${seq} batch ${batch}`;
      for (const name of ['Y', 'Y_h']) {
        expect(Array.from(ours[name].data as Float32Array), `${label} ${name}`).toEqual(Array.from(fresh[name].data as Float32Array));
        expect(ours[name].dims, `${label} ${name} dims`).toEqual(fresh[name].dims);
      }
      if (v.noOracle) continue;
      const theirs = await runOnnxruntime(model, feeds);
      const tolerance = v.type === 'float16' ? { rtol: 1e-2, atol: 1e-2 } : { rtol: 1e-4, atol: 1e-5 };
      for (const name of ['Y', 'Y_h']) expectTensorsClose(ours[name], theirs[name], tolerance, `${label} ${name} vs onnxruntime`);
    }
  });
});
