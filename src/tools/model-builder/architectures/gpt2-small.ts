/**
 * GPT-2 small as transformers' torch.onnx export writes it: token and position embeddings by
 * Gather, 12 pre-LN blocks (c_attn MatMul split three ways by Split, causal mask by Where on a
 * constant lower-triangular bool mask, Softmax, tanh GELU with Pow), final LayerNormalization and
 * the LM head tied to the token embedding (MatMul by its Transpose, so the 38.6M-entry table is
 * stored once). 124M parameters.
 */
import { DenseTensor } from '../../../tensor/dense-tensor.js';
import { GraphBuilder, type Value } from '../graph-builder.js';
import type { InputRecipe } from '../input-recipe.js';
import { EMBEDDING_INIT, mergeHeads, positionIds, splitHeads, type TransformerOptions } from './attention-heads.js';

const VOCAB = 50257;
const CONTEXT = 1024;
const HIDDEN = 768;
const LAYERS = 12;
const HEADS = 12;
const EPSILON = 1e-5;
const MASK_VALUE = -3.4028234663852886e38;

function sequenceOf(o: TransformerOptions): number {
  return o.sequenceLength ?? 64;
}

/** [1, 1, S, S], true on and below the diagonal: the slice of GPT-2's `bias` buffer a static export keeps. */
function causalMask(b: GraphBuilder, sequence: number): Value {
  const data = new Uint8Array(sequence * sequence);
  for (let i = 0; i < sequence; i++) data.fill(1, i * sequence, i * sequence + i + 1);
  return b.initializer('causal_mask', new DenseTensor('bool', [1, 1, sequence, sequence], data));
}

function attention(b: GraphBuilder, x: Value, mask: Value): Value {
  return b.scope('attn', () => {
    const [q, k, v] = b.split(b.scope('c_attn', () => b.linear(x, 3 * HIDDEN)), [HIDDEN, HIDDEN, HIDDEN], 2);
    const scores = b.div(b.matmul(splitHeads(b, q, HEADS), splitHeads(b, k, HEADS, true)), Math.sqrt(HIDDEN / HEADS));
    const probs = b.softmax(b.where(mask, scores, MASK_VALUE), -1);
    return b.scope('c_proj', () => b.linear(mergeHeads(b, b.matmul(probs, splitHeads(b, v, HEADS))), HIDDEN));
  });
}

function mlp(b: GraphBuilder, x: Value): Value {
  return b.scope('mlp', () => {
    const inner = b.geluTanh(b.scope('c_fc', () => b.linear(x, 4 * HIDDEN)));
    return b.scope('c_proj', () => b.linear(inner, HIDDEN));
  });
}

function block(b: GraphBuilder, h: Value, mask: Value): Value {
  const attended = b.add(h, attention(b, b.scope('ln_1', () => b.layerNorm(h, EPSILON)), mask));
  return b.add(attended, mlp(b, b.scope('ln_2', () => b.layerNorm(attended, EPSILON))));
}

export function gpt2Small(o: TransformerOptions = {}): Uint8Array {
  const sequence = sequenceOf(o);
  const b = new GraphBuilder(o.seed ?? 42, 'gpt2');
  const ids = b.input('input_ids', 'int64', [1, sequence]);
  const wte = b.parameter('transformer.wte.weight', [VOCAB, HIDDEN], EMBEDDING_INIT);
  const wpe = b.parameter('transformer.wpe.weight', [CONTEXT, HIDDEN], EMBEDDING_INIT);
  let h = b.add(b.gather(wte, ids), b.gather(wpe, positionIds(b, sequence, 'transformer.position_ids')));
  const mask = causalMask(b, sequence);
  b.scope('transformer', () => {
    for (let i = 0; i < LAYERS; i++) h = b.scope(`h.${i}`, () => block(b, h, mask));
    h = b.scope('ln_f', () => b.layerNorm(h, EPSILON));
  });
  const logits = b.scope('lm_head', () => b.matmul(h, b.transpose(wte, [1, 0])));
  b.output(logits, 'logits');
  return b.build();
}

export function gpt2Recipe(o: TransformerOptions = {}): InputRecipe[] {
  return [{ name: 'input_ids', type: 'int64', shape: [1, sequenceOf(o)], fill: { kind: 'ids', low: 0, high: VOCAB } }];
}
