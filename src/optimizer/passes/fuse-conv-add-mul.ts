/**
 * A Conv (or ConvTranspose) followed by an Add or Mul with a per-channel constant becomes one
 * node: Add moves into the bias, Mul scales weight and bias. Only when that Add/Mul is the
 * convolution output's only reader and the constant varies along the channel axis alone.
 */
import type { Node } from '../../ir/graph.js';
import type { GraphIndex } from '../graph-index.js';
import { graphPass, nodeRewriter } from '../graph-pass.js';
import type { GraphRewrite } from '../graph-rewrite.js';
import { isOp, otherInput } from '../patterns.js';
import { convParameters, isConvLike, perChannel, rewiredConv, scaledWeight } from './conv-parameters.js';

function fuseIntoConv(opType: 'Add' | 'Mul') {
  return (node: Node, index: GraphIndex, rewrite: GraphRewrite): boolean => {
    if (!isOp(node, opType)) return false;
    const conv = node.inputs.map((name) => index.producer(name)).find(isConvLike);
    if (!conv || rewrite.isRemoved(conv) || !index.onlyConsumerIs(conv.outputs[0], node)) return false;
    const constant = index.constant(otherInput(node, conv.outputs[0]) ?? '');
    const params = convParameters(conv, index);
    if (!constant || !params) return false;
    const values = perChannel(constant, params.weight.type, params.channels, params.weight.rank);
    if (!values) return false;
    const output = node.outputs[0];
    const type = params.weight.type;
    const fused = opType === 'Add'
      ? rewiredConv(conv, rewrite, { bias: params.bias.map((b, c) => b + values[c]), type, output })
      : rewiredConv(conv, rewrite, { weight: scaledWeight(params, values), bias: params.bias.map((b, c) => b * values[c]), type, output });
    rewrite.remove(conv);
    rewrite.replace(node, fused);
    return true;
  };
}

/** Every fusion needs a Conv or ConvTranspose, which most graphs holding an Add or Mul lack. */
const CONVS = ['Conv', 'ConvTranspose'];

export const fuseConvAdd = graphPass({ name: 'FuseConvAdd', level: 'extended', anchorOps: CONVS, rewrite: nodeRewriter(fuseIntoConv('Add'), ['Add']) });
export const fuseConvMul = graphPass({ name: 'FuseConvMul', level: 'extended', anchorOps: CONVS, rewrite: nodeRewriter(fuseIntoConv('Mul'), ['Mul']) });
