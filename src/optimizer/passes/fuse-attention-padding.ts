/**
 * A key padding mask as torch's masked_fill exports it (DistilBERT):
 *   Where(Expand(padding, Shape(scores)), fill, scores)   or   Where(padding, fill, scores)
 * with `padding` a bool [B, 1, 1, S] true at padding keys and `fill` a constant at most
 * MASK_FILL_AT_MOST (torch.finfo(float32).min in practice). Attention's 2-D mask_index with
 * mask_filter_value = fill adds the fill to a masked score instead of replacing it; the sum
 * rounds to the fill itself, since a score is far below half the fill's ulp (about 1e22 at
 * -1e30), so the probabilities are the same, a fully padded row's uniform ones included.
 */
import type { Node } from '../../ir/graph.js';
import type { Dim } from '../../ir/value-type.js';
import { onnxCodeOf } from '../../tensor/element-type.js';
import type { GraphIndex } from '../graph-index.js';
import { isOp, scalarValue } from '../patterns.js';
import { sameShape, soleProducer } from './fuse-attention-heads.js';

/** Fills at most this (and finite) are absorbed exactly by the addition: see above. */
const MASK_FILL_AT_MOST = -1e30;

export interface PaddingMask {
  /** The scores the Where masks. */
  readonly scores: string;
  /** The bool [B, 1, 1, S] mask, true at padding keys. */
  readonly padding: string;
  readonly fill: number;
  /** The Shape of the scores the mask was expanded to, when it was: a second reader of the scores. */
  readonly shapeReader?: Node;
  readonly nodes: readonly Node[];
}

/** Expand(padding, Shape(scores)) making `condition`, read only by `where`. */
function expandedToScores(index: GraphIndex, condition: string, where: Node, scores: string): { padding: string; expand: Node; shape: Node } | undefined {
  const expand = soleProducer(index, condition, where, 'Expand');
  const shape = expand && soleProducer(index, expand.inputs[1], expand, 'Shape');
  if (!expand || !shape || shape.inputs[0] !== scores || shape.attributes.size > 0) return undefined;
  return { padding: expand.inputs[0], expand, shape };
}

/** The padding mask `where` applies to scores of shape [B, H, S, S], or undefined. */
export function paddingMasked(where: Node, index: GraphIndex, scoresShape: readonly Dim[]): PaddingMask | undefined {
  if (!isOp(where, 'Where')) return undefined;
  const [condition, fillName, scores] = where.inputs;
  const fill = scalarValue(index, fillName);
  if (fill === undefined || !Number.isFinite(fill) || fill > MASK_FILL_AT_MOST) return undefined;
  if (!sameShape(index.shape(scores), scoresShape) || index.elementType(scores) !== 'float32') return undefined;
  const expanded = expandedToScores(index, condition, where, scores);
  const padding = expanded?.padding ?? condition;
  const [batch, , , total] = scoresShape;
  if (index.elementType(padding) !== 'bool' || !sameShape(index.shape(padding), [batch, 1, 1, total])) return undefined;
  if (!expanded) return { scores, padding, fill, nodes: [where] };
  return { scores, padding, fill, shapeReader: expanded.shape, nodes: [where, expanded.expand, expanded.shape] };
}

/**
 * Nodes turning the bool [B, 1, 1, S] padding mask into Attention's int32 [B, S] mask_index
 * (1 at keys to keep), writing `output`; `names` gives fresh value names. The Squeeze's axes
 * are an input from opset 13, written to the `axes` initializer the caller adds.
 */
export function maskIndexNodes(padding: string, output: string, opset: number, names: (base: string) => string): { nodes: Node[]; axes?: string } {
  const squeezed = names(`${padding}_keys`);
  const kept = names(`${padding}_kept`);
  const axes = opset >= 13 ? names(`${padding}_squeeze_axes`) : undefined;
  const squeeze: Node = {
    name: squeezed, domain: '', opType: 'Squeeze', inputs: axes ? [padding, axes] : [padding], outputs: [squeezed],
    attributes: new Map(axes ? [] : [['axes', { type: 'ints', value: [1, 2] }]]),
  };
  const not: Node = { name: kept, domain: '', opType: 'Not', attributes: new Map(), inputs: [squeezed], outputs: [kept] };
  const cast: Node = { name: output, domain: '', opType: 'Cast', attributes: new Map([['to', { type: 'int', value: onnxCodeOf('int32') }]]), inputs: [kept], outputs: [output] };
  return { nodes: [squeeze, not, cast], axes };
}
