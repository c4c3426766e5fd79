/**
 * ViT-Tiny / DeiT-tiny (timm) as torch.onnx exports it at opset 14 with a dynamic batch axis:
 * patch embedding by a strided Conv, flatten and transpose through a Reshape whose target is
 * computed from Shape, the class token expanded to the batch (Equal / Where over the target, as
 * `expand(B, -1, -1)` exports), learned position embeddings, pre-LN blocks with layer norm
 * decomposed into ReduceMean / Sub / Pow / Sqrt / Div (no LayerNormalization before opset 17),
 * fused qkv split by Gather, Softmax attention, exact GELU via Erf, and a Gemm head on the class
 * token. 5.7M parameters at 224x224.
 */
import { GraphBuilder, type Value } from '../../graph-builder.js';
import type { InputRecipe } from '../../input-recipe.js';
import { imageInput, imageRecipe, type ImageModelOptions } from '../image-classifier.js';
import { EMBEDDING_INIT } from '../attention-heads.js';
import { withExporterHeader } from './exporter-header.js';
import { decomposedLayerNorm, dimOf, dynamicReshape } from './exporter-patterns.js';

export interface VitOptions extends ImageModelOptions {
  readonly depth?: number;
  readonly patch?: number;
}

const WIDTH = 192;
const HEADS = 3;
const MLP = 768;
const EPSILON = 1e-6;

function attention(b: GraphBuilder, x: Value, batch: Value): Value {
  const [n, tokens] = x.shape;
  const d = WIDTH / HEADS;
  const qkv = b.scope('qkv', () => b.linear(x, 3 * WIDTH));
  const split = dynamicReshape(b, qkv, [batch, -1, 3, HEADS, d], [n, tokens, 3, HEADS, d]);
  const heads = b.transpose(split, [2, 0, 3, 1, 4]);
  const [q, k, v] = [0, 1, 2].map((i) => b.gather(heads, i, 0));
  const scores = b.mul(b.matmul(q, b.transpose(k, [0, 1, 3, 2])), 1 / Math.sqrt(d));
  const mixed = b.transpose(b.matmul(b.softmax(scores, -1), v), [0, 2, 1, 3]);
  const merged = dynamicReshape(b, mixed, [batch, -1, WIDTH], [n, tokens, WIDTH]);
  return b.scope('proj', () => b.linear(merged, WIDTH));
}

function block(b: GraphBuilder, x: Value, batch: Value): Value {
  const attended = b.add(x, b.scope('attn', () => attention(b, b.scope('norm1', () => decomposedLayerNorm(b, x, EPSILON)), batch)));
  const normed = b.scope('norm2', () => decomposedLayerNorm(b, attended, EPSILON));
  const hidden = b.scope('mlp', () => b.scope('fc2', () => b.linear(b.gelu(b.scope('fc1', () => b.linear(normed, MLP))), WIDTH)));
  return b.add(attended, hidden);
}

/** `cls_token.expand(B, -1, -1)`: -1 entries of the target replaced by the token's own dims. */
function expandClassToken(b: GraphBuilder, batch: Value, batchSize: number): Value {
  const token = b.parameter('cls_token', [1, 1, WIDTH], EMBEDDING_INIT);
  const target = b.concat([b.unsqueeze(batch, [0]), b.int64s([-1, -1])], 0);
  const keep = b.emit('Equal', [target, b.int64s([-1, -1, -1])], [{ type: 'bool', shape: [3] }])[0];
  const resolved = b.where(keep, b.int64s([1, 1, WIDTH]), target);
  return b.emit('Expand', [token, resolved], [{ type: 'float32', shape: [batchSize, 1, WIDTH] }])[0];
}

export function vitTiny(o: VitOptions = {}): Uint8Array {
  const patch = o.patch ?? 16;
  const batchSize = o.batch ?? 1;
  const b = new GraphBuilder(o.seed ?? 42, 'vit_tiny');
  const image = imageInput(b, o);
  const batch = dimOf(b, image, 0);
  const patches = b.scope('patch_embed.proj', () => b.conv(image, { out: WIDTH, kernel: patch, stride: patch, init: { kind: 'xavier', fanIn: 3 * patch * patch, fanOut: WIDTH } }));
  const count = patches.shape[2] * patches.shape[3];
  const flat = dynamicReshape(b, patches, [batch, WIDTH, -1], [batchSize, WIDTH, count]);
  const tokens = b.transpose(flat, [0, 2, 1]);
  const cls = expandClassToken(b, batch, batchSize);
  const withCls = b.emit('Concat', [cls, tokens], [{ type: 'float32', shape: [batchSize, count + 1, WIDTH] }], { axis: { i: 1 } })[0];
  let x = b.add(withCls, b.parameter('pos_embed', [1, count + 1, WIDTH], EMBEDDING_INIT));
  for (let i = 0; i < (o.depth ?? 12); i++) x = b.scope(`blocks.${i}`, () => block(b, x, batch));
  x = b.scope('norm', () => decomposedLayerNorm(b, x, EPSILON));
  const logits = b.scope('head', () => b.gemm(b.gather(x, 0, 1), 1000));
  b.output(logits, 'logits');
  return withExporterHeader(b.build(), {
    opset: 14, irVersion: 7, producer: 'pytorch', producerVersion: '1.13.1', constantNodes: true,
    dynamicAxes: { input: { 0: 'batch' }, logits: { 0: 'batch' } },
  });
}

export function vitRecipe(o: VitOptions = {}): InputRecipe[] {
  return imageRecipe(o);
}
