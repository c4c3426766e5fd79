/**
 * MatMul(A, Transpose(W)) where W is a constant and the Transpose swaps only its last two axes
 * (a tied embedding read as an output projection, a Linear layer's weight stored [out, in])
 * reads W transposed in place: Gemm(A, W, transB=1) when both are 2-D, com.microsoft
 * FusedMatMul(A, W, transB=1) otherwise (a 2-D product feeding an Add is left to FoldConstants
 * and FuseMatMulAdd, which make it one Gemm with the bias). Runs before FoldConstants, which would otherwise
 * materialize a transposed copy of W (154 MB for GPT-2's embedding) only for the GEMM to pack
 * it again. Fires only when every reader of the Transpose is a MatMul taking it as B, so the
 * Transpose goes away, and only for a constant W: a computed one (attention's keys) is left to
 * the attention fusions, which match the plain MatMul. float32 only, as onnxruntime's
 * FusedMatMul, so a saved model still loads there.
 */
import type { Attribute, Node } from '../../ir/graph.js';
import type { GraphIndex } from '../graph-index.js';
import { graphPass, nodeRewriter, type GraphScope } from '../graph-pass.js';
import { intsAttribute } from '../node-values.js';
import { isOp, registryRuns } from '../patterns.js';

/** Gemm's C is optional from opset 11. */
const GEMM_WITHOUT_C_SINCE = 11;

/** `perm` (absent: reverse every axis) keeps every axis but the last two, which it swaps. */
function swapsLastTwoAxes(perm: readonly number[] | undefined, rank: number): boolean {
  if (rank < 2) return false;
  if (!perm) return rank === 2;
  if (perm.length !== rank) return false;
  return perm.every((p, i) => (i < rank - 2 ? p === i : p === (i === rank - 2 ? rank - 1 : rank - 2)));
}

const TRANS_B: ReadonlyMap<string, Attribute> = new Map([['transB', { type: 'int', value: 1 }]]);

/**
 * The node that multiplies `matmul`'s A by `weight` transposed; undefined for a 2-D product
 * followed by an Add, which FuseMatMulAdd makes one Gemm with its bias only from a MatMul.
 */
function transposingProduct(matmul: Node, weight: string, index: GraphIndex, scope: GraphScope): Node | undefined {
  const a = matmul.inputs[0];
  const inputs = [a, weight];
  if (index.rank(a) !== 2 || index.rank(weight) !== 2) return { ...matmul, domain: 'com.microsoft', opType: 'FusedMatMul', inputs, attributes: TRANS_B };
  if (isOp(index.onlyConsumer(matmul.outputs[0]), 'Add') || (scope.opsets.get('') ?? 1) < GEMM_WITHOUT_C_SINCE) return undefined;
  return { ...matmul, opType: 'Gemm', inputs, attributes: TRANS_B };
}

export const fuseMatMulTranspose = graphPass({
  name: 'FuseMatMulTranspose',
  level: 'basic',
  addsDomain: 'com.microsoft',
  anchorOps: ['Transpose'],
  rewrite: nodeRewriter((transpose, index, rewrite, scope) => {
    if (!isOp(transpose, 'Transpose')) return false;
    const [weight] = transpose.inputs;
    const transposed = transpose.outputs[0];
    const constant = weight ? index.constant(weight) : undefined;
    if (!constant || constant.type !== 'float32' || !swapsLastTwoAxes(intsAttribute(transpose, 'perm'), constant.rank)) return false;
    if (index.hasHiddenUses(transposed)) return false;
    const readers = index.consumers(transposed);
    const readsAsB = (n: Node) => isOp(n, 'MatMul') && !rewrite.isRemoved(n) && n.inputs[1] === transposed && n.inputs[0] !== transposed;
    if (readers.length === 0 || !readers.every(readsAsB)) return false;
    const products = readers.map((matmul) => [matmul, transposingProduct(matmul, weight, index, scope)] as const);
    if (!products.every((pair): pair is readonly [Node, Node] => pair[1] !== undefined && registryRuns(pair[1], index, scope))) return false;
    for (const [matmul, product] of products) rewrite.replace(matmul, product);
    rewrite.remove(transpose);
    return true;
  }),
});
