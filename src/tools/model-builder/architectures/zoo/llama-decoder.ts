/**
 * A LLaMA-style decoder (transformers' LlamaForCausalLM) as the torch.onnx exporter writes it
 * at opset 18 with dynamic batch and sequence axes: position ids by Range over Shape(input_ids)[1],
 * RMSNorm written out (Pow, ReduceMean with axes as an input, which is opset 18's form, Add,
 * Sqrt, Reciprocal, Mul), rotary embeddings (cos / sin caches gathered by position, rotate_half
 * as Slice, Neg, Concat), grouped-query attention with K / V heads repeated by Unsqueeze,
 * Expand, Reshape, the causal mask as Trilu over an Expand of finfo.min, a SiLU-gated MLP, and a
 * bias-free MatMul LM head. Full size: 4 layers, width 256, 8 heads (4 KV), vocabulary 32000.
 */
import { DenseTensor } from '../../../../tensor/dense-tensor.js';
import { GraphBuilder, type Value } from '../../graph-builder.js';
import type { InputRecipe } from '../../input-recipe.js';
import { EMBEDDING_INIT } from '../attention-heads.js';
import { withExporterHeader } from './exporter-header.js';
import { dimOf, dynamicReshape, int64Scalar } from './exporter-patterns.js';
import { FLOAT32_MAX } from '../../../../tensor/element-type.js';

export interface LlamaOptions {
  readonly seed?: number;
  readonly batch?: number;
  readonly sequenceLength?: number;
  readonly layers?: number;
  readonly width?: number;
  readonly heads?: number;
  readonly kvHeads?: number;
  readonly ffn?: number;
  readonly vocabulary?: number;
}

const MAX_POSITIONS = 256;
const EPSILON = 1e-6;
const NEAR_ONE = { kind: 'uniform', low: 0.9, high: 1.1 } as const;

function sizes(o: LlamaOptions) {
  return {
    batch: o.batch ?? 1, sequence: o.sequenceLength ?? 64, layers: o.layers ?? 4, width: o.width ?? 256, heads: o.heads ?? 8,
    kvHeads: o.kvHeads ?? 4, ffn: o.ffn ?? 688, vocabulary: o.vocabulary ?? 32000,
  };
}

interface Context {
  readonly batch: Value;
  readonly cos: Value;
  readonly sin: Value;
  readonly mask: Value;
  readonly heads: number;
  readonly kvHeads: number;
  readonly headDim: number;
}

function rmsNorm(b: GraphBuilder, x: Value): Value {
  const axes = b.int64s([-1]);
  const meanSquare = b.emit('ReduceMean', [b.pow(x, 2), axes], [{ type: x.type, shape: [...x.shape.slice(0, -1), 1] }], { keepdims: { i: 1 } })[0];
  const inverse = b.emit('Reciprocal', [b.emit('Sqrt', [b.add(meanSquare, EPSILON)], [meanSquare])[0]], [meanSquare])[0];
  return b.mul(b.parameter('weight', [x.shape[x.shape.length - 1]], NEAR_ONE), b.mul(x, inverse));
}

function lastAxisSlice(b: GraphBuilder, x: Value, start: number, end: number): Value {
  return b.emit('Slice', [x, b.int64s([start]), b.int64s([end]), b.int64s([-1])], [{ type: x.type, shape: [...x.shape.slice(0, -1), end - start] }])[0];
}

function rotary(b: GraphBuilder, x: Value, c: Context): Value {
  const half = c.headDim / 2;
  const rotated = b.concat([b.emit('Neg', [lastAxisSlice(b, x, half, c.headDim)], [{ type: x.type, shape: [...x.shape.slice(0, -1), half] }])[0], lastAxisSlice(b, x, 0, half)], -1);
  return b.add(b.mul(x, c.cos), b.mul(rotated, c.sin));
}

function projectHeads(b: GraphBuilder, x: Value, name: string, heads: number, c: Context): Value {
  const [n, s] = x.shape;
  const projected = b.scope(name, () => b.linear(x, heads * c.headDim, { bias: false }));
  return b.transpose(dynamicReshape(b, projected, [c.batch, -1, heads, c.headDim], [n, s, heads, c.headDim]), [0, 2, 1, 3]);
}

/** repeat_kv: [b, kv, s, d] -> [b, kv * rep, s, d]. */
function repeatKv(b: GraphBuilder, x: Value, c: Context): Value {
  const [n, kv, s, d] = x.shape;
  const rep = c.heads / c.kvHeads;
  const sequence = dimOf(b, x, 2);
  const target = b.concat([b.unsqueeze(c.batch, [0]), b.int64s([kv, rep]), b.unsqueeze(sequence, [0]), b.int64s([d])], 0);
  const expanded = b.emit('Expand', [b.unsqueeze(x, [2]), target], [{ type: x.type, shape: [n, kv, rep, s, d] }])[0];
  return dynamicReshape(b, expanded, [c.batch, kv * rep, sequence, d], [n, kv * rep, s, d]);
}

