/**
 * Scalar multiplications around a MatMul (an operand times c, the product times or divided
 * by c, as attention's 1/√d scaling is written) fold into com.microsoft FusedMatMul's alpha.
 * float32 only, as onnxruntime's kernel; fires only where a registry kernel takes the
 * FusedMatMul and each folded value has no other reader.
 */
import type { Attribute, Node } from '../../ir/graph.js';
import type { GraphIndex } from '../graph-index.js';
import { graphPass, nodeRewriter } from '../graph-pass.js';
import { floatAttribute } from '../node-values.js';
import { isOp, otherInput, registryRuns, scalarValue } from '../patterns.js';

/** The factor a Mul by a scalar, or a Div of the product by one, applies to `product`. */
function outputScale(reader: Node, product: string, index: GraphIndex): number | undefined {
  const c = scalarValue(index, otherInput(reader, product));
  if (c === undefined || reader.domain !== '') return undefined;
  if (reader.opType === 'Mul') return c;
  return reader.opType === 'Div' && reader.inputs[0] === product && c !== 0 ? 1 / c : undefined;
}

/** Where every rewrite starts, and what a graph needs for one. */
const MATMULS = ['MatMul', 'FusedMatMul'];

export const fuseMatMulScale = graphPass({
  name: 'FuseMatMulScale',
  level: 'extended',
  addsDomain: 'com.microsoft',
  anchorOps: MATMULS,
  rewrite: nodeRewriter((matmul, index, rewrite, scope) => {
    const fused = isOp(matmul, 'FusedMatMul', 'com.microsoft');
    if (!isOp(matmul, 'MatMul') && !fused) return false;
    if (index.elementType(matmul.inputs[0]) !== 'float32') return false;
    let alpha = fused ? floatAttribute(matmul, 'alpha', 1) : 1;
    const folded: Node[] = [];
    const inputs = matmul.inputs.map((name) => {
      const scale = index.producer(name);
      if (!isOp(scale, 'Mul') || rewrite.isRemoved(scale) || !index.onlyConsumerIs(name, matmul)) return name;
      const operand = scale.inputs.find((n) => scalarValue(index, otherInput(scale, n)) !== undefined && index.constant(n) === undefined);
      if (operand === undefined) return name;
      alpha *= scalarValue(index, otherInput(scale, operand)) as number;
      folded.push(scale);
      return operand;
    });
    let last = matmul;
    const reader = index.onlyConsumer(matmul.outputs[0]);
    const scale = reader && !rewrite.isRemoved(reader) ? outputScale(reader, matmul.outputs[0], index) : undefined;
    if (reader && scale !== undefined) {
      alpha *= scale;
      last = reader;
    }
    if (folded.length === 0 && last === matmul) return false;
    const attributes = new Map<string, Attribute>(fused ? matmul.attributes : []).set('alpha', { type: 'float', value: alpha });
    const node: Node = { ...matmul, domain: 'com.microsoft', opType: 'FusedMatMul', inputs, outputs: [last.outputs[0]], attributes };
    if (!registryRuns(node, index, scope)) return false;
    for (const n of [...folded, matmul]) if (n !== last) rewrite.remove(n);
    rewrite.replace(last, node);
    return true;
  }, MATMULS),
});
