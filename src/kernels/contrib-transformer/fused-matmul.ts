/**
 * FusedMatMul: alpha * MatMul(op(A), op(B)). transBatchA moves A's first axis to just before
 * its last (the rows), so [d0, d1, ..., dn] multiplies as [d1, ..., d0, dn]; transA then swaps
 * the last two axes. B likewise. A 1-D operand is never transposed, as in numpy.
 */
import { DenseTensor } from '../../tensor/dense-tensor.js';
import { allocateOutput, kernel, type KernelContext } from '../kernel.js';
import { permute } from '../indexing/permute.js';
import { matmul } from '../linalg/matmul.js';
import { gemm, type FloatArray } from '../linalg/gemm-core.js';
import { matmulShape } from '../linalg/matmul-shape.js';
import { sizeOf } from '../../tensor/shape.js';
import { requireSameType, tensorInput } from '../support/inputs.js';
import { computeBuffer, computeValues, tensorFromCompute } from '../support/numeric.js';
import { HALF_SINGLE_DOUBLE, MS_DOMAIN, widenHalf } from './element-types.js';

interface FusedMatMulAttributes {
  readonly alpha: number;
  readonly transA: boolean;
  readonly transB: boolean;
  readonly transBatchA: boolean;
  readonly transBatchB: boolean;
}

function operand(t: DenseTensor, transBatch: boolean, trans: boolean): DenseTensor {
  const rank = t.rank;
  if (rank < 2) return t;
  const perm = Array.from({ length: rank }, (_, i) => i);
  if (transBatch && rank > 2) perm.splice(rank - 2, 0, ...perm.splice(0, 1));
  if (trans) [perm[rank - 2], perm[rank - 1]] = [perm[rank - 1], perm[rank - 2]];
  if (perm.every((p, i) => p === i)) return t;
  const { dims, data } = permute(t.type, t.data, t.dims, perm);
  return new DenseTensor(t.type, dims, data);
}

/** The logical dims of op(t) for transA/transB alone: the last two axes swapped. */
function transposedDims(dims: readonly number[], trans: boolean): readonly number[] {
  if (!trans || dims.length < 2) return dims;
  const r = dims.length;
  return [...dims.slice(0, -2), dims[r - 1], dims[r - 2]];
}

/**
 * alpha * op(A) op(B) for float32 or float64 operands transposed within their last two axes
 * only: the GEMM reads each transposed matrix in place and applies alpha, so nothing is permuted.
 * As MatMul, float32 and float64 results go to context.allocate's storage, and a constant B
 * (a transposed weight) is marked so the GEMM packs it once per session, not per run.
 */
function transposingProduct(a: DenseTensor, b: DenseTensor, attrs: FusedMatMulAttributes, context: KernelContext): DenseTensor {
  const transA = attrs.transA && a.rank >= 2;
  const transB = attrs.transB && b.rank >= 2;
  const shape = matmulShape(transposedDims(a.dims, transA), transposedDims(b.dims, transB));
  const { m, k, n } = shape;
  const av = computeValues(a) as FloatArray;
  const bv = computeValues(b) as FloatArray;
  const direct = a.type === 'float32' || a.type === 'float64' ? allocateOutput(context, a.type, shape.outDims) : undefined;
  const out = (direct ? direct.data : computeBuffer(a.type, sizeOf(shape.outDims))) as FloatArray;
  const constantB = context.isConstant?.(b) ? b : undefined;
  const product = (rows: number, aOffset: number, bOffset: number, cOffset: number) => gemm({
    m: rows, n, k, a: av, aOffset, lda: transA ? m : k, transA, b: bv, bOffset, ldb: transB ? k : n, transB,
    c: out, cOffset, ldc: n, alpha: attrs.alpha, beta: 0, constantB,
  });
  if (shape.stackable && !transA) product(shape.batches * m, 0, 0, 0);
  else for (let i = 0; i < shape.batches; i++) product(m, shape.aMatrix(i) * m * k, shape.bMatrix(i) * k * n, i * m * n);
  return direct ?? tensorFromCompute(a.type, shape.outDims, out);
}

export const fusedMatMulKernel = kernel<FusedMatMulAttributes>({
  domain: MS_DOMAIN,
  opType: 'FusedMatMul',
  sinceVersion: 1,
  typeConstraints: [0, 1].map((input) => ({ input, types: HALF_SINGLE_DOUBLE })),
  parseAttributes: (attrs) => ({
    alpha: attrs.float('alpha', 1),
    transA: attrs.int('transA', 0) !== 0,
    transB: attrs.int('transB', 0) !== 0,
    transBatchA: attrs.int('transBatchA', 0) !== 0,
    transBatchB: attrs.int('transBatchB', 0) !== 0,
  }),
  run(inputs, attrs, context) {
    const a = tensorInput(inputs, 0, 'A');
    const b = tensorInput(inputs, 1, 'B');
    requireSameType(a, b, 'A and B');
    if (!attrs.transBatchA && !attrs.transBatchB) return [transposingProduct(a, b, attrs, context)];
    const product = matmul(operand(widenHalf(a), attrs.transBatchA, attrs.transA), operand(widenHalf(b), attrs.transBatchB, attrs.transB));
    // The product is a fresh float32 or float64 buffer, so alpha scales it in place.
    const values = product.data as Float32Array | Float64Array;
    if (attrs.alpha !== 1) for (let i = 0; i < values.length; i++) values[i] *= attrs.alpha;
    return [tensorFromCompute(a.type, product.dims, values)];
  },
});
