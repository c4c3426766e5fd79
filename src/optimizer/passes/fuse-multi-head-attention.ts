/**
 * Scaled dot-product attention whose keys and values come from another sequence than its
 * queries (an encoder-decoder's cross-attention, as Whisper's decoder writes it) becomes one
 * com.microsoft MultiHeadAttention over the already projected Q [B, S, H·D], K [B, L, H·D] and
 * V [B, L, H·Dv]:
 *   Q = Transpose(Reshape(q, [B, S, H, D]), [0, 2, 1, 3])
 *   Kᵀ = Transpose(Reshape(k, [B, L, H, D]), [0, 2, 3, 1])
 *   V = Transpose(Reshape(v, [B, L, H, Dv]), [0, 2, 1, 3])
 *   y = Reshape(Transpose(Softmax(scale(Q·Kᵀ), last axis)·V, [0, 2, 1, 3]), [B, S, H·Dv])
 * The projections stay as they are. Self-attention (K and V projected from the queries' own
 * input) is left to FuseAttention, which also takes the projections. Batch and sequence dims
 * may be symbolic; every intermediate must have no reader outside the pattern.
 */
import type { Attribute, Graph, Node } from '../../ir/graph.js';
import type { Dim } from '../../ir/value-type.js';
import { GraphIndex } from '../graph-index.js';
import { graphPass, type GraphRewriter, type GraphScope } from '../graph-pass.js';
import { GraphRewrite } from '../graph-rewrite.js';
import { isOp, registryRuns } from '../patterns.js';
import { hasPerm, sameDim, sameShape, soleProducer, soleReader } from './fuse-attention-heads.js';
import { scaledScores, softmaxOverKeys } from './fuse-attention-scores.js';

interface SplitHeads {
  /** The projected [B, seq, H·D] value the heads are cut from. */
  readonly source: string;
  readonly batch: Dim;
  readonly seq: Dim;
  readonly heads: number;
  readonly size: number;
  readonly nodes: readonly Node[];
}

/** Transpose(Reshape(source [B, seq, H·D], [B, seq, H, D]), perm) ending in `name`, read only by `reader`. */
function splitHeads(index: GraphIndex, name: string, reader: Node, perm: readonly number[]): SplitHeads | undefined {
  const transpose = soleProducer(index, name, reader, 'Transpose');
  if (!transpose || !hasPerm(transpose, perm)) return undefined;
  const reshape = soleProducer(index, transpose.inputs[0], transpose, 'Reshape');
  const split = reshape && index.shape(reshape.outputs[0]);
  const source = reshape && index.shape(reshape.inputs[0]);
  if (!reshape || !split || !source || split.length !== 4 || source.length !== 3) return undefined;
  const [batch, seq, heads, size] = split;
  if (typeof heads !== 'number' || typeof size !== 'number' || !sameShape(source, [batch, seq, heads * size])) return undefined;
  if (index.elementType(reshape.inputs[0]) !== 'float32') return undefined;
  return { source: reshape.inputs[0], batch, seq, heads, size, nodes: [reshape, transpose] };
}

/** The activation a constant-weight projection (MatMul, then maybe Add) reads, or the value itself. */
function projectedFrom(index: GraphIndex, name: string): string {
  let node = index.producer(name);
  if (isOp(node, 'Add')) node = node.inputs.map((i) => index.producer(i)).find((p) => isOp(p, 'MatMul'));
  return isOp(node, 'MatMul') && index.constant(node.inputs[1]) ? node.inputs[0] : name;
}

interface CrossAttentionMatch {
  readonly q: SplitHeads;
  readonly k: SplitHeads;
  readonly v: SplitHeads;
  readonly scale: number;
  readonly nodes: readonly Node[];
  readonly last: Node;
}

/** From the Softmax of the attention probabilities. */
function matchCrossAttention(softmax: Node, index: GraphIndex, opset: number): CrossAttentionMatch | undefined {
  const scoresShape = softmaxOverKeys(softmax, index, opset);
  if (!scoresShape) return undefined;
  const [batch, heads, seq, total] = scoresShape;
  const scaled = scaledScores(index, softmax.inputs[0], softmax);
  if (!scaled || scaled.scale === 0 || typeof heads !== 'number') return undefined;
  const context = soleReader(index, softmax.outputs[0], 'MatMul');
  if (!context || context.inputs[0] !== softmax.outputs[0]) return undefined;
  const merge = soleReader(index, context.outputs[0], 'Transpose');
  const last = merge && hasPerm(merge, [0, 2, 1, 3]) ? soleReader(index, merge.outputs[0], 'Reshape') : undefined;
  if (!merge || !last) return undefined;
  const q = splitHeads(index, scaled.q, scaled.queryReader, [0, 2, 1, 3]);
  const k = splitHeads(index, scaled.k, scaled.matmul, [0, 2, 3, 1]);
  const v = splitHeads(index, context.inputs[1], context, [0, 2, 1, 3]);
  if (!q || !k || !v || [q, k, v].some((h) => h.heads !== heads || !sameDim(h.batch, batch)) || k.size !== q.size) return undefined;
  if (!sameDim(q.seq, seq) || !sameDim(k.seq, total) || !sameDim(v.seq, total)) return undefined;
  if (!sameShape(index.shape(last.outputs[0]), [batch, seq, heads * v.size])) return undefined;
  if (projectedFrom(index, k.source) === projectedFrom(index, q.source)) return undefined;
  return { q, k, v, scale: scaled.scale, nodes: [...q.nodes, ...k.nodes, ...v.nodes, ...scaled.nodes, softmax, context, merge, last], last };
}

const fuseMultiHeadAttentionRewriter: GraphRewriter = (graph: Graph, scope: GraphScope) => {
  const index = new GraphIndex(graph, scope.outerTypes);
  const rewrite = new GraphRewrite(graph, scope.outerTypes.keys());
  const opset = scope.opsets.get('') ?? 1;
  for (const node of graph.nodes) {
    if (rewrite.isRemoved(node)) continue;
    const found = matchCrossAttention(node, index, opset);
    if (!found || found.nodes.some((n) => rewrite.isRemoved(n))) continue;
    const attributes = new Map<string, Attribute>([
      ['num_heads', { type: 'int', value: found.q.heads }],
      ['scale', { type: 'float', value: found.scale }],
    ]);
    const fused: Node = {
      name: found.last.name, domain: 'com.microsoft', opType: 'MultiHeadAttention', attributes,
      inputs: [found.q.source, found.k.source, found.v.source], outputs: [found.last.outputs[0]],
    };
    if (!registryRuns(fused, index, scope)) continue;
    for (const n of found.nodes) if (n !== found.last) rewrite.remove(n);
    rewrite.replace(found.last, fused);
    rewrite.rewrites++;
  }
  return rewrite.changed ? { graph: rewrite.apply(), rewrites: rewrite.rewrites } : undefined;
};

export const fuseMultiHeadAttention = graphPass({
  name: 'FuseMultiHeadAttention', level: 'extended', addsDomain: 'com.microsoft', anchorOps: ['Softmax'], rewrite: fuseMultiHeadAttentionRewriter,
});
