/**
 * FusedMatMul: alpha * MatMul(op(A), op(B)). transBatchA moves A's first axis to just before
 * its last (the rows), so [d0, d1, ..., dn] multiplies as [d1, ..., d0, dn]; transA then swaps
 * the last two axes. B likewise. A 1-D operand is never transposed, as in numpy.
 */
import { DenseTensor } from '../../tensor/dense-tensor.js';
import { kernel } from '../kernel.js';
import { permute } from '../indexing/permute.js';
import { matmul } from '../linalg/matmul.js';
import { requireSameType, tensorInput } from '../support/inputs.js';
import { tensorFromCompute } from '../support/numeric.js';
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
  run(inputs, attrs) {
    const a = tensorInput(inputs, 0, 'A');
    const b = tensorInput(inputs, 1, 'B');
    requireSameType(a, b, 'A and B');
    const product = matmul(operand(widenHalf(a), attrs.transBatchA, attrs.transA), operand(widenHalf(b), attrs.transBatchB, attrs.transB));
    // The product is a fresh float32 or float64 buffer, so alpha scales it in place.
    const values = product.data as Float32Array | Float64Array;
    if (attrs.alpha !== 1) for (let i = 0; i < values.length; i++) values[i] *= attrs.alpha;
    return [tensorFromCompute(a.type, product.dims, values)];
  },
});
