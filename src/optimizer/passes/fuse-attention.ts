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
 * shapes only; every intermediate must have no reader outside the pattern. Fires only where a
 * registry kernel takes the Attention node.
 * GPT-2's form is also taken: one packed projection x·W + b split in three along the last axis
 * (its parts are Q, K and V), and a causal mask written as Where(lower-triangular constant,
 * scores, fill) with fill at most -10000 (so exp underflows to 0 as the kernel's own masking
 * does), which becomes unidirectional=1.
 */
import type { Attribute, Graph, Node } from '../../ir/graph.js';
import { DenseTensor } from '../../tensor/dense-tensor.js';
import { GraphIndex } from '../graph-index.js';
import { graphPass, type GraphRewriter, type GraphScope } from '../graph-pass.js';
import { GraphRewrite } from '../graph-rewrite.js';
import { computeValues } from '../../kernels/support/numeric.js';
import { floatAttribute, intAttribute, intsAttribute } from '../node-values.js';
import { isOp, otherInput, registryRuns, scalarValue } from '../patterns.js';

interface Projection {
  /** The MatMul's activation input. */
  readonly x: string;
  readonly weight: DenseTensor;
  readonly bias: DenseTensor;
  readonly nodes: readonly Node[];
}

interface Heads {
  readonly projection: Projection;
  readonly heads: number;
  readonly size: number;
}

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
  readonly nodes: readonly Node[];
  /** The final Reshape, whose output the fused node takes over. */
  readonly last: Node;
}

const sameDims = (a: readonly number[] | undefined, b: readonly number[]): boolean => a !== undefined && a.length === b.length && a.every((d, i) => d === b[i]);

/** The only reader of `name` (nothing else using it), when it is `opType`. */
function soleReader(index: GraphIndex, name: string, opType: string, domain = ''): Node | undefined {
  const node = index.onlyConsumer(name);
  return isOp(node, opType, domain) ? node : undefined;
}

/** The producer of `name` when it is `opType` and `reader` is the value's only reader. */
function soleProducer(index: GraphIndex, name: string, reader: Node, opType: string, domain = ''): Node | undefined {
  const node = index.producer(name);
  return isOp(node, opType, domain) && index.onlyConsumerIs(name, reader) ? node : undefined;
}

function hasPerm(node: Node, perm: readonly number[]): boolean {
  const p = intsAttribute(node, 'perm');
  return p !== undefined && sameDims(p, perm);
}

/** x·W + b with W a constant [Din, hidden] and b a constant [hidden], ending in the value `name` read only by `reader`. */
function projection(index: GraphIndex, name: string, reader: Node, hidden: number): Projection | undefined {
  const add = soleProducer(index, name, reader, 'Add');
  if (!add) return undefined;
  for (const product of add.inputs) {
    const bias = index.constant(otherInput(add, product) ?? '');
    const matmul = soleProducer(index, product, add, 'MatMul');
    const weight = matmul && index.constant(matmul.inputs[1]);
    if (!matmul || !bias || !weight || bias.type !== 'float32' || weight.type !== 'float32') continue;
    if (!sameDims(bias.dims, [hidden]) || weight.rank !== 2 || weight.dims[1] !== hidden) continue;
    return { x: matmul.inputs[0], weight, bias, nodes: [matmul, add] };
  }
  return undefined;
}

/** `tensor`'s elements [start, start + width) along its last axis. */
function sliceLast(tensor: DenseTensor, start: number, width: number): DenseTensor {
  const values = computeValues(tensor) as Float32Array;
  const full = tensor.dims[tensor.rank - 1];
  const rows = tensor.size / full;
  const out = new Float32Array(rows * width);
  for (let r = 0; r < rows; r++) out.set(values.subarray(r * full + start, r * full + start + width), r * width);
  return new DenseTensor('float32', [...tensor.dims.slice(0, -1), width], out);
}