function attention(b: GraphBuilder, x: Value, c: Context): Value {
  const [n, s] = x.shape;
  const q = rotary(b, projectHeads(b, x, 'q_proj', c.heads, c), c);
  const k = repeatKv(b, rotary(b, projectHeads(b, x, 'k_proj', c.kvHeads, c), c), c);
  const v = repeatKv(b, projectHeads(b, x, 'v_proj', c.kvHeads, c), c);
  const scores = b.add(b.div(b.matmul(q, b.transpose(k, [0, 1, 3, 2])), Math.sqrt(c.headDim)), c.mask);
  const context = b.transpose(b.matmul(b.softmax(scores, -1), v), [0, 2, 1, 3]);
  const merged = dynamicReshape(b, context, [c.batch, -1, c.heads * c.headDim], [n, s, c.heads * c.headDim]);
  return b.scope('o_proj', () => b.linear(merged, c.heads * c.headDim, { bias: false }));
}

function mlp(b: GraphBuilder, x: Value, ffn: number): Value {
  const gate = b.silu(b.scope('gate_proj', () => b.linear(x, ffn, { bias: false })));
  const up = b.scope('up_proj', () => b.linear(x, ffn, { bias: false }));
  return b.scope('down_proj', () => b.linear(b.mul(gate, up), x.shape[x.shape.length - 1], { bias: false }));
}

function rotaryCaches(b: GraphBuilder, headDim: number): [Value, Value] {
  const cos = new Float32Array(MAX_POSITIONS * headDim);
  const sin = new Float32Array(MAX_POSITIONS * headDim);
  for (let p = 0; p < MAX_POSITIONS; p++) {
    for (let i = 0; i < headDim; i++) {
      const angle = p / 10000 ** ((2 * (i % (headDim / 2))) / headDim);
      cos[p * headDim + i] = Math.cos(angle);
      sin[p * headDim + i] = Math.sin(angle);
    }
  }
  return [b.initializer('cos_cached', new DenseTensor('float32', [MAX_POSITIONS, headDim], cos)), b.initializer('sin_cached', new DenseTensor('float32', [MAX_POSITIONS, headDim], sin))];
}

export function llamaDecoder(o: LlamaOptions = {}): Uint8Array {
  const z = sizes(o);
  const headDim = z.width / z.heads;
  const b = new GraphBuilder(o.seed ?? 42, 'llama');
  const ids = b.input('input_ids', 'int64', [z.batch, z.sequence]);
  const batch = dimOf(b, ids, 0);
  const sequence = dimOf(b, ids, 1);
  const positions = b.emit('Range', [int64Scalar(b, 'range_start', 0), sequence, int64Scalar(b, 'range_step', 1)], [{ type: 'int64', shape: [z.sequence] }])[0];
  const [cosTable, sinTable] = rotaryCaches(b, headDim);
  const square = b.concat([b.unsqueeze(sequence, [0]), b.unsqueeze(sequence, [0])], 0);
  const filled = b.emit('Expand', [b.scalar(-FLOAT32_MAX), square], [{ type: 'float32', shape: [z.sequence, z.sequence] }])[0];
  const context: Context = {
    batch,
    cos: b.unsqueeze(b.gather(cosTable, positions), [0, 1]),
    sin: b.unsqueeze(b.gather(sinTable, positions), [0, 1]),
    mask: b.emit('Trilu', [filled, int64Scalar(b, 'mask_diagonal', 1)], [filled], { upper: { i: 1 } })[0],
    heads: z.heads, kvHeads: z.kvHeads, headDim,
  };
  let h = b.gather(b.parameter('model.embed_tokens.weight', [z.vocabulary, z.width], EMBEDDING_INIT), ids);
  for (let i = 0; i < z.layers; i++) {
    h = b.scope(`model.layers.${i}`, () => {
      const attended = b.add(h, b.scope('self_attn', () => attention(b, b.scope('input_layernorm', () => rmsNorm(b, h)), context)));
      return b.add(attended, b.scope('mlp', () => mlp(b, b.scope('post_attention_layernorm', () => rmsNorm(b, attended)), z.ffn)));
    });
  }
  const normed = b.scope('model.norm', () => rmsNorm(b, h));
  b.output(b.scope('lm_head', () => b.linear(normed, z.vocabulary, { bias: false })), 'logits');
  return withExporterHeader(b.build(), {
    opset: 18, irVersion: 8, producer: 'pytorch', producerVersion: '2.1.0', constantNodes: true,
    dynamicAxes: { input_ids: { 0: 'batch', 1: 'sequence' }, logits: { 0: 'batch', 1: 'sequence' } },
  });
}

export function llamaRecipe(o: LlamaOptions = {}): InputRecipe[] {
  const z = sizes(o);
  return [{ name: 'input_ids', type: 'int64', shape: [z.batch, z.sequence], fill: { kind: 'ids', low: 0, high: z.vocabulary } }];
}
