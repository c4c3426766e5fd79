/**
 * MatMul of two 2-D operands followed by Add of a constant becomes Gemm (A x B + C), which
 * runs the bias inside the product. Only when the Add is the MatMul output's only reader and
 * the constant broadcasts to the product's [M, N] without growing it.
 */
import type { Dim } from '../../ir/value-type.js';
import { FLOAT_TYPES } from '../../tensor/element-type.js';
import { graphPass, nodeRewriter } from '../graph-pass.js';
import { isOp, otherInput, registryRuns } from '../patterns.js';

/** C fits Gemm's unidirectional broadcast to [m, n]: each of its trailing dims is 1 or the matching one. */
function broadcastsTo(dims: readonly number[], m: Dim, n: Dim): boolean {
  if (dims.length > 2) return false;
  const target = [m, n].slice(2 - dims.length);
  return dims.every((d, i) => d === 1 || d === target[i]);
}

/** Where every rewrite starts, and what a graph needs for one. */
const ADDS = ['Add'];

export const fuseMatMulAdd = graphPass({
  name: 'FuseMatMulAdd',
  level: 'extended',
  anchorOps: ADDS,
  rewrite: nodeRewriter((add, index, rewrite, scope) => {
    if (!isOp(add, 'Add')) return false;
    const matmul = add.inputs.map((name) => index.producer(name)).find((p) => isOp(p, 'MatMul'));
    if (!matmul || rewrite.isRemoved(matmul) || !index.onlyConsumerIs(matmul.outputs[0], add)) return false;
    const biasName = otherInput(add, matmul.outputs[0]);
    const bias = biasName ? index.constant(biasName) : undefined;
    const [a, b] = matmul.inputs.map((name) => index.shape(name));
    const type = index.elementType(matmul.inputs[0]);
    if (!bias || a?.length !== 2 || b?.length !== 2 || !type || !FLOAT_TYPES.includes(type) || bias.type !== type) return false;
    // Before opset 7 Gemm broadcasts C only when told to; those models are left alone.
    const opset = scope.opsets.get('') ?? 1;
    if (opset < 7 || !broadcastsTo(bias.dims, a[0], b[1])) return false;
    const gemm = { ...matmul, opType: 'Gemm', inputs: [...matmul.inputs, biasName as string], outputs: add.outputs, attributes: new Map() };
    if (!registryRuns(gemm, index, scope)) return false;
    rewrite.remove(matmul);
    rewrite.replace(add, gemm);
    return true;
  }, ADDS),
});