/** The part sizes of a Split along the last axis of a rank-3 value: constant input (opset 13+), attribute, or equal parts. */
function splitSizes(split: Node, index: GraphIndex, opset: number): number[] | undefined {
  const shape = index.staticShape(split.inputs[0]);
  const axis = intAttribute(split, 'axis', 0);
  if (!shape || shape.length !== 3 || (axis !== 2 && axis !== -1) || split.attributes.has('num_outputs')) return undefined;
  const given = opset >= 13 ? (split.inputs[1] ? index.constant(split.inputs[1]) : undefined) : undefined;
  if (opset >= 13 && split.inputs[1] && !given) return undefined;
  const sizes = given ? Array.from(computeValues(given) as ArrayLike<number | bigint>, Number) : intsAttribute(split, 'split');
  if (sizes) return sizes.reduce((a, b) => a + b, 0) === shape[2] ? [...sizes] : undefined;
  const part = shape[2] / split.outputs.length;
  return Number.isInteger(part) ? split.outputs.map(() => part) : undefined;
}

/** One part of a packed projection: Split(x·W + b) along the last axis, `name` being the part read only by `reader`. */
function packedPart(index: GraphIndex, name: string, reader: Node, hidden: number, opset: number): Projection | undefined {
  const split = index.producer(name);
  if (!isOp(split, 'Split') || !index.onlyConsumerIs(name, reader) || split.outputs.some((o) => o === '')) return undefined;
  const sizes = splitSizes(split, index, opset);
  const part = split.outputs.indexOf(name);
  if (!sizes || sizes[part] !== hidden) return undefined;
  const packedWidth = sizes.reduce((a, b) => a + b, 0);
  const packed = projection(index, split.inputs[0], split, packedWidth);
  if (!packed) return undefined;
  const start = sizes.slice(0, part).reduce((a, b) => a + b, 0);
  return { x: packed.x, weight: sliceLast(packed.weight, start, hidden), bias: sliceLast(packed.bias, start, hidden), nodes: [...packed.nodes, split] };
}

/** Transpose(Reshape(projection, [B, S, H, D]), perm) ending in `name`, read only by `reader`. */
function headsOf(index: GraphIndex, name: string, reader: Node, perm: readonly number[], opset: number): (Heads & { nodes: Node[] }) | undefined {
  const transpose = soleProducer(index, name, reader, 'Transpose');
  if (!transpose || !hasPerm(transpose, perm)) return undefined;
  const reshape = soleProducer(index, transpose.inputs[0], transpose, 'Reshape');
  const split = reshape && index.staticShape(reshape.outputs[0]);
  const source = reshape && index.staticShape(reshape.inputs[0]);
  if (!reshape || !split || !source || split.length !== 4 || source.length !== 3) return undefined;
  const [batch, seq, heads, size] = split;
  if (!sameDims(source, [batch, seq, heads * size])) return undefined;
  const found = projection(index, reshape.inputs[0], reshape, heads * size) ?? packedPart(index, reshape.inputs[0], reshape, heads * size, opset);
  return found && { projection: found, heads, size, nodes: [...found.nodes, reshape, transpose] };
}

/** The factor a scaling node applies to the Q·Kᵀ product `product`. */
function scaleOf(node: Node, product: string, index: GraphIndex): number | undefined {
  const c = scalarValue(index, otherInput(node, product));
  if (c === undefined) return undefined;
  if (node.domain !== '') return undefined;
  if (node.opType === 'Mul') return c;
  return node.opType === 'Div' && node.inputs[0] === product && c !== 0 ? 1 / c : undefined;
}

/** Q·Kᵀ (MatMul, or FusedMatMul with alpha only) and its scaling, ending in `scores`, read by `reader`. */
function scaledScores(index: GraphIndex, scores: string, reader: Node): { q: string; k: string; scale: number; nodes: Node[]; matmul: Node } | undefined {
  if (!index.onlyConsumerIs(scores, reader)) return undefined;
  const node = index.producer(scores);
  if (!node) return undefined;
  const plainProduct = (n: Node): boolean => isOp(n, 'MatMul');
  const fusedProduct = (n: Node): boolean =>
    isOp(n, 'FusedMatMul', 'com.microsoft') && [...n.attributes.keys()].every((k) => k === 'alpha' || ((k === 'transA' || k === 'transB' || k === 'transBatchA' || k === 'transBatchB') && intAttribute(n, k, 0) === 0));
  if (plainProduct(node) || fusedProduct(node)) {
    const scale = plainProduct(node) ? 1 : floatAttribute(node, 'alpha', 1);
    return { q: node.inputs[0], k: node.inputs[1], scale, nodes: [node], matmul: node };
  }
  for (const product of node.inputs) {
    const matmul = soleProducer(index, product, node, 'MatMul');
    const scale = matmul && scaleOf(node, product, index);
    if (matmul && scale !== undefined) return { q: matmul.inputs[0], k: matmul.inputs[1], scale, nodes: [matmul, node], matmul };
  }
  return undefined;
}

