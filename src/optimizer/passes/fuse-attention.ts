/**
 * BERT-style self-attention written out as ops becomes one com.microsoft Attention node, as
 * onnxruntime's AttentionFusion does. The pattern, from one input x [B, S, Din]:
 *   Q = Transpose(Reshape(x·Wq + bq, [B, S, H, D]), [0, 2, 1, 3])
 *   Kᵀ = Transpose(Reshape(x·Wk + bk, [B, S, H, D]), [0, 2, 3, 1])
 *   V = Transpose(Reshape(x·Wv + bv, [B, S, H, D]), [0, 2, 1, 3])
 *   y = Reshape(Transpose(Softmax(scale(Q·Kᵀ) [+ mask], last axis)·V, [0, 2, 1, 3]), [B, S, H·D])
 * where the scaling is a Div or Mul by a constant scalar (or none, or a FusedMatMul's alpha):
 * it becomes the Attention's `scale` attribute exactly. The three constant weight matrices and
 * biases are concatenated into new initializers [Din, 3·H·D] and [3·H·D]. An additive mask
 * broadcastable to [B or 1, H or 1, S, S] becomes the attention_bias input, expanded over its
 * rows (one Expand per mask, shared by every layer) when it is a [..., 1, S] key mask. Static
 * batch and sequence dims may be symbolic where no mask needs them; every intermediate must
 * have no reader outside the pattern. Fires only where a registry kernel takes the Attention
 * node. fuse-attention-heads.ts lists the projection forms taken (a bias-free K as Whisper
 * writes it; timm ViT's [B, S, 3, H, D] packing taken apart by Gather).
 * GPT-2's form is also taken: one packed projection x·W + b split in three along the last axis
 * (its parts are Q, K and V), and a causal mask written as Where(lower-triangular constant,
 * scores, fill) with fill at most -10000 (so exp underflows to 0 as the kernel's own masking
 * does), which becomes unidirectional=1. A key padding mask written as masked_fill
 * (fuse-attention-padding.ts) becomes a 2-D mask_index with mask_filter_value = the fill; batch
 * and sequence may stay symbolic there.
 */
import type { Attribute, Graph, Node } from '../../ir/graph.js';
import { DenseTensor } from '../../tensor/dense-tensor.js';
import { GraphIndex } from '../graph-index.js';
import { graphPass, type GraphRewriter, type GraphScope } from '../graph-pass.js';
import { GraphRewrite } from '../graph-rewrite.js';
import { isOp, otherInput, registryRuns } from '../patterns.js';
import { kernelAccepts } from '../evaluate-node.js';
import { maskIndexNodes, paddingMasked, type PaddingMask } from './fuse-attention-padding.js';
import { causallyMasked, scaledScores, softmaxOverKeys } from './fuse-attention-scores.js';
import { concatColumns, hasPerm, keyHeads, packingsComplete, queryOrValueHeads, sameDim, sameShape, soleProducer, soleReader, type Projection } from './fuse-attention-heads.js';

interface AttentionMatch {
  readonly x: string;
  /** A causal mask (Where with a lower-triangular condition) was taken: unidirectional=1. */
  readonly causal: boolean;
  readonly q: Projection;
  readonly k: Projection;
  readonly v: Projection;
  readonly heads: number;
  readonly size: number;
  readonly scale: number;
  readonly mask?: string;
  readonly padding?: PaddingMask;
  readonly nodes: readonly Node[];
  /** The final Reshape, whose output the fused node takes over. */
  readonly last: Node;
}

