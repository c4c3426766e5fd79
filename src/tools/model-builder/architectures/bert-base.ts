/**
 * BERT-base (uncased) as transformers' torch.onnx export writes it: word, position and
 * token-type embeddings by Gather, LayerNormalization, 12 post-LN encoder layers with attention
 * as MatMul / Div / Add(mask) / Softmax and Reshape / Transpose head plumbing, exact GELU via
 * Erf, and the Tanh pooler. 110M parameters, vocabulary 30522.
 */
import { GraphBuilder, type Value } from '../graph-builder.js';
import type { InputRecipe } from '../input-recipe.js';
import { EMBEDDING_INIT, mergeHeads, positionIds, splitHeads, type TransformerOptions } from './attention-heads.js';
import { FLOAT32_MAX } from '../../../tensor/element-type.js';

const VOCAB = 30522;
const HIDDEN = 768;
const LAYERS = 12;
const HEADS = 12;
const FFN = 3072;
const MAX_POSITIONS = 512;
const EPSILON = 1e-12;
/** torch.finfo(float32).min, which transformers multiplies the inverted mask by. */

function sequenceOf(o: TransformerOptions): number {
  return o.sequenceLength ?? 128;
}

function embeddings(b: GraphBuilder, ids: Value, types: Value): Value {
  return b.scope('embeddings', () => {
    const sequence = ids.shape[1];
    const words = b.gather(b.parameter('word_embeddings.weight', [VOCAB, HIDDEN], EMBEDDING_INIT), ids);
    const segments = b.gather(b.parameter('token_type_embeddings.weight', [2, HIDDEN], EMBEDDING_INIT), types);
    const table = b.parameter('position_embeddings.weight', [MAX_POSITIONS, HIDDEN], EMBEDDING_INIT);
    const positions = b.gather(table, positionIds(b, sequence, 'position_ids'));
    return b.scope('LayerNorm', () => b.layerNorm(b.add(b.add(words, segments), positions), EPSILON));
  });
}

function selfAttention(b: GraphBuilder, h: Value, mask: Value): Value {
  return b.scope('self', () => {
    const q = splitHeads(b, b.scope('query', () => b.linear(h, HIDDEN)), HEADS);
    const k = splitHeads(b, b.scope('key', () => b.linear(h, HIDDEN)), HEADS, true);
    const v = splitHeads(b, b.scope('value', () => b.linear(h, HIDDEN)), HEADS);
    const scores = b.add(b.div(b.matmul(q, k), Math.sqrt(HIDDEN / HEADS)), mask);
    return mergeHeads(b, b.matmul(b.softmax(scores, -1), v));
  });
}

/** dense, residual Add, LayerNormalization: BertSelfOutput and BertOutput alike. */
function addAndNorm(b: GraphBuilder, x: Value, residual: Value): Value {
  const y = b.add(b.scope('dense', () => b.linear(x, HIDDEN)), residual);
  return b.scope('LayerNorm', () => b.layerNorm(y, EPSILON));
}

function encoderLayer(b: GraphBuilder, h: Value, mask: Value): Value {
  const attended = b.scope('attention', () => addAndNorm(b, selfAttention(b, h, mask), h));
  const inner = b.scope('intermediate', () => b.gelu(b.scope('dense', () => b.linear(attended, FFN))));
  return b.scope('output', () => addAndNorm(b, inner, attended));
}

export function bertBase(o: TransformerOptions = {}): Uint8Array {
  const sequence = sequenceOf(o);
  const b = new GraphBuilder(o.seed ?? 42, 'bert');
  const ids = b.input('input_ids', 'int64', [1, sequence]);
  const attention = b.input('attention_mask', 'int64', [1, sequence]);
  const types = b.input('token_type_ids', 'int64', [1, sequence]);
  let h = embeddings(b, ids, types);
  // (1 - mask[:, None, None, :]) * finfo.min: 0 where attended, -inf-like where padded.
  const mask = b.mul(b.sub(1, b.cast(b.unsqueeze(attention, [1, 2]), 'float32')), -FLOAT32_MAX);
  b.scope('encoder', () => {
    for (let i = 0; i < LAYERS; i++) h = b.scope(`layer.${i}`, () => encoderLayer(b, h, mask));
  });
  const pooled = b.scope('pooler', () => b.tanh(b.scope('dense', () => b.gemm(b.gather(h, 0, 1), HIDDEN))));
  b.output(h, 'last_hidden_state');
  b.output(pooled, 'pooler_output');
  return b.build();
}

/** Random token ids, a full attention mask, one segment. */
export function bertRecipe(o: TransformerOptions = {}): InputRecipe[] {
  const shape = [1, sequenceOf(o)];
  return [
    { name: 'input_ids', type: 'int64', shape, fill: { kind: 'ids', low: 0, high: VOCAB } },
    { name: 'attention_mask', type: 'int64', shape, fill: { kind: 'constant', value: 1 } },
    { name: 'token_type_ids', type: 'int64', shape, fill: { kind: 'constant', value: 0 } },
  ];
}
