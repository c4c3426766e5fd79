/**
 * The m = 1 products of the f32 GEMM (wasm/assembly/gemv.ts): one row of A times B, straight
 * from B as it is stored or from its kept panels, with no packing of A and no MR-row tile of
 * which one row is real. A's row must be contiguous (isContiguousRow); it is copied in where
 * it lies outside the heap, and B only where it is neither kept packed nor in the heap.
 *
 * A product with B kept packed is cut into ranges of columns where the running kernel has
 * threads whose instances of the conv module share the heap's memory (backends/threads/): each
 * range reads its own panels of B, which is what a GEMV's time goes to.
 */
import type { GemmOperands } from '../../kernels/linalg/gemm-core.js';
import { cutRanges, RangeKernel, WINDOW_INTS } from './conv-ranges.js';
import type { GemmExports } from './gemm-module.js';
import { NR } from './micro-tile.js';
import { copyIn, copyOut, copyStride, extent } from './operand-copy.js';
import type { ConvSplitter } from './wasm-conv.js';
import type { WasmHeap } from './wasm-heap.js';

/**
 * Multiply-adds of convolution (the splitter's unit of work) that take as long as one of a
 * GEMV, which reads each element of B once from memory: ResNet-50's final Gemm (2048 x 1000, B
 * kept packed) took 0.5 ms on one core, as long as about 12M multiply-adds of the blocked GEMM.
 */
const WORK_PER_MULTIPLY_ADD = 6;
/** Columns per unit of a cut: 16 floats of c fill a cache line, so no two threads write the same one. */
const COLUMN_UNIT = 2 * NR;
/** Scratch slot of a cut call's ranges, as wasm-conv.ts's (a helper given up on may still use its part). */
const RANGES_SLOT = 1;

let threaded: ((memory: WebAssembly.Memory) => ConvSplitter | undefined) | undefined;

/**
 * Sets where the GEMV looks for threads that share a memory (backends/threads/intra-op.ts): the
 * provider answers undefined where the running kernel has one thread or no helper works in `memory`.
 */
export function useThreadedGemv(provider: ((memory: WebAssembly.Memory) => ConvSplitter | undefined) | undefined): void {
  threaded = provider;
}

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
    if (!packedOnThreads(heap, { n, k, aAt, panels, cAt, alpha, beta })) exports.gemvPacked(n, k, aAt, panels, cAt, alpha, beta);
  } else {
    const bAt = bHere ? b.byteOffset + op.bOffset * 4 : bScratch;
    if (bCopied) copiedFloats += copyIn(memory, bAt, b, op.bOffset, bRows, bCols, op.ldb, ldb);
    if (transB) exports.gemvCols(n, k, aAt, bAt, ldb, cAt, alpha, beta);
    else exports.gemvRows(n, k, aAt, bAt, ldb, cAt, alpha, beta);
  }
  if (!cHere) copiedFloats += copyOut(memory, cAt, n, c, op.cOffset, op.ldc, 1, n);
  return { copiedFloats, operandsInPlace: +aHere + +bHere + +cHere };
}

/** gemvPacked's operands, at their addresses in the heap. */
interface PackedRow {
  readonly n: number;
  readonly k: number;
  readonly aAt: number;
  readonly panels: number;
  readonly cAt: number;
  readonly alpha: number;
  readonly beta: number;
}

/** gemvPacked cut into ranges of columns across the threads that share the heap; false, with nothing written, where it is not. */
function packedOnThreads(heap: WasmHeap, row: PackedRow): boolean {
  const splitter = threaded?.(heap.memory);
  const parts = splitter?.parts(row.n * row.k * WORK_PER_MULTIPLY_ADD) ?? 1;
  if (!splitter || parts < 2) return false;
  const scratchBytes = Math.ceil(splitter.threadScratchBytes / 64) * 64;
  const at = heap.scratch([(parts * scratchBytes) / 4], RANGES_SLOT)?.[0];
  if (at === undefined) return false;
  const scratch = Array.from({ length: parts }, (_, i) => at + i * scratchBytes);
  const ranges = cutRanges(row.n, COLUMN_UNIT, parts, scratch);
  const call = { kernel: RangeKernel.gemvPacked, window: new Array<number>(WINDOW_INTS).fill(0), alpha: row.alpha, beta: row.beta, args: [row.n, row.k, row.aAt, row.panels, row.cAt] };
  return ranges.length > 1 && splitter.run(call, ranges);
}
