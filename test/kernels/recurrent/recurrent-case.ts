/**
 * Builds an RNN, GRU or LSTM model and seeded feeds from a compact description, with absent
 * optional inputs and outputs left as empty names the way exporters write them.
 */
import { Tensor } from '../../../src/index.js';
import type { DataType } from '../../../src/tensor/element-type.js';
import { attr, buildModel, type AttributeValue, type ValueSpec } from '../../support/model-builder.js';
import { Rng, randomTensor } from '../../support/random.js';

export type RecurrentOp = 'RNN' | 'GRU' | 'LSTM';
export type Direction = 'forward' | 'reverse' | 'bidirectional';
export type OutputName = 'Y' | 'Y_h' | 'Y_c';

export interface RecurrentCase {
  readonly op: RecurrentOp;
  readonly seq: number;
  readonly batch: number;
  readonly input: number;
  readonly hidden: number;
  readonly direction: Direction;
  readonly layout?: 0 | 1;
  readonly type?: DataType;
  readonly opset?: number;
  readonly bias?: boolean;
  readonly sequenceLens?: readonly number[];
  readonly initialStates?: boolean;
  readonly peepholes?: boolean;
  readonly attributes?: Record<string, AttributeValue>;
  /** False leaves hidden_size for the kernel to take from R's shape. */
  readonly hiddenSizeAttribute?: boolean;
  /** Defaults to every output the op has. */
  readonly outputs?: readonly OutputName[];
}

const GATES: Record<RecurrentOp, number> = { RNN: 1, GRU: 3, LSTM: 4 };

/** Every input the op takes, in order; those the case leaves out are absent from the feeds. */
export function inputNames(op: RecurrentOp): string[] {
  const names = ['X', 'W', 'R', 'B', 'sequence_lens', 'initial_h'];
  return op === 'LSTM' ? [...names, 'initial_c', 'P'] : names;
}

export function outputNames(op: RecurrentOp): OutputName[] {
  return op === 'LSTM' ? ['Y', 'Y_h', 'Y_c'] : ['Y', 'Y_h'];
}

/** The states' shape: [directions, batch, hidden], or [batch, directions, hidden] in layout 1. */
export function stateDims(c: RecurrentCase): number[] {
  const dirs = c.direction === 'bidirectional' ? 2 : 1;
  return c.layout === 1 ? [c.batch, dirs, c.hidden] : [dirs, c.batch, c.hidden];
}

export function recurrentFeeds(c: RecurrentCase, rng: Rng): Record<string, Tensor> {
  const type = c.type ?? 'float32';
  const dirs = c.direction === 'bidirectional' ? 2 : 1;
  const rows = GATES[c.op] * c.hidden;
  const feeds: Record<string, Tensor> = {
    X: randomTensor(type, c.layout === 1 ? [c.batch, c.seq, c.input] : [c.seq, c.batch, c.input], rng, -2, 2),
    W: randomTensor(type, [dirs, rows, c.input], rng, -1, 1),
    R: randomTensor(type, [dirs, rows, c.hidden], rng, -1, 1),
  };
  if (c.bias) feeds.B = randomTensor(type, [dirs, 2 * rows], rng, -1, 1);
  if (c.sequenceLens) feeds.sequence_lens = new Tensor('int32', Int32Array.from(c.sequenceLens), [c.batch]);
  if (c.initialStates) {
    feeds.initial_h = randomTensor(type, stateDims(c), rng, -1, 1);
    if (c.op === 'LSTM') feeds.initial_c = randomTensor(type, stateDims(c), rng, -1, 1);
  }
  if (c.peepholes) feeds.P = randomTensor(type, [dirs, 3 * c.hidden], rng, -1, 1);
  return feeds;
}

/** The one-node model for `c`, taking as graph inputs exactly the feeds given. */
export function recurrentModel(c: RecurrentCase, feeds: Record<string, Tensor>): Uint8Array {
  const type = c.type ?? 'float32';
  const inputs: ValueSpec[] = Object.entries(feeds).map(([name, t]) => ({ name, type: t.type as DataType, shape: [...t.dims] }));
  const wanted = c.outputs ?? outputNames(c.op);
  return buildModel({
    nodes: [{
      op: c.op,
      inputs: trimAbsent(inputNames(c.op).map((name) => (name in feeds ? name : ''))),
      outputs: trimAbsent(outputNames(c.op).map((name) => (wanted.includes(name) ? name : ''))),
      attributes: {
        ...(c.hiddenSizeAttribute === false ? {} : { hidden_size: attr.int(c.hidden) }),
        direction: attr.string(c.direction),
        ...(c.layout === undefined ? {} : { layout: attr.int(c.layout) }),
        ...c.attributes,
      },
    }],
    inputs,
    outputs: wanted.map((name) => ({ name, type })),
    opsets: { '': c.opset ?? 14 },
  });
}

/** Trailing absent arguments are dropped, as ONNX allows. */
function trimAbsent(names: string[]): string[] {
  const out = [...names];
  while (out.length > 0 && out[out.length - 1] === '') out.pop();
  return out;
}

/** Sizes drawn from the ranges the tests cover: seq 1..7, batch 1..3, input 1..9, hidden 1..9. */
export function randomSizes(rng: Rng): Pick<RecurrentCase, 'seq' | 'batch' | 'input' | 'hidden'> {
  return { seq: rng.int(1, 7), batch: rng.int(1, 3), input: rng.int(1, 9), hidden: rng.int(1, 9) };
}

/** Per-batch lengths in 1..seq that differ from one another where the batch allows. */
export function unequalLengths(seq: number, batch: number, rng: Rng): number[] {
  const lengths = Array.from({ length: batch }, () => rng.int(1, seq));
  if (batch > 1 && seq > 1 && lengths.every((n) => n === lengths[0])) lengths[0] = lengths[0] === seq ? 1 : seq;
  return lengths;
}
