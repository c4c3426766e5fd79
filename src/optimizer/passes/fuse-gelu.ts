/**
 * GELU written out as elementwise ops becomes one node. The exact (erf) form
 * 0.5·x·(1 + erf(x/√2)) becomes com.microsoft Gelu; the tanh approximation
 * 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))) becomes com.microsoft FastGelu. Where no
 * kernel takes those, ai.onnx Gelu (opset 20+, approximate 'none' or 'tanh') is used
 * instead, if one takes that. Every intermediate value must have no reader outside the pattern.
 */
import type { Attribute, Node } from '../../ir/graph.js';
import type { GraphIndex } from '../graph-index.js';
import { graphPass, nodeRewriter, type GraphScope } from '../graph-pass.js';
import type { GraphRewrite } from '../graph-rewrite.js';
import { stringAttributeOf } from '../node-values.js';
import { isOp, isScalarNear, onlyConsumerOp, otherInput, registryRuns } from '../patterns.js';

interface Match {
  readonly x: string;
  readonly nodes: readonly Node[];
  /** The pattern's last node, whose output the fused node takes over. */
  readonly last: Node;
}

/** `node` multiplies `x` by a constant 0.5. */
function isHalf(index: GraphIndex, node: Node | undefined, x: string): boolean {
  return isOp(node, 'Mul') && isScalarNear(index, otherInput(node, x), 0.5);
}

/**
 * The tail 0.5 · x · onePlus, in the orders exporters write it: (x·onePlus)·0.5,
 * x·(onePlus·0.5), or (0.5·x)·onePlus.
 */
function halfXTimes(index: GraphIndex, onePlus: string, x: string): { nodes: Node[]; last: Node } | undefined {
  const first = onlyConsumerOp(index, onePlus, 'Mul');
  if (!first) return undefined;
  const other = otherInput(first, onePlus);
  if (!other) return undefined;
  const second = onlyConsumerOp(index, first.outputs[0], 'Mul');
  if (other === x && second && isHalf(index, second, first.outputs[0])) return { nodes: [first, second], last: second };
  if (isScalarNear(index, other, 0.5) && second && otherInput(second, first.outputs[0]) === x) return { nodes: [first, second], last: second };
  const half = index.producer(other);
  if (half && isHalf(index, half, x) && index.onlyConsumerIs(other, first)) return { nodes: [half, first], last: first };
  return undefined;
}

/** erf(x/√2) or erf(x·(1/√2)), then + 1, then the tail. */
function matchErfGelu(erf: Node, index: GraphIndex): Match | undefined {
  if (!isOp(erf, 'Erf')) return undefined;
  const scaled = index.producer(erf.inputs[0]);
  if (!scaled || !index.onlyConsumerIs(erf.inputs[0], erf)) return undefined;
  let x: string | undefined;
  if (isOp(scaled, 'Div') && isScalarNear(index, scaled.inputs[1], Math.SQRT2)) x = scaled.inputs[0];
  else if (isOp(scaled, 'Mul')) x = scaled.inputs.find((name) => isScalarNear(index, otherInput(scaled, name), Math.SQRT1_2));
  if (!x) return undefined;
  const onePlus = onlyConsumerOp(index, erf.outputs[0], 'Add');
  if (!onePlus || !isScalarNear(index, otherInput(onePlus, erf.outputs[0]), 1)) return undefined;
  const tail = halfXTimes(index, onePlus.outputs[0], x);
  return tail && { x, nodes: [scaled, erf, onePlus, ...tail.nodes], last: tail.last };
}

/** x³ as Pow(x, 3), x·(x·x) or (x·x)·x. */
function cubeOf(index: GraphIndex, name: string): { x: string; nodes: Node[] } | undefined {
  const node = index.producer(name);
  if (isOp(node, 'Pow') && isScalarNear(index, node.inputs[1], 3)) return { x: node.inputs[0], nodes: [node] };
  if (!isOp(node, 'Mul')) return undefined;
  for (const square of node.inputs) {
    const sq = index.producer(square);
    const x = sq && isOp(sq, 'Mul') && sq.inputs[0] === sq.inputs[1] ? sq.inputs[0] : undefined;
    if (x && otherInput(node, square) === x && index.onlyConsumerIs(square, node)) return { x, nodes: [sq as Node, node] };
  }
  return undefined;
}

