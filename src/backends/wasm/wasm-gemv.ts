/**
 * The m = 1 products of the f32 GEMM (wasm/assembly/gemv.ts): one row of A times B, straight
 * from B as it is stored or from its kept panels, with no packing of A and no MR-row tile of
 * which one row is real. A's row must be contiguous (isContiguousRow); it is copied in where
 * it lies outside the heap, and B only where it is neither kept packed nor in the heap.
 */
import type { GemmOperands } from '../../kernels/linalg/gemm-core.js';
import type { GemmExports } from './gemm-module.js';
import { copyIn, copyOut, copyStride, extent } from './operand-copy.js';
import type { WasmHeap } from './wasm-heap.js';

/** Float32 operands of a product with m = 1. */
export interface RowProduct extends GemmOperands {
  readonly a: Float32Array;
  readonly b: Float32Array;
  readonly c: Float32Array;
}

/** What the product moved: floats copied in or out, and operands addressed where they were. */
export interface RowTraffic {
  readonly copiedFloats: number;
  readonly operandsInPlace: number;
}

/** Whether op's A is one contiguous row: m = 1, stored as a row, or as a column with stride 1. */
export function isContiguousRow(op: GemmOperands): boolean {
  return op.m === 1 && (!op.transA || op.lda === 1);
}

/**
 * c = alpha * a . op(B) + beta * c, for op with isContiguousRow; `panels`: the byte address of B packed by packB, where it
 * is kept in the heap. Undefined where the heap has no room for the copies.
 */
export function rowTimesB(exports: GemmExports, heap: WasmHeap, op: RowProduct, panels: number | undefined): RowTraffic | undefined {
  const { n, k, a, b, c, alpha, beta, transB } = op;
  const aHere = heap.holds(a);
  const bHere = panels === undefined && heap.holds(b);
  const bCopied = panels === undefined && !bHere;
  const cHere = heap.holds(c);
  const [bRows, bCols] = transB ? [n, k] : [k, n];
  const ldb = bCopied ? copyStride(bRows, bCols, op.ldb) : op.ldb;
  const offsets = heap.scratch([aHere ? 0 : k, bCopied ? extent(bRows, bCols, ldb) : 0, cHere ? 0 : n]);
  if (!offsets) return undefined;
  const [aScratch, bScratch, cScratch] = offsets;
  const memory = heap.f32;
  let copiedFloats = 0;
  const aAt = aHere ? a.byteOffset + op.aOffset * 4 : aScratch;
  if (!aHere) {
    memory.set(a.subarray(op.aOffset, op.aOffset + k), aAt / 4);
    copiedFloats += k;
  }
  const cAt = cHere ? c.byteOffset + op.cOffset * 4 : cScratch;
  if (!cHere && beta !== 0) copiedFloats += copyIn(memory, cAt, c, op.cOffset, 1, n, op.ldc, n);
  if (panels !== undefined) {
    exports.gemvPacked(n, k, aAt, panels, cAt, alpha, beta);
  } else {
    const bAt = bHere ? b.byteOffset + op.bOffset * 4 : bScratch;
    if (bCopied) copiedFloats += copyIn(memory, bAt, b, op.bOffset, bRows, bCols, op.ldb, ldb);
    if (transB) exports.gemvCols(n, k, aAt, bAt, ldb, cAt, alpha, beta);
    else exports.gemvRows(n, k, aAt, bAt, ldb, cAt, alpha, beta);
  }
  if (!cHere) copiedFloats += copyOut(memory, cAt, n, c, op.cOffset, op.ldc, 1, n);
  return { copiedFloats, operandsInPlace: +aHere + +bHere + +cHere };
}
