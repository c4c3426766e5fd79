/**
 * Contracting two operands as a batched matrix product: labels in both that are still needed
 * are batch dimensions, labels in both that are not are summed (the K of the product), and the
 * rest are the M and N sides. An operand already laid out as [batch, M, K] or [batch, K, M] is
 * used in place through the GEMM's transpose flags, as attention's einsums usually are.
 */
import type { DataType } from '../../../tensor/element-type.js';
import { sizeOf } from '../../../tensor/shape.js';
import { gemm, type FloatArray } from '../../linalg/gemm-core.js';
import { computeBuffer, isBigIntArray, type ComputeArray } from '../../support/numeric.js';
import { reorder, type Operand } from './operand.js';

interface MatrixView {
  readonly values: ComputeArray;
  readonly transposed: boolean;
}

function sameOrder(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((l, i) => l === b[i]);
}

/** The operand as [batch, outer, inner] or, in place, [batch, inner, outer] (transposed). */
function matrixView(op: Operand, batch: number[], outer: number[], inner: number[], type: DataType): MatrixView {
  if (sameOrder(op.labels, [...batch, ...inner, ...outer])) return { values: op.values, transposed: true };
  return { values: reorder(op, [...batch, ...outer, ...inner], type).values, transposed: false };
}

/** C[b] = A[b] x B[b] for integer types, where float rounding must not apply. */
function integerMatmul(
  a: ComputeArray, transA: boolean, b: ComputeArray, transB: boolean, c: ComputeArray,
  batches: number, m: number, n: number, k: number,
): void {
  const big = isBigIntArray(c);
  for (let t = 0; t < batches; t++) {
    const aBase = t * m * k;
    const bBase = t * k * n;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        // One loop serves number and bigint arrays: + and * mean the same for both.
        let sum: number | bigint = big ? 0n : 0;
        for (let p = 0; p < k; p++) {
          const av = a[aBase + (transA ? p * m + i : i * k + p)];
          const bv = b[bBase + (transB ? j * k + p : p * n + j)];
          sum = (sum as number) + (av as number) * (bv as number);
        }
        c[t * m * n + i * n + j] = sum;
      }
    }
  }
}

/** A and B contracted over their shared labels not in `needed`; shared labels in `needed` stay. */
export function contract(a: Operand, b: Operand, needed: ReadonlySet<number>, type: DataType): Operand {
  const inB = new Set(b.labels);
  const batch = a.labels.filter((l) => inB.has(l) && needed.has(l));
  const summed = a.labels.filter((l) => inB.has(l) && !needed.has(l));
  const aOnly = a.labels.filter((l) => !inB.has(l));
  const bOnly = b.labels.filter((l) => !a.labels.includes(l));
  const sizeOfLabels = (op: Operand, labels: number[]) => sizeOf(labels.map((l) => op.dims[op.labels.indexOf(l)]));
  const batches = sizeOfLabels(a, batch);
  const m = sizeOfLabels(a, aOnly);
  const k = sizeOfLabels(a, summed);
  const n = sizeOfLabels(b, bOnly);
  const av = matrixView(a, batch, aOnly, summed, type);
  // For B the plain GEMM layout is [batch, K, N], which matrixView calls the transposed one.
  const bv = matrixView(b, batch, bOnly, summed, type);
  const transB = !bv.transposed;
  const bValues = bv.values;
  const c = computeBuffer(type, batches * m * n);
  if (c instanceof Float32Array || c instanceof Float64Array) {
    for (let t = 0; t < batches; t++) {
      gemm({
        m, n, k,
        a: av.values as FloatArray, aOffset: t * m * k, lda: av.transposed ? m : k, transA: av.transposed,
        b: bValues as FloatArray, bOffset: t * k * n, ldb: transB ? k : n, transB,
        c, cOffset: t * m * n, ldc: n, alpha: 1, beta: 0,
      });
    }
  } else {
    integerMatmul(av.values, av.transposed, bValues, transB, c, batches, m, n, k);
  }
  const dimOf = (l: number) => (a.labels.includes(l) ? a.dims[a.labels.indexOf(l)] : b.dims[b.labels.indexOf(l)]);
  const labels = [...batch, ...aOnly, ...bOnly];
  return { values: c, dims: labels.map(dimOf), labels };
}