/** The largest fill a causal Where may use: onnxruntime's GPT-2 fusion takes -10000 too. */
const CAUSAL_FILL_AT_MOST = -10000;

/**
 * A constant bool [.., S, S] (leading dims 1) marking a causal mask: 'keep' when true exactly
 * on and below the diagonal (Where(c, scores, fill)), 'drop' when true exactly above it
 * (Where(c, fill, scores)).
 */
function causalCondition(index: GraphIndex, name: string, seq: number): 'keep' | 'drop' | undefined {
  const mask = index.constant(name);
  if (!mask || mask.type !== 'bool' || mask.rank < 2 || mask.size !== seq * seq) return undefined;
  if (mask.dims[mask.rank - 1] !== seq || mask.dims[mask.rank - 2] !== seq) return undefined;
  const values = computeValues(mask) as ArrayLike<number>;
  const keeps = (i: number, j: number): boolean => (values[i * seq + j] !== 0) === (j <= i);
  const drops = (i: number, j: number): boolean => (values[i * seq + j] !== 0) === (j > i);
  let keep = true;
  let drop = true;
  for (let i = 0; i < seq; i++) for (let j = 0; j < seq; j++) {
    keep &&= keeps(i, j);
    drop &&= drops(i, j);
  }
  return keep ? 'keep' : drop ? 'drop' : undefined;
}

/** The scores a causal Where masks (the fill at most CAUSAL_FILL_AT_MOST), or undefined. */
function causallyMasked(where: Node, index: GraphIndex, seq: number): string | undefined {
  const form = causalCondition(index, where.inputs[0], seq);
  if (!form) return undefined;
  const [scores, fill] = form === 'keep' ? [where.inputs[1], where.inputs[2]] : [where.inputs[2], where.inputs[1]];
  const value = scalarValue(index, fill);
  return value !== undefined && value <= CAUSAL_FILL_AT_MOST ? scores : undefined;
}

/** From the Softmax of the attention probabilities. */
function matchAttention(softmax: Node, index: GraphIndex, opset: number): AttentionMatch | undefined {
  if (!isOp(softmax, 'Softmax')) return undefined;
  const scoresShape = index.staticShape(softmax.inputs[0]);
  if (!scoresShape || scoresShape.length !== 4) return undefined;
  const axis = intAttribute(softmax, 'axis', opset >= 13 ? -1 : 1);
  if ((axis < 0 ? axis + 4 : axis) !== 3) return undefined;
  const [batch, heads, seq, total] = scoresShape;
  if (seq !== total) return undefined;

  // An optional causal Where right before the Softmax, and before it an optional additive mask.
  let mask: string | undefined;
  let scores = softmax.inputs[0];
  const nodes: Node[] = [];
  const where = soleProducer(index, scores, softmax, 'Where');
  const causal = where !== undefined;
  if (where) {
    const masked = causallyMasked(where, index, seq);
    if (!masked || !sameDims(index.staticShape(masked), scoresShape)) return undefined;
    scores = masked;
    nodes.push(where);
  }
  const add = soleProducer(index, scores, nodes[0] ?? softmax, 'Add');
  if (add) {
    for (const candidate of add.inputs) {
      const other = otherInput(add, candidate);
      const product = index.producer(candidate);
      if (!other || !product || !(isOp(product, 'MatMul') || isOp(product, 'Div') || isOp(product, 'Mul') || isOp(product, 'FusedMatMul', 'com.microsoft'))) continue;
      if (!sameDims(index.staticShape(candidate), scoresShape) || index.elementType(other) !== 'float32') continue;
      mask = other;
      scores = candidate;
      nodes.push(add);
      break;
    }
    if (!mask) return undefined;
  }
  const scaled = scaledScores(index, scores, nodes[nodes.length - 1] ?? softmax);
  if (!scaled) return undefined;

  // ·V, then the heads merged back.
  const context = soleReader(index, softmax.outputs[0], 'MatMul');
  if (!context || context.inputs[0] !== softmax.outputs[0]) return undefined;
  const merge = soleReader(index, context.outputs[0], 'Transpose');
  const last = merge && hasPerm(merge, [0, 2, 1, 3]) ? soleReader(index, merge.outputs[0], 'Reshape') : undefined;
  if (!merge || !last) return undefined;

  const q = headsOf(index, scaled.q, scaled.matmul, [0, 2, 1, 3], opset);
  const k = headsOf(index, scaled.k, scaled.matmul, [0, 2, 3, 1], opset);
  const v = headsOf(index, context.inputs[1], context, [0, 2, 1, 3], opset);
  if (!q || !k || !v || q.heads !== heads || k.heads !== heads || v.heads !== heads || q.size !== k.size || v.size !== q.size) return undefined;
  const x = q.projection.x;
  const xShape = index.staticShape(x);
  if (k.projection.x !== x || v.projection.x !== x || !xShape || !sameDims(xShape, [batch, seq, xShape[2]])) return undefined;
  if (!sameDims(index.staticShape(last.outputs[0]), [batch, seq, heads * v.size])) return undefined;
  if (index.elementType(x) !== 'float32') return undefined;
  return {
    x, causal, q: q.projection, k: k.projection, v: v.projection, heads, size: q.size, scale: scaled.scale, mask,
    nodes: [...q.nodes, ...k.nodes, ...v.nodes, ...scaled.nodes, ...nodes, softmax, context, merge, last], last,
  };
}

