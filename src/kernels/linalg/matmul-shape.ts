/**
 * The numpy.matmul shape rules every matrix product follows (MatMul and the quantized ones): a 1-D A is a row vector
 * and a 1-D B a column vector (the added dimension is dropped from the result), and the
 * leading (batch) dimensions broadcast.
 */
import { KernelInputError } from '../../errors/errors.js';
import { formatShape, sizeOf, type Shape } from '../../tensor/shape.js';
import { broadcastIndex, broadcastShapes } from '../support/broadcast.js';

export interface MatMulShape {
  readonly m: number;
  readonly k: number;
  readonly n: number;
  readonly outDims: number[];
  /** Matrices in the output. */
  readonly batches: number;
  /** Per output matrix, the index of the A and B matrices it multiplies. */
  readonly aMatrix: (batch: number) => number;
  readonly bMatrix: (batch: number) => number;
  /** Every output matrix uses the same B and its own A, so the batches stack into the rows of one product. */
  readonly stackable: boolean;
}

const identity = (i: number): number => i;
const first = (): number => 0;

function sameDims(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function matmulShape(a: Shape, b: Shape): MatMulShape {
  if (a.length === 0 || b.length === 0) {
    throw new KernelInputError(`the matrix product needs inputs of rank >= 1, got A ${formatShape(a)} and B ${formatShape(b)}`);
  }
  const m = a.length === 1 ? 1 : a[a.length - 2];
  const k = a[a.length - 1];
  const kb = b.length === 1 ? b[0] : b[b.length - 2];
  const n = b.length === 1 ? 1 : b[b.length - 1];
  if (k !== kb) {
    throw new KernelInputError(`A ${formatShape(a)} and B ${formatShape(b)} do not multiply: A has ${k} columns, B has ${kb} rows`);
  }
  const aBatch = a.slice(0, -2);
  const bBatch = b.slice(0, -2);
  const outDims = (batch: readonly number[]): number[] => {
    const dims = batch.slice();
    if (a.length !== 1) dims.push(m);
    if (b.length !== 1) dims.push(n);
    return dims;
  };
  // The common cases need no index tables: a B without batch dims (a Linear layer), or equal batch dims.
  if (bBatch.length === 0 || sizeOf(bBatch) === 1 && bBatch.length <= aBatch.length) {
    return { m, k, n, outDims: outDims(aBatch), batches: sizeOf(aBatch), aMatrix: identity, bMatrix: first, stackable: true };
  }
  if (sameDims(aBatch, bBatch)) {
    return { m, k, n, outDims: outDims(aBatch), batches: sizeOf(aBatch), aMatrix: identity, bMatrix: identity, stackable: false };
  }
  const batch = broadcastShapes(aBatch, bBatch);
  const aIndex = broadcastIndex(aBatch, batch);
  const bIndex = broadcastIndex(bBatch, batch);
  const bShared = sizeOf(bBatch) === 1;
  return {
    m, k, n,
    outDims: outDims(batch),
    batches: sizeOf(batch),
    aMatrix: (i) => aIndex?.[i] ?? i,
    bMatrix: (i) => (bShared ? 0 : bIndex?.[i] ?? i),
    stackable: bShared && aIndex === undefined,
  };
}
