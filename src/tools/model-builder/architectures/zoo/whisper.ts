/**
 * A Whisper-style encoder-decoder (openai/whisper, tiny layout) as torch.onnx exports it at
 * opset 17, encoder and decoder in one graph: the log-mel input through two Conv1d (rank-3 Conv,
 * the second with stride 2) with exact GELU, a Transpose to time-major and sinusoidal
 * positions, pre-LN encoder blocks; the decoder embeds tokens by Gather, adds learned
 * positions sliced to the token count, runs causal self-attention (the mask buffer's [S, S]
 * corner, folded to an initializer) and cross-attention on the encoder output, and projects on the token embedding
 * transposed (tied weights: MatMul by a Transpose of the table). Full size: width 384, 6 heads,
 * 4 + 4 layers, 80 mel bins x 3000 frames, 32 tokens.
 */
import { DenseTensor } from '../../../../tensor/dense-tensor.js';
import { GraphBuilder, type Value } from '../../graph-builder.js';
import type { InputRecipe } from '../../input-recipe.js';
import { EMBEDDING_INIT } from '../attention-heads.js';
import { withExporterHeader } from './exporter-header.js';

export interface WhisperOptions {
  readonly seed?: number;
  readonly frames?: number;
  readonly mels?: number;
  readonly tokens?: number;
  readonly width?: number;
  readonly heads?: number;
  readonly layers?: number;
  readonly vocabulary?: number;
}

const MAX_TOKENS = 448;
const FLOAT_MIN = -3.4028234663852886e38;

function sizes(o: WhisperOptions) {
  return {
    frames: o.frames ?? 3000, mels: o.mels ?? 80, tokens: o.tokens ?? 32, width: o.width ?? 384, heads: o.heads ?? 6,
    layers: o.layers ?? 4, vocabulary: o.vocabulary ?? 51865,
  };
}

function conv1d(b: GraphBuilder, x: Value, out: number, stride: number): Value {
  const [n, c, t] = x.shape;
  const fanIn = c * 3;
  const weight = b.parameter('weight', [out, c, 3], { kind: 'he', fanIn });
  const bias = b.parameter('bias', [out], { kind: 'uniform', low: -1 / Math.sqrt(fanIn), high: 1 / Math.sqrt(fanIn) });
  const length = Math.floor((t + 2 - 3) / stride) + 1;
  return b.emit('Conv', [x, weight, bias], [{ type: x.type, shape: [n, out, length] }], {
    dilations: { ints: [1] }, group: { i: 1 }, kernel_shape: { ints: [3] }, pads: { ints: [1, 1] }, strides: { ints: [stride] },
  })[0];
}

function heads(b: GraphBuilder, x: Value, count: number): Value {
  const [n, s, w] = x.shape;
  return b.transpose(b.reshape(x, [n, s, count, w / count]), [0, 2, 1, 3]);
}

/** Whisper's MultiHeadAttention: q scaled by d^-1/4 and k too, key projection without bias. */
function attention(b: GraphBuilder, x: Value, source: Value, count: number, mask?: Value): Value {
  const [n, s, w] = x.shape;
  const scale = (w / count) ** -0.25;
  const q = b.mul(heads(b, b.scope('query', () => b.linear(x, w)), count), scale);
  const k = b.mul(b.transpose(heads(b, b.scope('key', () => b.linear(source, w, { bias: false })), count), [0, 1, 3, 2]), scale);
  const v = heads(b, b.scope('value', () => b.linear(source, w)), count);
  const scores = b.matmul(q, k);
  const weights = b.softmax(mask ? b.add(scores, mask) : scores, -1);
  const merged = b.reshape(b.transpose(b.matmul(weights, v), [0, 2, 1, 3]), [n, s, w]);
  return b.scope('out', () => b.linear(merged, w));
}

function mlp(b: GraphBuilder, x: Value): Value {
  const w = x.shape[2];
  return b.scope('mlp', () => b.scope('2', () => b.linear(b.gelu(b.scope('0', () => b.linear(x, 4 * w))), w)));
}

function encoderBlock(b: GraphBuilder, x: Value, count: number): Value {
  const normed = b.scope('attn_ln', () => b.layerNorm(x));
  const attended = b.add(x, b.scope('attn', () => attention(b, normed, normed, count)));
  return b.add(attended, mlp(b, b.scope('mlp_ln', () => b.layerNorm(attended))));
}

