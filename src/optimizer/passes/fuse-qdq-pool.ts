/**
 * DequantizeLinear -> MaxPool -> QuantizeLinear at the same scale and zero point is MaxPool on
 * the 8-bit codes: quantization is monotonic, so the largest code is the code of the largest
 * value, and requantizing at the same parameters gives that code back. onnxruntime drops such
 * pairs too; MaxPool takes int8 and uint8 from opset 12.
 */
import { graphPass, nodeRewriter } from '../graph-pass.js';
import { isOp, registryRuns } from '../patterns.js';
import { dequantized, isPerTensor, quantizedOutput } from './fuse-qdq-groups.js';

/** Where every rewrite starts, and what a graph needs for one. */
const MAX_POOLS = ['MaxPool'];

export const fuseQdqMaxPool = graphPass({
  name: 'FuseQdqMaxPool',
  level: 'extended',
  anchorOps: MAX_POOLS,
  rewrite: nodeRewriter((pool, index, rewrite, scope) => {
    if (!isOp(pool, 'MaxPool') || pool.outputs.length !== 1) return false;
    const x = dequantized(index, pool.inputs[0]);
    const y = quantizedOutput(index, pool.outputs[0]);
    if (!x || !y || !isPerTensor(x) || y.absorbed.length > 0 || rewrite.isRemoved(y.node)) return false;
    if (y.type !== index.elementType(x.codes) || y.scaleValue !== x.scales[0] || y.zeroPointValue !== x.zeroPoints[0]) return false;
    const fused = { ...pool, inputs: [x.codes], outputs: [y.node.outputs[0]] };
    if (!registryRuns(fused, index, scope)) return false;
    rewrite.replace(pool, fused);
    rewrite.remove(y.node);
    return true;
  }, MAX_POOLS),
});
