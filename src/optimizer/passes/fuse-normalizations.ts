/**
 * Normalizations written out as reductions and elementwise ops become one node.
 * LayerNormalization: ReduceMean -> Sub -> Pow(2) -> ReduceMean -> Add(ε) -> Sqrt -> Div ->
 * Mul(γ) [-> Add(β)], as LayerNormalization (ai.onnx from opset 17; onnxruntime's contrib
 * schema serves earlier opsets). RMS normalization: Pow(2) -> ReduceMean -> Add(ε) -> Sqrt ->
 * Div [or Reciprocal -> Mul] -> Mul(γ), as ai.onnx RMSNormalization (opset 23+) or else
 * onnxruntime's SimplifiedLayerNormalization (ai.onnx domain). Each only where a registry
 * kernel takes the node at the model's opset. The reductions must run over the last axes
 * with keepdims, γ and β must cover exactly those axes, and every intermediate value must
 * have no reader outside the pattern.
 */
import type { Attribute, Node } from '../../ir/graph.js';
import type { GraphIndex } from '../graph-index.js';
import { graphPass, nodeRewriter, type GraphScope } from '../graph-pass.js';
import type { GraphRewrite } from '../graph-rewrite.js';
import { attributeOrInput, intAttribute } from '../node-values.js';
import { isOp, isScalarNear, onlyConsumerOp, otherInput, registryRuns, scalarValue } from '../patterns.js';

/** How many trailing axes a ReduceMean (keepdims) averages over `x`; undefined for anything else. */
function trailingAxes(mean: Node, x: string, index: GraphIndex, opset: number): number | undefined {
  const rank = index.rank(x);
  const axes = attributeOrInput(mean, index, opset, { attribute: 'axes', input: 1, inputSince: 18 });
  if (rank === undefined || !Array.isArray(axes) || axes.length === 0 || intAttribute(mean, 'keepdims', 1) !== 1) return undefined;
  const sorted = axes.map((a) => (a < 0 ? a + rank : a)).sort((a, b) => a - b);
  return sorted.every((a, i) => a === rank - sorted.length + i) ? sorted.length : undefined;
}

/** `node` squares `x`: Pow(x, 2) or Mul(x, x). */
function squares(index: GraphIndex, node: Node, x: string): boolean {
  if (node.domain !== '' || node.inputs[0] !== x) return false;
  return node.opType === 'Pow' ? isScalarNear(index, node.inputs[1], 2) : node.opType === 'Mul' && node.inputs[1] === x;
}

/** mean -> Add(ε) -> Sqrt -> the division of `numerator` by it (Div, or Reciprocal then Mul). */
function dividedByRoot(index: GraphIndex, mean: Node, numerator: string): { nodes: Node[]; epsilon: number; quotient: Node } | undefined {
  const add = onlyConsumerOp(index, mean.outputs[0], 'Add');
  const epsilon = add ? scalarValue(index, otherInput(add, mean.outputs[0])) : undefined;
  const sqrt = add && onlyConsumerOp(index, add.outputs[0], 'Sqrt');
  if (!add || epsilon === undefined || !sqrt) return undefined;
  const div = onlyConsumerOp(index, sqrt.outputs[0], 'Div');
  if (div) return div.inputs[0] === numerator ? { nodes: [add, sqrt, div], epsilon, quotient: div } : undefined;
  const reciprocal = onlyConsumerOp(index, sqrt.outputs[0], 'Reciprocal');
  const mul = reciprocal && onlyConsumerOp(index, reciprocal.outputs[0], 'Mul');
  if (!reciprocal || !mul || otherInput(mul, reciprocal.outputs[0]) !== numerator) return undefined;
  return { nodes: [add, sqrt, reciprocal, mul], epsilon, quotient: mul };
}

/** A parameter whose shape is exactly the normalized (last `count`) dims of `x`, leading 1s aside. */
function coversNormalizedDims(index: GraphIndex, parameter: string | undefined, x: string, count: number): parameter is string {
  const shape = parameter ? index.shape(parameter) : undefined;
  const xShape = index.shape(x);
  if (!shape || !xShape || shape.length < count || shape.slice(0, shape.length - count).some((d) => d !== 1)) return false;
  const normalized = xShape.slice(xShape.length - count);
  return shape.slice(shape.length - count).every((d, i) => d !== undefined && d === normalized[i]);
}

