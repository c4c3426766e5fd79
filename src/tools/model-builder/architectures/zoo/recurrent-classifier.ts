/**
 * A text classifier as torch.onnx (opset 14) exports `Embedding -> nn.LSTM / nn.GRU
 * (2 layers, bidirectional, batch_first) -> Linear on the last step`, with dynamic batch and
 * sequence axes: Gather embeddings, Transpose to time-major, per layer an LSTM or GRU whose
 * zero initial state comes from ConstantOfShape over the batch size, Y's direction axis folded
 * back by Transpose + Reshape [0, 0, -1], the last step taken by Gather with index -1, then Gemm.
 */
import { DenseTensor } from '../../../../tensor/dense-tensor.js';
import { GraphBuilder, type Value } from '../../graph-builder.js';
import type { InputRecipe } from '../../input-recipe.js';
import { EMBEDDING_INIT } from '../attention-heads.js';
import { withExporterHeader } from './exporter-header.js';
import { dimOf, type RecurrentOp } from './exporter-patterns.js';

export interface RecurrentClassifierOptions {
  readonly op: RecurrentOp;
  readonly seed?: number;
  readonly batch?: number;
  readonly sequenceLength?: number;
  readonly vocabulary?: number;
  readonly embedding?: number;
  readonly hidden?: number;
  readonly layers?: number;
  readonly classes?: number;
}

function sizes(o: RecurrentClassifierOptions) {
  return {
    batch: o.batch ?? 1, sequence: o.sequenceLength ?? 64, vocabulary: o.vocabulary ?? 20000, embedding: o.embedding ?? 128,
    hidden: o.hidden ?? 256, layers: o.layers ?? 2, classes: o.classes ?? 4,
  };
}

/** One bidirectional layer on [seq, batch, input]; returns [seq, batch, 2 * hidden]. */
function layer(b: GraphBuilder, op: RecurrentOp, x: Value, batch: Value, hidden: number): Value {
  const [sequence, n, inputSize] = x.shape;
  const gates = (op === 'LSTM' ? 4 : 3) * hidden;
  const bound = 1 / Math.sqrt(hidden);
  const init = { kind: 'uniform', low: -bound, high: bound } as const;
  const w = b.parameter('weight_ih', [2, gates, inputSize], init);
  const r = b.parameter('weight_hh', [2, gates, hidden], init);
  const bias = b.parameter('bias', [2, 2 * gates], init);
  const stateShape = b.concat([b.int64s([2]), b.unsqueeze(batch, [0]), b.int64s([hidden])], 0);
  const zeros = b.emit('ConstantOfShape', [stateShape], [{ type: 'float32', shape: [2, n, hidden] }])[0];
  const state = { type: x.type, shape: [2, n, hidden] };
  const y = { type: x.type, shape: [sequence, 2, n, hidden] };
  const common = { direction: { s: 'bidirectional' }, hidden_size: { i: hidden } };
  const [out] = op === 'LSTM'
    ? b.emit('LSTM', [x, w, r, bias, undefined, zeros, zeros], [y, state, state], common)
    : b.emit('GRU', [x, w, r, bias, undefined, zeros], [y, state], { ...common, linear_before_reset: { i: 1 } });
  return b.reshape(b.transpose(out, [0, 2, 1, 3]), [0, 0, -1]);
}

export function recurrentClassifier(o: RecurrentClassifierOptions): Uint8Array {
  const z = sizes(o);
  const name = o.op === 'LSTM' ? 'lstm' : 'gru';
  const b = new GraphBuilder(o.seed ?? 42, `${name}_classifier`);
  const ids = b.input('input_ids', 'int64', [z.batch, z.sequence]);
  const batch = dimOf(b, ids, 0);
  const embedded = b.gather(b.parameter('embedding.weight', [z.vocabulary, z.embedding], EMBEDDING_INIT), ids);
  let x = b.transpose(embedded, [1, 0, 2]);
  for (let i = 0; i < z.layers; i++) x = b.scope(`${name}.l${i}`, () => layer(b, o.op, x, batch, z.hidden));
  const last = b.emit('Gather', [b.transpose(x, [1, 0, 2]), b.initializer('last', new DenseTensor('int64', [], BigInt64Array.of(-1n)))], [{ type: 'float32', shape: [z.batch, 2 * z.hidden] }], { axis: { i: 1 } })[0];
  b.output(b.scope('fc', () => b.gemm(last, z.classes)), 'logits');
  return withExporterHeader(b.build(), {
    opset: 14, irVersion: 7, producer: 'pytorch', producerVersion: '1.13.1', constantNodes: true,
    dynamicAxes: { input_ids: { 0: 'batch', 1: 'sequence' }, logits: { 0: 'batch' } },
  });
}

export function recurrentRecipe(o: RecurrentClassifierOptions): InputRecipe[] {
  const z = sizes(o);
  return [{ name: 'input_ids', type: 'int64', shape: [z.batch, z.sequence], fill: { kind: 'ids', low: 0, high: z.vocabulary } }];
}