/** From the Softmax of the attention probabilities. */
function matchAttention(softmax: Node, index: GraphIndex, opset: number): AttentionMatch | undefined {
  const scoresShape = softmaxOverKeys(softmax, index, opset);
  if (!scoresShape) return undefined;
  const [batch, heads, seq, total] = scoresShape;
  if (typeof heads !== 'number' || !sameDim(seq, total)) return undefined;

  // An optional causal or padding Where right before the Softmax, and before a causal one or
  // none an optional additive mask.
  let mask: string | undefined;
  let scores = softmax.inputs[0];
  const nodes: Node[] = [];
  const where = soleProducer(index, scores, softmax, 'Where');
  const masked = where && typeof seq === 'number' ? causallyMasked(where, index, seq) : undefined;
  const padding = where && !masked ? paddingMasked(where, index, scoresShape) : undefined;
  const causal = masked !== undefined;
  if (where && !masked && !padding) return undefined;
  if (masked) {
    if (!sameShape(index.shape(masked), scoresShape)) return undefined;
    scores = masked;
    nodes.push(where as Node);
  }
  if (padding) {
    scores = padding.scores;
    nodes.push(...padding.nodes);
  }
  const add = padding ? undefined : soleProducer(index, scores, nodes[0] ?? softmax, 'Add');
  if (add) {
    for (const candidate of add.inputs) {
      const other = otherInput(add, candidate);
      const product = index.producer(candidate);
      if (!other || !product || !(isOp(product, 'MatMul') || isOp(product, 'Div') || isOp(product, 'Mul') || isOp(product, 'FusedMatMul', 'com.microsoft'))) continue;
      if (!sameShape(index.shape(candidate), scoresShape) || index.elementType(other) !== 'float32') continue;
      mask = other;
      scores = candidate;
      nodes.push(add);
      break;
    }
    if (!mask) return undefined;
  }
  const scoresReader = add ?? nodes[0] ?? softmax;
  const scaled = scaledScores(index, scores, padding?.shapeReader ? [scoresReader, padding.shapeReader] : scoresReader);
  if (!scaled) return undefined;

  // ·V, then the heads merged back.
  const context = soleReader(index, softmax.outputs[0], 'MatMul');
  if (!context || context.inputs[0] !== softmax.outputs[0]) return undefined;
  const merge = soleReader(index, context.outputs[0], 'Transpose');
  const last = merge && hasPerm(merge, [0, 2, 1, 3]) ? soleReader(index, merge.outputs[0], 'Reshape') : undefined;
  if (!merge || !last) return undefined;

  const q = queryOrValueHeads(index, scaled.q, scaled.queryReader, opset);
  const k = keyHeads(index, scaled.k, scaled.matmul, opset);
  const v = queryOrValueHeads(index, context.inputs[1], context, opset);
  if (!q || !k || !v || q.heads !== heads || k.heads !== heads || v.heads !== heads || q.size !== k.size || v.size !== q.size) return undefined;
  if (!packingsComplete([q, k, v]) || [q, k, v].some((h) => !sameDim(h.batch, batch) || !sameDim(h.seq, seq))) return undefined;
  const x = q.projection.x;
  const xShape = index.shape(x);
  if (k.projection.x !== x || v.projection.x !== x || !xShape || xShape.length !== 3 || !sameShape(xShape.slice(0, 2), [batch, seq])) return undefined;
  if (!sameShape(index.shape(last.outputs[0]), [batch, seq, heads * v.size])) return undefined;
  if (index.elementType(x) !== 'float32') return undefined;
  return {
    x, causal, q: q.projection, k: k.projection, v: v.projection, heads, size: q.size, scale: scaled.scale, mask, padding,
    nodes: [...q.nodes, ...k.nodes, ...v.nodes, ...scaled.nodes, ...nodes, softmax, context, merge, last], last,
  };
}

/** The mask's shape padded to rank 4 when it broadcasts to [B or 1, H or 1, S, S] scores. */
function maskDims(index: GraphIndex, mask: string, batch: number, heads: number, seq: number): number[] | undefined {
  const shape = index.staticShape(mask);
  if (!shape || shape.length > 4) return undefined;
  const dims = [...Array<number>(4 - shape.length).fill(1), ...shape];
  const [b, h, s, t] = dims;
  if ((b !== 1 && b !== batch) || (h !== 1 && h !== heads) || (s !== 1 && s !== seq) || (t !== 1 && t !== seq)) return undefined;
  return dims;
}