/** The Mul by γ (and the Add of β when it follows) after the normalized value. */
function scaleAndShift(index: GraphIndex, normalized: Node, x: string, count: number): { nodes: Node[]; gamma: string; beta?: string; last: Node } | undefined {
  const mul = onlyConsumerOp(index, normalized.outputs[0], 'Mul');
  const gamma = mul && otherInput(mul, normalized.outputs[0]);
  if (!mul || !coversNormalizedDims(index, gamma, x, count)) return undefined;
  const add = onlyConsumerOp(index, mul.outputs[0], 'Add');
  const beta = add && otherInput(add, mul.outputs[0]);
  if (add && coversNormalizedDims(index, beta, x, count)) return { nodes: [mul, add], gamma, beta, last: add };
  return { nodes: [mul], gamma, last: mul };
}

interface Normalization {
  readonly x: string;
  readonly count: number;
  readonly epsilon: number;
  readonly gamma: string;
  readonly beta?: string;
  readonly nodes: readonly Node[];
  readonly last: Node;
}

/** From the first ReduceMean (of x) of a layer normalization. */
function matchLayerNorm(mean: Node, index: GraphIndex, opset: number): Normalization | undefined {
  if (!isOp(mean, 'ReduceMean')) return undefined;
  const x = mean.inputs[0];
  const count = trailingAxes(mean, x, index, opset);
  const sub = onlyConsumerOp(index, mean.outputs[0], 'Sub');
  if (count === undefined || !sub || sub.inputs[0] !== x || sub.inputs[1] !== mean.outputs[0]) return undefined;
  const centered = sub.outputs[0];
  const readers = index.consumers(centered);
  const square = readers.find((n) => squares(index, n, centered));
  if (readers.length !== 2 || index.hasHiddenUses(centered) || !square) return undefined;
  const variance = onlyConsumerOp(index, square.outputs[0], 'ReduceMean');
  if (!variance || trailingAxes(variance, centered, index, opset) !== count) return undefined;
  const root = dividedByRoot(index, variance, centered);
  if (!root || !readers.includes(root.quotient)) return undefined;
  const affine = scaleAndShift(index, root.quotient, x, count);
  if (!affine) return undefined;
  return { x, count, epsilon: root.epsilon, gamma: affine.gamma, beta: affine.beta, nodes: [mean, sub, square, variance, ...root.nodes, ...affine.nodes], last: affine.last };
}

/** From the squaring (Pow or Mul) of x of an RMS normalization. */
function matchRmsNorm(square: Node, index: GraphIndex, opset: number): Normalization | undefined {
  const x = square.inputs[0];
  if (!squares(index, square, x)) return undefined;
  const mean = onlyConsumerOp(index, square.outputs[0], 'ReduceMean');
  const count = mean ? trailingAxes(mean, x, index, opset) : undefined;
  const root = mean && count !== undefined ? dividedByRoot(index, mean, x) : undefined;
  if (!mean || count === undefined || !root) return undefined;
  const mul = onlyConsumerOp(index, root.quotient.outputs[0], 'Mul');
  const gamma = mul && otherInput(mul, root.quotient.outputs[0]);
  if (!mul || !coversNormalizedDims(index, gamma, x, count)) return undefined;
  return { x, count, epsilon: root.epsilon, gamma, nodes: [square, mean, ...root.nodes, mul], last: mul };
}

function normalizationFusion(
  name: string,
  match: (node: Node, index: GraphIndex, opset: number) => Normalization | undefined,
  startOps: readonly string[],
  targets: readonly string[],
) {
  return graphPass({
    name,
    level: 'extended',
    // Both normalizations average over the normalized axes.
    anchorOps: ['ReduceMean'],
    rewrite: nodeRewriter((node: Node, index: GraphIndex, rewrite: GraphRewrite, scope: GraphScope) => {
      const opset = scope.opsets.get('') ?? 1;
      const found = match(node, index, opset);
      if (!found || found.nodes.some((n) => rewrite.isRemoved(n))) return false;
      const attributes = new Map<string, Attribute>([['axis', { type: 'int', value: -found.count }], ['epsilon', { type: 'float', value: found.epsilon }]]);
      const inputs = [found.x, found.gamma, ...(found.beta ? [found.beta] : [])];
      const fused = targets
        .map((opType): Node => ({ name: found.last.name, domain: '', opType, attributes, inputs, outputs: [found.last.outputs[0]] }))
        .find((candidate) => registryRuns(candidate, index, scope));
      if (!fused) return false;
      for (const n of found.nodes) if (n !== found.last) rewrite.remove(n);
      rewrite.replace(found.last, fused);
      return true;
    }, startOps),
  });
}

export const fuseLayerNormalization = normalizationFusion('FuseLayerNormalization', matchLayerNorm, ['ReduceMean'], ['LayerNormalization']);
export const fuseRmsNormalization = normalizationFusion('FuseRmsNormalization', matchRmsNorm, ['Pow', 'Mul'], ['RMSNormalization', 'SimplifiedLayerNormalization']);
