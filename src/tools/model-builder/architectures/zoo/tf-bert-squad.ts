/**
 * BERT for SQuAD as tf2onnx (opset 11) converts the TensorFlow checkpoint (the ONNX model zoo's
 * bert-squad): four inputs with TF's ':0' names, token types embedded by OneHot + MatMul (TF
 * BERT's one_hot), positions by Slice of the table, layer norm in TF's batch-norm form (mean and
 * variance by ReduceMean with axes attributes, Reciprocal of Sqrt, x·γ·r + (β − mean·γ·r)), the
 * mask as (1 − Cast(Unsqueeze(mask))) · −10000 (Unsqueeze with an axes attribute, opset 11),
 * heads split by Reshape to constant targets with −1 batch, scores scaled by Mul, tanh-GELU with
 * Pow, and the start / end logits split from a [.., 2] projection by Transpose, Split and Squeeze
 * with axes attributes; unique_ids passes through an Identity. Full size: BERT-base, sequence 256.
 */
import { DenseTensor } from '../../../../tensor/dense-tensor.js';
import { GraphBuilder, type Value } from '../../graph-builder.js';
import type { InputRecipe } from '../../input-recipe.js';
import { EMBEDDING_INIT } from '../attention-heads.js';
import { withExporterHeader } from './exporter-header.js';
import { reduceMean } from './exporter-patterns.js';

export interface TfBertOptions {
  readonly seed?: number;
  readonly sequenceLength?: number;
  readonly layers?: number;
  readonly width?: number;
  readonly heads?: number;
  readonly vocabulary?: number;
}

const NEAR_ONE = { kind: 'uniform', low: 0.9, high: 1.1 } as const;
const NEAR_ZERO = { kind: 'uniform', low: -0.05, high: 0.05 } as const;

function sizes(o: TfBertOptions) {
  return { sequence: o.sequenceLength ?? 256, layers: o.layers ?? 12, width: o.width ?? 768, heads: o.heads ?? 12, vocabulary: o.vocabulary ?? 30522 };
}

function tfLayerNorm(b: GraphBuilder, x: Value): Value {
  const d = x.shape[x.shape.length - 1];
  const mean = reduceMean(b, x, [-1], true);
  const centred = b.sub(x, mean);
  const variance = reduceMean(b, b.mul(centred, centred), [-1], true);
  const inverse = b.emit('Reciprocal', [b.emit('Sqrt', [b.add(variance, 1e-12)], [variance])[0]], [variance])[0];
  const scale = b.mul(inverse, b.parameter('gamma', [d], NEAR_ONE));
  return b.add(b.mul(x, scale), b.sub(b.parameter('beta', [d], NEAR_ZERO), b.mul(mean, scale)));
}

function unsqueezeAttr(b: GraphBuilder, x: Value, axes: readonly number[]): Value {
  const shape = [...x.shape];
  for (const a of axes) shape.splice(a, 0, 1);
  return b.emit('Unsqueeze', [x], [{ type: x.type, shape }], { axes: { ints: axes } })[0];
}

function tfGelu(b: GraphBuilder, x: Value): Value {
  const inner = b.mul(b.add(x, b.mul(b.pow(x, 3), 0.044715)), Math.sqrt(2 / Math.PI));
  return b.mul(b.mul(x, 0.5), b.add(b.tanh(inner), 1));
}

function attention(b: GraphBuilder, x: Value, mask: Value, heads: number): Value {
  const [, s, w] = x.shape;
  const d = w / heads;
  const split = (v: Value, keys: boolean) => b.transpose(b.reshape(v, [-1, s, heads, d]), keys ? [0, 2, 3, 1] : [0, 2, 1, 3]);
  const q = split(b.scope('query', () => b.linear(x, w)), false);
  const k = split(b.scope('key', () => b.linear(x, w)), true);
  const v = split(b.scope('value', () => b.linear(x, w)), false);
  const scores = b.add(b.mul(b.matmul(q, k), 1 / Math.sqrt(d)), mask);
  const context = b.reshape(b.transpose(b.matmul(b.softmax(scores, -1), v), [0, 2, 1, 3]), [-1, s, w]);
  return b.scope('output.dense', () => b.linear(context, w));
}

