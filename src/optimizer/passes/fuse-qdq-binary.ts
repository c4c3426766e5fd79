/**
 * DequantizeLinear(a) + DequantizeLinear(b) -> Add or Mul [-> Relu | Clip] -> QuantizeLinear
 * becomes com.microsoft QLinearAdd or QLinearMul, as onnxruntime's QDQ transformer does: both
 * operands and the result quantized per tensor in the same 8-bit type.
 */
import type { Node } from '../../ir/graph.js';
import type { GraphIndex } from '../graph-index.js';
import type { GraphRewrite } from '../graph-rewrite.js';
import type { GraphScope } from '../graph-pass.js';
import { graphPass, nodeRewriter } from '../graph-pass.js';
import { isOp, registryRuns } from '../patterns.js';
import { dequantized, isPerTensor, quantizedOutput } from './fuse-qdq-groups.js';

function fuseBinary(node: Node, index: GraphIndex, rewrite: GraphRewrite, scope: GraphScope): boolean {
  if (!isOp(node, 'Add') && !isOp(node, 'Mul')) return false;
  const a = dequantized(index, node.inputs[0]);
  const b = dequantized(index, node.inputs[1]);
  if (!a || !b || !isPerTensor(a) || !isPerTensor(b)) return false;
  const type = index.elementType(a.codes);
  const y = quantizedOutput(index, node.outputs[0]);
  if (!y || type !== index.elementType(b.codes) || y.type !== type || [...y.absorbed, y.node].some((n) => rewrite.isRemoved(n))) return false;
  const fused: Node = {
    ...node,
    domain: 'com.microsoft',
    opType: `QLinear${node.opType}`,
    inputs: [a.codes, a.scale, a.zeroPoint, b.codes, b.scale, b.zeroPoint, y.scale, y.zeroPoint],
    outputs: [y.node.outputs[0]],
    attributes: new Map(),
  };
  if (!registryRuns(fused, index, scope)) return false;
  rewrite.replace(node, fused);
  for (const n of [...y.absorbed, y.node]) rewrite.remove(n);
  return true;
}

export const fuseQdqBinary = graphPass({
  name: 'FuseQdqBinary',
  level: 'extended',
  addsDomain: 'com.microsoft',
  anchorOps: ['Add', 'Mul'],
  rewrite: nodeRewriter(fuseBinary, ['Add', 'Mul']),
});