/** tanh(√(2/π)·(x + 0.044715·x³)), then + 1, then the tail. */
function matchTanhGelu(tanh: Node, index: GraphIndex): Match | undefined {
  if (!isOp(tanh, 'Tanh')) return undefined;
  const scaled = index.producer(tanh.inputs[0]);
  if (!isOp(scaled, 'Mul') || !index.onlyConsumerIs(tanh.inputs[0], tanh)) return undefined;
  const inner = scaled.inputs.find((name) => isScalarNear(index, otherInput(scaled, name), Math.sqrt(2 / Math.PI)));
  const sum = inner ? index.producer(inner) : undefined;
  if (!inner || !isOp(sum, 'Add') || !index.onlyConsumerIs(inner, scaled)) return undefined;
  for (const term of sum.inputs) {
    const product = index.producer(term);
    if (!isOp(product, 'Mul') || !index.onlyConsumerIs(term, sum)) continue;
    const cubeName = product.inputs.find((name) => isScalarNear(index, otherInput(product, name), 0.044715));
    const cube = cubeName ? cubeOf(index, cubeName) : undefined;
    if (!cube || !index.onlyConsumerIs(cubeName as string, product) || otherInput(sum, term) !== cube.x) continue;
    const onePlus = onlyConsumerOp(index, tanh.outputs[0], 'Add');
    if (!onePlus || !isScalarNear(index, otherInput(onePlus, tanh.outputs[0]), 1)) return undefined;
    const tail = halfXTimes(index, onePlus.outputs[0], cube.x);
    return tail && { x: cube.x, nodes: [...cube.nodes, product, sum, scaled, tanh, onePlus, ...tail.nodes], last: tail.last };
  }
  return undefined;
}

/** The node that computes the pattern: com.microsoft's op where a kernel takes it (float32, as onnxruntime's), else ai.onnx Gelu. */
function fusedNode(found: Match, contribOp: string, approximate: string, index: GraphIndex, scope: GraphScope): Node | undefined {
  const base = { name: found.last.name, inputs: [found.x], outputs: [found.last.outputs[0]] };
  const contrib: Node = { ...base, domain: 'com.microsoft', opType: contribOp, attributes: new Map() };
  if (index.elementType(found.x) === 'float32' && registryRuns(contrib, index, scope)) return contrib;
  const standard: Node = { ...base, domain: '', opType: 'Gelu', attributes: new Map<string, Attribute>([['approximate', stringAttributeOf(approximate)]]) };
  return registryRuns(standard, index, scope) ? standard : undefined;
}

function geluFusion(name: string, anchor: string, match: (node: Node, index: GraphIndex) => Match | undefined, contribOp: string, approximate: string) {
  return graphPass({
    name,
    level: 'extended',
    addsDomain: 'com.microsoft',
    anchorOps: [anchor],
    rewrite: nodeRewriter((node: Node, index: GraphIndex, rewrite: GraphRewrite, scope: GraphScope) => {
      const found = match(node, index);
      if (!found || found.nodes.some((n) => rewrite.isRemoved(n))) return false;
      const fused = fusedNode(found, contribOp, approximate, index, scope);
      if (!fused) return false;
      for (const n of found.nodes) if (n !== found.last) rewrite.remove(n);
      rewrite.replace(found.last, fused);
      return true;
    }, [anchor]),
  });
}

export const fuseGelu = geluFusion('FuseGelu', 'Erf', matchErfGelu, 'Gelu', 'none');
export const fuseFastGelu = geluFusion('FuseFastGelu', 'Tanh', matchTanhGelu, 'FastGelu', 'tanh');