function decoderBlock(b: GraphBuilder, x: Value, memory: Value, count: number, mask: Value): Value {
  const normed = b.scope('attn_ln', () => b.layerNorm(x));
  const selfAttended = b.add(x, b.scope('attn', () => attention(b, normed, normed, count, mask)));
  const crossNormed = b.scope('cross_attn_ln', () => b.layerNorm(selfAttended));
  const crossAttended = b.add(selfAttended, b.scope('cross_attn', () => attention(b, crossNormed, memory, count)));
  return b.add(crossAttended, mlp(b, b.scope('mlp_ln', () => b.layerNorm(crossAttended))));
}

function sinusoids(length: number, channels: number): DenseTensor {
  const half = channels / 2;
  const data = new Float32Array(length * channels);
  for (let t = 0; t < length; t++) {
    for (let i = 0; i < half; i++) {
      const angle = t * Math.exp((-Math.log(10000) / (half - 1)) * i);
      data[t * channels + i] = Math.sin(angle);
      data[t * channels + half + i] = Math.cos(angle);
    }
  }
  return new DenseTensor('float32', [length, channels], data);
}

/** 0 on and below the diagonal, finfo.min above: the exporter folds `mask[:S, :S]` to this. */
function causalMask(tokens: number): DenseTensor {
  return new DenseTensor('float32', [tokens, tokens], Float32Array.from({ length: tokens * tokens }, (_, i) => (i % tokens > Math.floor(i / tokens) ? FLOAT_MIN : 0)));
}

export function whisper(o: WhisperOptions = {}): Uint8Array {
  const z = sizes(o);
  const b = new GraphBuilder(o.seed ?? 42, 'whisper');
  const features = b.input('input_features', 'float32', [1, z.mels, z.frames]);
  const tokens = b.input('decoder_input_ids', 'int64', [1, z.tokens]);
  const memory = b.scope('encoder', () => {
    const first = b.gelu(b.scope('conv1', () => conv1d(b, features, z.width, 1)));
    const second = b.gelu(b.scope('conv2', () => conv1d(b, first, z.width, 2)));
    const timeMajor = b.transpose(second, [0, 2, 1]);
    let x = b.add(timeMajor, b.initializer('positional_embedding', sinusoids(timeMajor.shape[1], z.width)));
    for (let i = 0; i < z.layers; i++) x = b.scope(`blocks.${i}`, () => encoderBlock(b, x, z.heads));
    return b.scope('ln_post', () => b.layerNorm(x));
  });
  const logits = b.scope('decoder', () => {
    const table = b.parameter('token_embedding.weight', [z.vocabulary, z.width], EMBEDDING_INIT);
    const positions = b.parameter('positional_embedding', [MAX_TOKENS, z.width], EMBEDDING_INIT);
    const sliced = b.emit('Slice', [positions, b.int64s([0]), b.int64s([z.tokens]), b.int64s([0])], [{ type: 'float32', shape: [z.tokens, z.width] }])[0];
    let x = b.add(b.gather(table, tokens), sliced);
    const mask = b.initializer('mask', causalMask(z.tokens));
    for (let i = 0; i < z.layers; i++) x = b.scope(`blocks.${i}`, () => decoderBlock(b, x, memory, z.heads, mask));
    return b.matmul(b.scope('ln', () => b.layerNorm(x)), b.transpose(table, [1, 0]));
  });
  b.output(logits, 'logits');
  b.output(memory, 'encoder_hidden_states');
  return withExporterHeader(b.build(), { opset: 17, irVersion: 8, producer: 'pytorch', producerVersion: '2.0.1', constantNodes: true });
}

export function whisperRecipe(o: WhisperOptions = {}): InputRecipe[] {
  const z = sizes(o);
  return [
    { name: 'input_features', type: 'float32', shape: [1, z.mels, z.frames], fill: { kind: 'uniform', low: -1, high: 1 } },
    { name: 'decoder_input_ids', type: 'int64', shape: [1, z.tokens], fill: { kind: 'ids', low: 0, high: z.vocabulary } },
  ];
}