/** Concatenation along the last axis of float32 tensors of one rank whose leading dims agree. */
function concatLast(parts: readonly DenseTensor[]): DenseTensor {
  const lead = parts[0].dims.slice(0, -1);
  const rows = lead.reduce((a, b) => a * b, 1);
  const widths = parts.map((p) => p.dims[p.rank - 1]);
  const width = widths.reduce((a, b) => a + b, 0);
  const out = new Float32Array(rows * width);
  for (let r = 0; r < rows; r++) {
    let at = r * width;
    parts.forEach((p, i) => {
      const values = computeValues(p) as Float32Array;
      out.set(values.subarray(r * widths[i], (r + 1) * widths[i]), at);
      at += widths[i];
    });
  }
  return new DenseTensor('float32', [...lead, width], out);
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
  for (const node of graph.nodes) {
    if (rewrite.isRemoved(node)) continue;
    const found = matchAttention(node, index, opset);
    if (!found || found.nodes.some((n) => rewrite.isRemoved(n))) continue;
    const [batch, seq] = index.staticShape(found.x) as readonly number[];
    if (found.v.weight.dims[1] !== found.q.weight.dims[1]) continue;
    let target: number[] | undefined;
    if (found.mask) {
      const dims = maskDims(index, found.mask, batch, found.heads, seq);
      if (!dims) continue;
      target = [dims[0], dims[1], seq, seq];
    }
    const name = found.last.name || found.last.outputs[0];
    const attributes = new Map<string, Attribute>([
      ['num_heads', { type: 'int', value: found.heads }],
      ['scale', { type: 'float', value: found.scale }],
      ...(found.causal ? [['unidirectional', { type: 'int', value: 1 }] as [string, Attribute]] : []),
    ]);
    const base = { name: found.last.name, domain: 'com.microsoft', opType: 'Attention', attributes, outputs: [found.last.outputs[0]] };
    // The packed weights are not in the index yet: ask with the input's (float32) type in their place.
    if (!registryRuns({ ...base, inputs: [found.x, found.x, found.x, ...(found.mask ? ['', '', found.mask] : [])] }, index, scope)) continue;
    const before: Node[] = [];
    let bias = '';
    if (found.mask && target) {
      const key = `${found.mask}|${target.join(',')}`;
      if (sameDims(index.staticShape(found.mask), target)) bias = found.mask;
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
    const fused: Node = { ...base, inputs: [found.x, weightName, biasName, ...(bias ? ['', '', bias] : [])] };
    rewrite.addInitializer(weightName, concatLast([found.q.weight, found.k.weight, found.v.weight]));
    rewrite.addInitializer(biasName, concatLast([found.q.bias, found.k.bias, found.v.bias]));
    for (const n of found.nodes) if (n !== found.last) rewrite.remove(n);
    rewrite.replace(found.last, ...before, fused);
    rewrite.rewrites++;
  }
  return rewrite.changed ? { graph: rewrite.apply(), rewrites: rewrite.rewrites } : undefined;
};

export const fuseAttention = graphPass({ name: 'FuseAttention', level: 'extended', addsDomain: 'com.microsoft', rewrite: fuseAttentionRewriter });
