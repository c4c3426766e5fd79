/**
 * Attention written one head at a time, the heads' outputs concatenated (Karpathy's nanoGPT
 * `MultiHeadAttention` of `Head` modules, as chessgpt exports it), becomes one com.microsoft
 * Attention. Per head h, from one input x [B, S, Din]:
 *   Qh = x·Wq_h (+ bq_h), Kh = x·Wk_h (+ bk_h), Vh = x·Wv_h (+ bv_h), each [B, S, D]
 *   yh = Softmax(scale(Qh·Transpose(Kh, [0, 2, 1])) [causal Where], last axis)·Vh
 *   y = Concat(y0, ..., yN-1, last axis)
 * Every head must read the same x, have the same D, the same scale and the same causal mask
 * (see fuse-attention-scores.ts); its weights concatenated in head order are Attention's
 * packed [Din, 3·N·D] weights. Static shapes, float32; no intermediate may have a reader
 * outside the pattern.
 */
import type { Attribute, Graph, Node } from '../../ir/graph.js';
import { GraphIndex } from '../graph-index.js';
import { graphPass, type GraphRewriter, type GraphScope } from '../graph-pass.js';
import { GraphRewrite } from '../graph-rewrite.js';
import { intAttribute } from '../node-values.js';
import { isOp, registryRuns } from '../patterns.js';
import { concatColumns, hasPerm, projection, soleProducer, type Projection } from './fuse-attention-heads.js';
import { causallyMasked, scaledScores } from './fuse-attention-scores.js';

interface Head {
  readonly q: Projection;
  readonly k: Projection;
  readonly v: Projection;
  readonly scale: number;
  readonly causal: boolean;
  readonly nodes: readonly Node[];
}

/** One head ending in `output` [B, S, D], read only by `concat`. */
function matchHead(index: GraphIndex, output: string, concat: Node, opset: number): Head | undefined {
  const context = soleProducer(index, output, concat, 'MatMul');
  const shape = index.staticShape(output);
  if (!context || !shape || shape.length !== 3) return undefined;
  const [, seq, size] = shape;
  const softmax = soleProducer(index, context.inputs[0], context, 'Softmax');
  if (!softmax || context.inputs[1] === context.inputs[0]) return undefined;
  const axis = intAttribute(softmax, 'axis', opset >= 13 ? -1 : 1);
  if ((axis < 0 ? axis + 3 : axis) !== 2) return undefined;
  const nodes: Node[] = [context, softmax];
  let scores = softmax.inputs[0];
  const where = soleProducer(index, scores, softmax, 'Where');
  if (where) {
    const masked = causallyMasked(where, index, seq);
    if (!masked) return undefined;
    scores = masked;
    nodes.push(where);
  }
  const scaled = scaledScores(index, scores, where ?? softmax);
  if (!scaled) return undefined;
  const transpose = soleProducer(index, scaled.k, scaled.matmul, 'Transpose');
  if (!transpose || !hasPerm(transpose, [0, 2, 1])) return undefined;
  const q = projection(index, scaled.q, scaled.queryReader, size);
  const k = projection(index, transpose.inputs[0], transpose, size);
  const v = projection(index, context.inputs[1], context, size);
  if (!q || !k || !v) return undefined;
  return { q, k, v, scale: scaled.scale, causal: where !== undefined, nodes: [...q.nodes, ...k.nodes, ...v.nodes, transpose, ...scaled.nodes, ...nodes] };
}

interface HeadsMatch {
  readonly x: string;
  readonly heads: readonly Head[];
}

/** From the Concat of the heads' outputs along the last axis. */
function matchHeads(concat: Node, index: GraphIndex, opset: number): HeadsMatch | undefined {
  if (!isOp(concat, 'Concat') || concat.inputs.length < 2 || new Set(concat.inputs).size !== concat.inputs.length) return undefined;
  const out = index.staticShape(concat.outputs[0]);
  if (!out || out.length !== 3 || ![-1, 2].includes(intAttribute(concat, 'axis', 0))) return undefined;
  const heads: Head[] = [];
  for (const input of concat.inputs) {
    const head = matchHead(index, input, concat, opset);
    if (!head) return undefined;
    heads.push(head);
  }
  const [first] = heads;
  const x = first.q.x;
  const xShape = index.staticShape(x);
  if (!xShape || xShape.length !== 3 || xShape[0] !== out[0] || xShape[1] !== out[1] || index.elementType(x) !== 'float32') return undefined;
  const sameAsFirst = (h: Head): boolean =>
    [h.q, h.k, h.v].every((p) => p.x === x && p.columns.width === first.q.columns.width) && h.scale === first.scale && h.causal === first.causal;
  return heads.every(sameAsFirst) ? { x, heads } : undefined;
}

const fuseConcatenatedHeadsRewriter: GraphRewriter = (graph: Graph, scope: GraphScope) => {
  const index = new GraphIndex(graph, scope.outerTypes);
  const rewrite = new GraphRewrite(graph, scope.outerTypes.keys());
  const opset = scope.opsets.get('') ?? 1;
  for (const concat of graph.nodes) {
    if (rewrite.isRemoved(concat)) continue;
    const found = matchHeads(concat, index, opset);
    if (!found || found.heads.some((h) => h.nodes.some((n) => rewrite.isRemoved(n)))) continue;
    const [first] = found.heads;
    const attributes = new Map<string, Attribute>([
      ['num_heads', { type: 'int', value: found.heads.length }],
      ['scale', { type: 'float', value: first.scale }],
      ...(first.causal ? [['unidirectional', { type: 'int', value: 1 }] as [string, Attribute]] : []),
    ]);
    const name = concat.name || concat.outputs[0];
    const weightName = rewrite.freshName(`${name}_qkv_weight`);
    const biasName = rewrite.freshName(`${name}_qkv_bias`);
    const fused: Node = { name: concat.name, domain: 'com.microsoft', opType: 'Attention', attributes, inputs: [found.x, weightName, biasName], outputs: [concat.outputs[0]] };
    // The packed weights are not in the index yet: ask with the input's (float32) type in their place.
    if (!registryRuns({ ...fused, inputs: [found.x, found.x, found.x] }, index, scope)) continue;
    const parts = (pick: (h: Head) => Projection) => found.heads.map(pick);
    const ordered = [...parts((h) => h.q), ...parts((h) => h.k), ...parts((h) => h.v)];
    rewrite.addInitializer(weightName, concatColumns(ordered, 'weight'));
    rewrite.addInitializer(biasName, concatColumns(ordered, 'bias'));
    for (const head of found.heads) for (const n of head.nodes) rewrite.remove(n);
    rewrite.replace(concat, fused);
    rewrite.rewrites++;
  }
  return rewrite.changed ? { graph: rewrite.apply(), rewrites: rewrite.rewrites } : undefined;
};

export const fuseConcatenatedHeadsAttention = graphPass({
  name: 'FuseConcatenatedHeadsAttention', level: 'extended', addsDomain: 'com.microsoft', anchorOps: ['Softmax'], rewrite: fuseConcatenatedHeadsRewriter,
});
