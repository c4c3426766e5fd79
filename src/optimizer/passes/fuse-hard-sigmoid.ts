/**
 * HardSigmoid written out as primitives, Clip(x + 3, 0, 6) / 6 (or · 1/6), becomes
 * HardSigmoid(x, alpha 1/6, beta 1/2), as exporters write hard-swish activations (PaddlePaddle,
 * MobileNetV3). The product x · Clip(x + 3, 0, 6) / 6, in any order of its factors, becomes
 * x · HardSigmoid(x), which FuseHardSwish then turns into HardSwish where the opset has it;
 * below opset 14 it stays two nodes instead of four. Every intermediate value must have no
 * reader outside the pattern, and the scalar constants must not broadcast x to a larger rank.
 */
import type { Node } from '../../ir/graph.js';
import { FLOAT_TYPES } from '../../tensor/element-type.js';
import type { GraphIndex } from '../graph-index.js';
import { graphPass, nodeRewriter, type GraphScope } from '../graph-pass.js';
import type { GraphRewrite } from '../graph-rewrite.js';
import { floatAttribute } from '../node-values.js';
import { isOp, isScalarNear, otherInput, registryRuns } from '../patterns.js';

/** `name` is a one-element constant near `target` whose rank does not exceed `x`'s (so x keeps its shape). */
function isScalarFor(index: GraphIndex, name: string | undefined, target: number, x: string): boolean {
  const rank = name ? index.constant(name)?.rank : undefined;
  const xRank = index.rank(x);
  return rank !== undefined && (rank === 0 || (xRank !== undefined && rank <= xRank)) && isScalarNear(index, name, target);
}

/** The Clip bounds 0 and 6: attributes before opset 11, constant inputs from it on. */
function clipsToSix(clip: Node, index: GraphIndex, opset: number): boolean {
  if (opset < 11) return Math.abs(floatAttribute(clip, 'min', -Infinity)) <= 1e-6 && Math.abs(floatAttribute(clip, 'max', Infinity) - 6) <= 1e-5;
  return clip.inputs.length === 3 && isScalarNear(index, clip.inputs[1], 0) && isScalarNear(index, clip.inputs[2], 6);
}

/** Clip(x + 3, 0, 6) producing `gate`, read only inside the pattern: x and the two nodes. */
function relu6OfXPlus3(gate: string, index: GraphIndex, rewrite: GraphRewrite, opset: number): { x: string; nodes: Node[] } | undefined {
  const clip = index.producer(gate);
  if (!isOp(clip, 'Clip') || rewrite.isRemoved(clip) || !clipsToSix(clip, index, opset)) return undefined;
  const add = index.producer(clip.inputs[0]);
  if (!isOp(add, 'Add') || rewrite.isRemoved(add) || !index.onlyConsumerIs(add.outputs[0], clip)) return undefined;
  const x = add.inputs.find((name) => isScalarFor(index, otherInput(add, name), 3, name));
  return x === undefined ? undefined : { x, nodes: [add, clip] };
}

/** The ops sixthOf takes, and so the nodes every rewrite starts from. */
const SIXTH_OPS = ['Div', 'Mul'];

/** `node` divides `value` by 6 or multiplies it by 1/6 (the constant on either side of a Mul). */
function sixthOf(node: Node, index: GraphIndex): string | undefined {
  if (node.domain !== '') return undefined;
  if (node.opType === 'Div') return isScalarFor(index, node.inputs[1], 6, node.inputs[0]) ? node.inputs[0] : undefined;
  if (node.opType !== 'Mul') return undefined;
  return node.inputs.find((name) => isScalarFor(index, otherInput(node, name), 1 / 6, name));
}

function hardSigmoidNode(like: Node, x: string, output: string): Node {
  return {
    ...like, opType: 'HardSigmoid', domain: '', inputs: [x], outputs: [output],
    attributes: new Map([['alpha', { type: 'float', value: 1 / 6 }], ['beta', { type: 'float', value: 0.5 }]]),
  };
}

export const fuseHardSigmoid = graphPass({
  name: 'FuseHardSigmoid',
  level: 'extended',
  anchorOps: ['Clip'],
  rewrite: nodeRewriter((node, index, rewrite, scope: GraphScope) => {
    const divided = sixthOf(node, index);
    if (divided === undefined || !index.onlyConsumerIs(divided, node)) return false;
    const isFloat = (name: string): boolean => FLOAT_TYPES.includes(index.elementType(name) ?? 'string');
    const opset = scope.opsets.get('') ?? 1;
    const gate = relu6OfXPlus3(divided, index, rewrite, opset);
    if (gate && isFloat(gate.x)) {
      const fused = hardSigmoidNode(node, gate.x, node.outputs[0]);
      if (!registryRuns(fused, index, scope)) return false;
      for (const n of gate.nodes) rewrite.remove(n);
      rewrite.replace(node, fused);
      return true;
    }
    // The product: (x · Clip(x + 3, 0, 6)) / 6.
    const product = index.producer(divided);
    if (!isOp(product, 'Mul') || rewrite.isRemoved(product)) return false;
    for (const clipped of product.inputs) {
      const factor = otherInput(product, clipped);
      const inner = factor !== undefined && index.onlyConsumerIs(clipped, product) ? relu6OfXPlus3(clipped, index, rewrite, opset) : undefined;
      if (!inner || inner.x !== factor || !isFloat(factor)) continue;
      const gateName = rewrite.freshName(`${node.outputs[0]}_hard_sigmoid`);
      const hardSigmoid = hardSigmoidNode({ ...node, name: `${node.name}_hard_sigmoid` }, factor, gateName);
      if (!registryRuns(hardSigmoid, index, scope)) return false;
      for (const n of [...inner.nodes, product]) rewrite.remove(n);
      rewrite.replace(node, hardSigmoid, { ...node, opType: 'Mul', domain: '', inputs: [factor, gateName], attributes: new Map() });
      return true;
    }
    return false;
  }, SIXTH_OPS),
});
