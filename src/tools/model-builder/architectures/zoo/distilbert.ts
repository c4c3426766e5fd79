/**
 * DistilBERT for sequence classification (transformers) as torch.onnx exports it at opset 17
 * with dynamic batch and sequence axes: word embeddings by Gather, position ids sliced from a
 * buffer up to Shape(input_ids)[1], LayerNormalization, attention heads reshaped through
 * targets computed from Shape, queries divided by sqrt(d) before Q·Kᵀ, the padding mask as
 * `masked_fill` exports it (Equal 0, Reshape, Expand to the scores' Shape, Where with
 * finfo.min), exact GELU via Erf, and the pre_classifier / ReLU / classifier head on the first
 * token. 66M parameters at full size (6 layers, width 768).
 */
import { DenseTensor } from '../../../../tensor/dense-tensor.js';
import { GraphBuilder, type Value } from '../../graph-builder.js';
import type { InputRecipe } from '../../input-recipe.js';
import { EMBEDDING_INIT } from '../attention-heads.js';
import { withExporterHeader } from './exporter-header.js';
import { dimOf, dynamicReshape, dropout } from './exporter-patterns.js';
import { FLOAT32_MAX } from '../../../../tensor/element-type.js';

export interface DistilBertOptions {
  readonly seed?: number;
  readonly batch?: number;
  readonly sequenceLength?: number;
  readonly layers?: number;
  readonly width?: number;
  readonly heads?: number;
  readonly ffn?: number;
  readonly vocabulary?: number;
  readonly labels?: number;
}

const MAX_POSITIONS = 512;
const EPSILON = 1e-12;

interface Dims {
  readonly batch: Value;
  readonly sequence: Value;
  readonly width: number;
  readonly heads: number;
  readonly vocabulary: number;
}

function sizes(o: DistilBertOptions) {
  return {
    batch: o.batch ?? 1, sequence: o.sequenceLength ?? 128, layers: o.layers ?? 6, width: o.width ?? 768,
    heads: o.heads ?? 12, ffn: o.ffn ?? 3072, vocabulary: o.vocabulary ?? 30522, labels: o.labels ?? 2,
  };
}

function embeddings(b: GraphBuilder, ids: Value, d: Dims): Value {
  return b.scope('embeddings', () => {
    const words = b.gather(b.parameter('word_embeddings.weight', [d.vocabulary, d.width], EMBEDDING_INIT), ids);
    const buffer = b.initializer('position_ids', new DenseTensor('int64', [1, MAX_POSITIONS], BigInt64Array.from({ length: MAX_POSITIONS }, (_, i) => BigInt(i))));
    const end = b.unsqueeze(d.sequence, [0]);
    const positions = b.emit('Slice', [buffer, b.int64s([0]), end, b.int64s([1]), b.int64s([1])], [{ type: 'int64', shape: [1, ids.shape[1]] }])[0];
    const table = b.parameter('position_embeddings.weight', [MAX_POSITIONS, d.width], EMBEDDING_INIT);
    const summed = b.add(words, b.gather(table, positions));
    return dropout(b, b.scope('LayerNorm', () => b.layerNorm(summed, EPSILON)));
  });
}

function heads(b: GraphBuilder, x: Value, d: Dims): Value {
  const [n, s] = x.shape;
  const split = dynamicReshape(b, x, [d.batch, -1, d.heads, d.width / d.heads], [n, s, d.heads, d.width / d.heads]);
  return b.transpose(split, [0, 2, 1, 3]);
}

function attention(b: GraphBuilder, x: Value, mask: Value, d: Dims): Value {
  const [n, s] = x.shape;
  const q = b.div(heads(b, b.scope('q_lin', () => b.linear(x, d.width)), d), Math.sqrt(d.width / d.heads));
  const k = heads(b, b.scope('k_lin', () => b.linear(x, d.width)), d);
  const v = heads(b, b.scope('v_lin', () => b.linear(x, d.width)), d);
  const scores = b.matmul(q, b.transpose(k, [0, 1, 3, 2]));
  const scoreShape = b.emit('Shape', [scores], [{ type: 'int64', shape: [4] }])[0];
  const padded = b.emit('Expand', [mask, scoreShape], [{ type: 'bool', shape: scores.shape }])[0];
  const masked = b.where(padded, -FLOAT32_MAX, scores);
  const context = b.transpose(b.matmul(dropout(b, b.softmax(masked, -1)), v), [0, 2, 1, 3]);
  const merged = dynamicReshape(b, context, [d.batch, -1, d.width], [n, s, d.width]);
  return b.scope('out_lin', () => b.linear(merged, d.width));
}

function layer(b: GraphBuilder, x: Value, mask: Value, d: Dims, ffn: number): Value {
  const attended = b.scope('sa_layer_norm', () => b.layerNorm(b.add(b.scope('attention', () => attention(b, x, mask, d)), x), EPSILON));
  const hidden = b.scope('ffn', () => dropout(b, b.scope('lin2', () => b.linear(b.gelu(b.scope('lin1', () => b.linear(attended, ffn))), d.width))));
  return b.scope('output_layer_norm', () => b.layerNorm(b.add(hidden, attended), EPSILON));
}

export function distilbert(o: DistilBertOptions = {}): Uint8Array {
  const z = sizes(o);
  const b = new GraphBuilder(o.seed ?? 42, 'distilbert');
  const ids = b.input('input_ids', 'int64', [z.batch, z.sequence]);
  const attentionMask = b.input('attention_mask', 'int64', [z.batch, z.sequence]);
  const d: Dims = { batch: dimOf(b, ids, 0), sequence: dimOf(b, ids, 1), width: z.width, heads: z.heads, vocabulary: z.vocabulary };
  let h = b.scope('distilbert', () => embeddings(b, ids, d));
  // (mask == 0).view(bs, 1, 1, k_len): true where the token is padding.
  const isPadding = b.emit('Equal', [attentionMask, b.initializer('zero', new DenseTensor('int64', [], BigInt64Array.of(0n)))], [{ type: 'bool', shape: attentionMask.shape }])[0];
  const mask = dynamicReshape(b, isPadding, [d.batch, 1, 1, d.sequence], [z.batch, 1, 1, z.sequence]);
  b.scope('distilbert.transformer', () => {
    for (let i = 0; i < z.layers; i++) h = b.scope(`layer.${i}`, () => layer(b, h, mask, d, z.ffn));
  });
  const first = b.gather(h, 0, 1);
  const pooled = dropout(b, b.relu(b.scope('pre_classifier', () => b.gemm(first, z.width))));
  b.output(b.scope('classifier', () => b.gemm(pooled, z.labels)), 'logits');
  return withExporterHeader(b.build(), {
    opset: 17, irVersion: 8, producer: 'pytorch', producerVersion: '2.1.0', constantNodes: true,
    dynamicAxes: { input_ids: { 0: 'batch', 1: 'sequence' }, attention_mask: { 0: 'batch', 1: 'sequence' }, logits: { 0: 'batch' } },
  });
}

/** Random ids and a random 0/1 padding mask, so the mask matters. */
export function distilbertRecipe(o: DistilBertOptions = {}): InputRecipe[] {
  const z = sizes(o);
  const shape = [z.batch, z.sequence];
  return [
    { name: 'input_ids', type: 'int64', shape, fill: { kind: 'ids', low: 0, high: z.vocabulary } },
    { name: 'attention_mask', type: 'int64', shape, fill: { kind: 'ids', low: 0, high: 2 } },
  ];
}
