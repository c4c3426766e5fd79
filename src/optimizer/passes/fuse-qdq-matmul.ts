/**
 * DequantizeLinear(a), DequantizeLinear(b) -> MatMul [-> Relu | Clip] -> QuantizeLinear becomes
 * one QLinearMatMul over the 8-bit codes. a is quantized per tensor; b per tensor or, when it
 * is a matrix, per column (axis 1), which QLinearMatMul and onnxruntime's kernel both accept.
 */
import { graphPass, nodeRewriter } from '../graph-pass.js';
import { isOp, registryRuns } from '../patterns.js';
import { dequantized, isPerTensor, onnxruntimeTakesPair, quantizedOutput, type Dequantized } from './fuse-qdq-groups.js';

function rightOperandFits(b: Dequantized, shape: readonly number[] | undefined): boolean {
  return isPerTensor(b) || (shape?.length === 2 && b.axis === 1 && b.scales.length === shape[1]);
}

/** Where every rewrite starts, and what a graph needs for one. */
const MATMULS = ['MatMul'];

export const fuseQdqMatMul = graphPass({
  name: 'FuseQdqMatMul',
  level: 'extended',
  anchorOps: MATMULS,
  rewrite: nodeRewriter((matmul, index, rewrite, scope) => {
    if (!isOp(matmul, 'MatMul')) return false;
    const a = dequantized(index, matmul.inputs[0]);
    const b = dequantized(index, matmul.inputs[1]);
    if (!a || !b || !isPerTensor(a) || !rightOperandFits(b, index.staticShape(b.codes))) return false;
    if (!onnxruntimeTakesPair(index, a, b)) return false;
    const y = quantizedOutput(index, matmul.outputs[0]);
    if (!y || [...y.absorbed, y.node].some((n) => rewrite.isRemoved(n))) return false;
    const fused = {
      ...matmul,
      opType: 'QLinearMatMul',
      inputs: [a.codes, a.scale, a.zeroPoint, b.codes, b.scale, b.zeroPoint, y.scale, y.zeroPoint],
      outputs: [y.node.outputs[0]],
    };
    if (!registryRuns(fused, index, scope)) return false;
    rewrite.replace(matmul, fused);
    for (const n of [...y.absorbed, y.node]) rewrite.remove(n);
    return true;
  }, MATMULS),
});