const fuseAttentionRewriter: GraphRewriter = (graph: Graph, scope: GraphScope) => {
  const index = new GraphIndex(graph, scope.outerTypes);
  const rewrite = new GraphRewrite(graph, scope.outerTypes.keys());
  const opset = scope.opsets.get('') ?? 1;
  const expanded = new Map<string, string>();
  const maskIndices = new Map<string, string>();
  for (const node of graph.nodes) {
    if (rewrite.isRemoved(node)) continue;
    const found = matchAttention(node, index, opset);
    if (!found || found.nodes.some((n) => rewrite.isRemoved(n))) continue;
    if (found.v.columns.width !== found.q.columns.width) continue;
    let target: number[] | undefined;
    if (found.mask) {
      const [batch, seq] = index.staticShape(found.x) ?? [];
      const dims = batch === undefined ? undefined : maskDims(index, found.mask, batch, found.heads, seq);
      if (!dims) continue;
      target = [dims[0], dims[1], seq, seq];
    }
    const name = found.last.name || found.last.outputs[0];
    const attributes = new Map<string, Attribute>([
      ['num_heads', { type: 'int', value: found.heads }],
      ['scale', { type: 'float', value: found.scale }],
      ...(found.causal ? [['unidirectional', { type: 'int', value: 1 }] as [string, Attribute]] : []),
      ...(found.padding ? [['mask_filter_value', { type: 'float', value: found.padding.fill }] as [string, Attribute]] : []),
    ]);
    const base = { name: found.last.name, domain: 'com.microsoft', opType: 'Attention', attributes, outputs: [found.last.outputs[0]] };
    // The packed weights are not in the index yet: ask with the input's (float32) type in their place.
    if (!registryRuns({ ...base, inputs: [found.x, found.x, found.x, ...(found.mask ? ['', '', found.mask] : [])] }, index, scope)) continue;
    const before: Node[] = [];
    let maskIndex = '';
    if (found.padding) {
      const padding = found.padding.padding;
      if (!kernelAccepts({ ...base, inputs: ['x', 'w', 'b', 'm'] }, ['float32', 'float32', 'float32', 'int32'], scope.registry, scope.opsets.get('com.microsoft') ?? 1)) continue;
      maskIndex = maskIndices.get(padding) ?? rewrite.freshName(`${padding}_mask_index`);
      if (!maskIndices.has(padding)) {
        const built = maskIndexNodes(padding, maskIndex, opset, (stem) => rewrite.freshName(stem));
        const [squeeze, not, cast] = built.nodes;
        const standardOps = kernelAccepts(squeeze, built.axes ? ['bool', 'int64'] : ['bool'], scope.registry, opset) && kernelAccepts(not, ['bool'], scope.registry, opset) && kernelAccepts(cast, ['bool'], scope.registry, opset);
        if (!standardOps) continue;
        if (built.axes) rewrite.addInitializer(built.axes, new DenseTensor('int64', [2], BigInt64Array.of(1n, 2n)));
        maskIndices.set(padding, maskIndex);
        before.push(...built.nodes);
      }
    }
    let bias = '';
    if (found.mask && target) {
      const key = `${found.mask}|${target.join(',')}`;
      if (sameShape(index.staticShape(found.mask), target)) bias = found.mask;
      else if (expanded.has(key)) bias = expanded.get(key) as string;
      else {
        const shapeName = rewrite.freshName(`${found.mask}_attention_bias_shape`);
        bias = rewrite.freshName(`${found.mask}_attention_bias`);
        const expand: Node = { name: bias, domain: '', opType: 'Expand', attributes: new Map(), inputs: [found.mask, shapeName], outputs: [bias] };
        if (!registryRuns(expand, index, scope)) continue;
        rewrite.addInitializer(shapeName, new DenseTensor('int64', [4], BigInt64Array.from(target, BigInt)));
        expanded.set(key, bias);
        before.push(expand);
      }
    }
    const weightName = rewrite.freshName(`${name}_qkv_weight`);
    const biasName = rewrite.freshName(`${name}_qkv_bias`);
    const masks = bias ? [maskIndex, '', bias] : maskIndex ? [maskIndex] : [];
    const fused: Node = { ...base, inputs: [found.x, weightName, biasName, ...masks] };
    rewrite.addInitializer(weightName, concatColumns([found.q, found.k, found.v], 'weight'));
    rewrite.addInitializer(biasName, concatColumns([found.q, found.k, found.v], 'bias'));
    for (const n of found.nodes) if (n !== found.last) rewrite.remove(n);
    rewrite.replace(found.last, ...before, fused);
    rewrite.rewrites++;
  }
  return rewrite.changed ? { graph: rewrite.apply(), rewrites: rewrite.rewrites } : undefined;
};

export const fuseAttention = graphPass({
  name: 'FuseAttention', level: 'extended', addsDomain: 'com.microsoft', anchorOps: ['Softmax'], rewrite: fuseAttentionRewriter,
});
