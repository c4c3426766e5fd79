/**
 * The scores of scaled dot-product attention: Q·Kᵀ (MatMul, or a FusedMatMul with only its
 * alpha set) and an optional Mul or Div by a constant scalar, of the product or of Q before it
 * (DistilBERT divides Q by √d), whose factor becomes the fused node's `scale` attribute; and a causal mask written as Where over a lower-triangular
 * constant, which becomes the fused node's unidirectional flag.
 */
import type { Node } from '../../ir/graph.js';
import type { Dim } from '../../ir/value-type.js';
import type { GraphIndex } from '../graph-index.js';
import { floatAttribute, intAttribute } from '../node-values.js';
import { isOp, otherInput, scalarValue } from '../patterns.js';
import { computeValues } from '../../kernels/support/numeric.js';
import { soleProducer } from './fuse-attention-heads.js';

/** The [batch, heads, seq, total] shape of the scores when `softmax` is a Softmax over their last (key) axis. */
export function softmaxOverKeys(softmax: Node, index: GraphIndex, opset: number): readonly Dim[] | undefined {
  if (!isOp(softmax, 'Softmax')) return undefined;
  const shape = index.shape(softmax.inputs[0]);
  if (!shape || shape.length !== 4) return undefined;
  const axis = intAttribute(softmax, 'axis', opset >= 13 ? -1 : 1);
  return (axis < 0 ? axis + 4 : axis) === 3 ? shape : undefined;
}

export interface ScaledScores {
  readonly q: string;
  readonly k: string;
  readonly scale: number;
  readonly nodes: readonly Node[];
  readonly matmul: Node;
  /** The node reading `q`: the product, or the Mul or Div scaling Q before it. */
  readonly queryReader: Node;
}

/** The factor a scaling node applies to the Q·Kᵀ product `product`. */
function scaleOf(node: Node, product: string, index: GraphIndex): number | undefined {
  const c = scalarValue(index, otherInput(node, product));
  if (c === undefined) return undefined;
  if (node.domain !== '') return undefined;
  if (node.opType === 'Mul') return c;
  return node.opType === 'Div' && node.inputs[0] === product && c !== 0 ? 1 / c : undefined;
}

/** Mul(Q, c) or Div(Q, c) by a constant scalar, read only by the product `matmul`. */
function scaledQuery(index: GraphIndex, matmul: Node): { q: string; scale: number; node: Node } | undefined {
  const node = index.producer(matmul.inputs[0]);
  if (!node || (!isOp(node, 'Mul') && !isOp(node, 'Div')) || !index.onlyConsumerIs(matmul.inputs[0], matmul)) return undefined;
  for (const q of node.inputs) {
    const scale = index.constant(q) ? undefined : scaleOf(node, q, index);
    if (scale !== undefined) return { q, scale, node };
  }
  return undefined;
}

/** Whether `readers` are all the nodes reading `name` (and nothing else uses it). */
function readOnlyBy(index: GraphIndex, name: string, readers: readonly Node[]): boolean {
  const actual = index.consumers(name);
  return !index.hasHiddenUses(name) && actual.length === readers.length && actual.every((n) => readers.includes(n));
}

/**
 * Q·Kᵀ (MatMul, or FusedMatMul with alpha only) and its scaling, ending in `scores`, read by
 * `readers` alone (the pattern's next node, and a Shape of the scores where a mask is expanded to it).
 */
export function scaledScores(index: GraphIndex, scores: string, readers: Node | readonly Node[]): ScaledScores | undefined {
  if (!readOnlyBy(index, scores, 'opType' in readers ? [readers] : readers)) return undefined;
  const node = index.producer(scores);
  if (!node) return undefined;
  const plainProduct = (n: Node): boolean => isOp(n, 'MatMul');
  const fusedProduct = (n: Node): boolean =>
    isOp(n, 'FusedMatMul', 'com.microsoft') && [...n.attributes.keys()].every((k) => k === 'alpha' || ((k === 'transA' || k === 'transB' || k === 'transBatchA' || k === 'transBatchB') && intAttribute(n, k, 0) === 0));
  if (plainProduct(node)) {
    const query = scaledQuery(index, node);
    if (query) return { q: query.q, k: node.inputs[1], scale: query.scale, nodes: [query.node, node], matmul: node, queryReader: query.node };
  }
  if (plainProduct(node) || fusedProduct(node)) {
    const scale = plainProduct(node) ? 1 : floatAttribute(node, 'alpha', 1);
    return { q: node.inputs[0], k: node.inputs[1], scale, nodes: [node], matmul: node, queryReader: node };
  }
  for (const product of node.inputs) {
    const matmul = soleProducer(index, product, node, 'MatMul');
    const scale = matmul && scaleOf(node, product, index);
    if (matmul && scale !== undefined) return { q: matmul.inputs[0], k: matmul.inputs[1], scale, nodes: [matmul, node], matmul, queryReader: matmul };
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
export function causallyMasked(where: Node, index: GraphIndex, seq: number): string | undefined {
  const form = causalCondition(index, where.inputs[0], seq);
  if (!form) return undefined;
  const [scores, fill] = form === 'keep' ? [where.inputs[1], where.inputs[2]] : [where.inputs[2], where.inputs[1]];
  const value = scalarValue(index, fill);
  return value !== undefined && value <= CAUSAL_FILL_AT_MOST ? scores : undefined;
}
