/**
 * A channels-last Conv without activation or residual whose only reader is an Add of a value
 * of its output's exact shape takes that value as its residual Z: the kernel adds Z in the
 * pass that adds the bias, instead of a separate Add reading both and writing a third tensor
 * (MobileNetV2's linear bottlenecks). Without an activation, Conv + Z is exactly Conv then Add.
 */
import type { Node } from '../../ir/graph.js';
import { NHWC_DOMAIN } from '../../kernels/nhwc/nhwc-layout.js';
import type { GraphIndex } from '../graph-index.js';
import { graphPass, nodeRewriter } from '../graph-pass.js';
import type { GraphRewrite } from '../graph-rewrite.js';
import { isOp } from '../patterns.js';

function plainNhwcConv(node: Node | undefined): node is Node {
  return isOp(node, 'Conv', NHWC_DOMAIN) && node.inputs.length <= 3 && !node.attributes.has('activation');
}

function sameStaticShape(a: string, b: string, index: GraphIndex): boolean {
  const [x, y] = [index.staticShape(a), index.staticShape(b)];
  return x !== undefined && y !== undefined && x.length === y.length && x.every((d, i) => d === y[i]);
}

function fuseResidual(add: Node, index: GraphIndex, rewrite: GraphRewrite): boolean {
  if (!isOp(add, 'Add') || add.inputs.length !== 2 || add.inputs[0] === add.inputs[1]) return false;
  for (const [sum, residual] of [add.inputs, [...add.inputs].reverse()]) {
    const conv = index.producer(sum);
    if (!plainNhwcConv(conv) || rewrite.isRemoved(conv) || !index.onlyConsumerIs(sum, add) || !sameStaticShape(sum, residual, index)) continue;
    const [x, w, b = ''] = conv.inputs;
    rewrite.remove(conv);
    rewrite.replace(add, { ...conv, inputs: [x, w, b, residual], outputs: add.outputs });
    return true;
  }
  return false;
}

export const fuseNhwcResidual = graphPass({ name: 'LayoutNhwcResidual', level: 'layout', rewrite: nodeRewriter(fuseResidual) });