function layer(b: GraphBuilder, x: Value, mask: Value, heads: number): Value {
  const w = x.shape[2];
  const attended = b.scope('attention.output.LayerNorm', () => tfLayerNorm(b, b.add(b.scope('attention.self', () => attention(b, x, mask, heads)), x)));
  const inner = tfGelu(b, b.scope('intermediate.dense', () => b.linear(attended, 4 * w)));
  return b.scope('output.LayerNorm', () => tfLayerNorm(b, b.add(b.scope('output.dense', () => b.linear(inner, w)), attended)));
}

export function tfBertSquad(o: TfBertOptions = {}): Uint8Array {
  const z = sizes(o);
  const b = new GraphBuilder(o.seed ?? 42, 'tf2onnx');
  const uniqueIds = b.input('unique_ids_raw_output___9:0', 'int64', [1]);
  const segments = b.input('segment_ids:0', 'int64', [1, z.sequence]);
  const inputMask = b.input('input_mask:0', 'int64', [1, z.sequence]);
  const ids = b.input('input_ids:0', 'int64', [1, z.sequence]);
  let h = b.scope('bert.embeddings', () => {
    const words = b.gather(b.parameter('word_embeddings', [z.vocabulary, z.width], EMBEDDING_INIT), ids);
    const oneHotValues = b.initializer('one_hot_values', new DenseTensor('float32', [2], Float32Array.of(0, 1)));
    const depth = b.initializer('one_hot_depth', new DenseTensor('int64', [], BigInt64Array.of(2n)));
    const oneHot = b.emit('OneHot', [segments, depth, oneHotValues], [{ type: 'float32', shape: [1, z.sequence, 2] }], { axis: { i: -1 } })[0];
    const types = b.matmul(oneHot, b.parameter('token_type_embeddings', [2, z.width], EMBEDDING_INIT));
    const table = b.parameter('position_embeddings', [512, z.width], EMBEDDING_INIT);
    const positions = b.emit('Slice', [table, b.int64s([0]), b.int64s([z.sequence]), b.int64s([0])], [{ type: 'float32', shape: [z.sequence, z.width] }])[0];
    return b.scope('LayerNorm', () => tfLayerNorm(b, b.add(b.add(words, types), positions)));
  });
  const maskFloat = b.cast(unsqueezeAttr(b, unsqueezeAttr(b, inputMask, [1]), [1]), 'float32');
  const mask = b.mul(b.sub(1, maskFloat), -10000);
  for (let i = 0; i < z.layers; i++) h = b.scope(`bert.encoder.layer_${i}`, () => layer(b, h, mask, z.heads));
  const logits = b.scope('cls.squad', () => b.linear(h, 2));
  const stacked = b.transpose(logits, [2, 0, 1]);
  const half = { type: stacked.type, shape: [1, ...stacked.shape.slice(1)] };
  const [start, end] = b.emit('Split', [stacked], [half, half], { axis: { i: 0 }, split: { ints: [1, 1] } });
  const squeeze = (v: Value) => b.emit('Squeeze', [v], [{ type: v.type, shape: v.shape.slice(1) }], { axes: { ints: [0] } })[0];
  b.output(squeeze(start), 'unstack:0');
  b.output(squeeze(end), 'unstack:1');
  b.output(b.emit('Identity', [uniqueIds], [uniqueIds])[0], 'unique_ids:0');
  return withExporterHeader(b.build(), { opset: 11, irVersion: 6, producer: 'tf2onnx', producerVersion: '1.5.2' });
}

export function tfBertRecipe(o: TfBertOptions = {}): InputRecipe[] {
  const z = sizes(o);
  const shape = [1, z.sequence];
  return [
    { name: 'unique_ids_raw_output___9:0', type: 'int64', shape: [1], fill: { kind: 'constant', value: 7 } },
    { name: 'segment_ids:0', type: 'int64', shape, fill: { kind: 'ids', low: 0, high: 2 } },
    { name: 'input_mask:0', type: 'int64', shape, fill: { kind: 'ids', low: 0, high: 2 } },
    { name: 'input_ids:0', type: 'int64', shape, fill: { kind: 'ids', low: 0, high: z.vocabulary } },
  ];
}
