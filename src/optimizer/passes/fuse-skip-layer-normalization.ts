/**
 * A residual Add followed by LayerNormalization over the last axis becomes com.microsoft
 * SkipLayerNormalization, as onnxruntime's SkipLayerNormFusion does: Add(a, b) of two values of
 * one shape ([B, S, hidden] or [rows, hidden], B and S numbers or the same symbols, hidden a
 * number), then LayerNormalization(sum, γ, β) with γ and β constant 1-D [hidden]. When one
 * operand is itself Add(y, constant bias [hidden]) read only by the residual Add, that bias moves into the fused node's bias input. When the sum has
 * other readers (the residual stream of pre-LN transformers), the fused node exposes it as its
 * fourth output, input_skip_bias_sum, as onnxruntime does. Fires only where a registry kernel
 * takes the fused node; LayerNormalization's optional mean and inverse deviation must be unused.
 * SimplifiedLayerNormalization (RMS, no β: LLaMA's, after FuseRmsNormalization) becomes
 * SkipSimplifiedLayerNormalization the same way.
 */
import type { Attribute, Node } from '../../ir/graph.js';
import type { GraphIndex } from '../graph-index.js';
import { graphPass, nodeRewriter } from '../graph-pass.js';
import { floatAttribute, intAttribute } from '../node-values.js';
import { isOp, otherInput, registryRuns } from '../patterns.js';
import { sameShape } from './fuse-attention-heads.js';

const sameDims = (a: readonly number[] | undefined, b: readonly number[] | undefined): boolean =>
  a !== undefined && b !== undefined && a.length === b.length && a.every((d, i) => d === b[i]);

/** A constant 1-D [hidden] tensor. */
function isHiddenVector(index: GraphIndex, name: string | undefined, hidden: number): name is string {
  const t = name ? index.constant(name) : undefined;
  return t !== undefined && sameDims(t.dims, [hidden]);
}

/** Add(y, constant bias [hidden]) producing `name`, read only by `reader`. */
function biasAdd(index: GraphIndex, name: string, reader: Node, hidden: number): { node: Node; y: string; bias: string } | undefined {
  const node = index.producer(name);
  if (!isOp(node, 'Add') || !index.onlyConsumerIs(name, reader)) return undefined;
  for (const y of node.inputs) {
    const bias = otherInput(node, y);
    if (isHiddenVector(index, bias, hidden) && index.constant(y) === undefined && sameShape(index.shape(y), index.shape(name) ?? [])) return { node, y, bias };
  }
  return undefined;
}

/** Where every rewrite starts, and what a graph needs for one. */
const NORMALIZATIONS = ['LayerNormalization', 'SimplifiedLayerNormalization'];

export const fuseSkipLayerNormalization = graphPass({
  name: 'FuseSkipLayerNormalization',
  level: 'extended',
  addsDomain: 'com.microsoft',
  anchorOps: NORMALIZATIONS,
  rewrite: nodeRewriter((norm, index, rewrite, scope) => {
    if (!isOp(norm, 'LayerNormalization') && !isOp(norm, 'SimplifiedLayerNormalization')) return false;
    const simplified = norm.opType === 'SimplifiedLayerNormalization';
    if (norm.inputs.length < 2) return false;
    if (norm.outputs.slice(1).some((o) => o && index.isUsed(o))) return false;
    const sum = norm.inputs[0];
    const shape = index.shape(sum);
    // Every dim known (a number or a name), so the operands' shapes can be compared with it.
    if (!shape || (shape.length !== 2 && shape.length !== 3) || !sameShape(shape, shape)) return false;
    const axis = intAttribute(norm, 'axis', -1);
    if ((axis < 0 ? axis + shape.length : axis) !== shape.length - 1) return false;
    const hidden = shape[shape.length - 1];
    if (typeof hidden !== 'number') return false;
    const [gamma, beta] = [norm.inputs[1], simplified ? undefined : norm.inputs[2] || undefined];
    if (!isHiddenVector(index, gamma, hidden) || (beta !== undefined && !isHiddenVector(index, beta, hidden))) return false;
    const add = index.producer(sum);
    if (!isOp(add, 'Add') || rewrite.isRemoved(add) || add.inputs.length !== 2) return false;
    let [a, b] = add.inputs;
    if (a === b || !sameShape(index.shape(a), shape) || !sameShape(index.shape(b), shape)) return false;
    // A bias Add before the residual Add folds in too.
    let bias: string | undefined;
    const removed: Node[] = [add];
    const biased = biasAdd(index, a, add, hidden) ?? biasAdd(index, b, add, hidden);
    if (biased && !rewrite.isRemoved(biased.node)) {
      bias = biased.bias;
      removed.push(biased.node);
      if (biased.node.outputs[0] === a) a = biased.y;
      else [a, b] = [biased.y, a];
    }
    const exposeSum = !index.onlyConsumerIs(sum, norm);
    const attributes = new Map<string, Attribute>([['epsilon', { type: 'float', value: floatAttribute(norm, 'epsilon', 1e-5) }]]);
    const inputs = [a, b, gamma, ...(simplified ? [] : [beta ?? '']), ...(bias ? [bias] : [])];
    while (inputs[inputs.length - 1] === '') inputs.pop();
    const outputs = [norm.outputs[0], ...(exposeSum ? ['', '', sum] : [])];
    const fused: Node = { name: norm.name, domain: 'com.microsoft', opType: simplified ? 'SkipSimplifiedLayerNormalization' : 'SkipLayerNormalization', attributes, inputs, outputs };
    if (!registryRuns(fused, index, scope)) return false;
    for (const n of removed) rewrite.remove(n);
    rewrite.replace(norm, fused);
    return true;
  }, NORMALIZATIONS),
});
