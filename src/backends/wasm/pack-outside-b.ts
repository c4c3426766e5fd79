/**
 * Packs a B that lies outside the module's memory (a weight in an ordinary Float32Array) into
 * its panels a slice at a time: each slice is copied into a small scratch buffer, which stays
 * in cache while packB reads it back, instead of copying all of B into the heap first (a
 * scratch as large as the largest weight, 154 MB for GPT-2's embedding, touched once per
 * session) and reading it again from memory.
 *
 * A slice is a block of whole KC-row blocks of B (B stored k x n) or of whole NR-column panels
 * (B stored n x k), so packing it on its own writes exactly the panels packing all of B would
 * (pack.ts: block pc starts at pc * roundUp(n, NR), its panel of columns jr at jr * kc).
 */
import type { GemmExports } from './gemm-module.js';
import { copyIn, copyStride, extent } from './operand-copy.js';
import type { WasmHeap } from './wasm-heap.js';

/** KC of wasm/assembly/layout.ts: the rows of B one packed block covers (test/backends/wasm checks they agree). */
export const PACK_BLOCK_ROWS = 256;
/** Floats of B one slice copies, at least: a megabyte, within a core's L2 or L3. */
const SLICE_FLOATS = 1 << 18;

/** Where a slice goes and how the module packs it: the parts of packOutsideB both orientations share. */
interface Packing {
  readonly exports: GemmExports;
  readonly heap: WasmHeap;
  readonly packed: number;
  readonly b: Float32Array;
  readonly bOffset: number;
  readonly ldb: number;
  readonly k: number;
  readonly n: number;
  /** Floats of one packed block row: roundUp(n, NR). */
  readonly paddedN: number;
  readonly panelWidth: number;
}

/**
 * Floats copied (for traffic counts), or undefined where the heap has no room for a slice now.
 * B is k x n (stored n x k when transB), ldb floats between stored rows, from b[bOffset].
 */
export function packOutsideB(
  exports: GemmExports, heap: WasmHeap, packed: number,
  b: Float32Array, bOffset: number, ldb: number, transB: boolean, k: number, n: number,
): number | undefined {
  const packing = { exports, heap, packed, b, bOffset, ldb, k, n, paddedN: exports.packedBLength(1, n), panelWidth: exports.packedBLength(1, 1) };
  return transB ? packStoredColumns(packing) : packStoredRows(packing);
}

/** The slice's offset in scratch for `rows` x `cols` floats at `stride`. */
function sliceScratch(heap: WasmHeap, rows: number, cols: number, stride: number): number | undefined {
  return heap.scratch([extent(rows, cols, stride)])?.[0];
}

/**
 * B stored k x n: slices of whole KC-row blocks across all n columns, or, where one block row
 * of n is wider than a slice, of one block row across NR-multiple column ranges.
 */
function packStoredRows(p: Packing): number | undefined {
  const { exports, heap, packed, b, bOffset, ldb, k, n, paddedN } = p;
  const blockFloats = PACK_BLOCK_ROWS * n;
  const rowStep = Math.min(k, PACK_BLOCK_ROWS * Math.max(1, Math.floor(SLICE_FLOATS / blockFloats)));
  const columnStep = blockFloats <= SLICE_FLOATS ? n : Math.max(p.panelWidth, Math.floor(SLICE_FLOATS / PACK_BLOCK_ROWS / p.panelWidth) * p.panelWidth);
  const stride = columnStep === n ? copyStride(rowStep, n, ldb) : columnStep;
  const slice = sliceScratch(heap, rowStep, Math.min(columnStep, n), stride);
  if (slice === undefined) return undefined;
  let copied = 0;
  for (let at = 0; at < k; at += rowStep) {
    const rows = Math.min(rowStep, k - at);
    for (let j0 = 0; j0 < n; j0 += columnStep) {
      const cols = Math.min(columnStep, n - j0);
      copied += copyIn(heap.f32, slice, b, bOffset + at * ldb + j0, rows, cols, ldb, stride);
      // Rows at.. start block row at; a column range within one block row starts at panel j0, kc = rows floats per column.
      exports.packB(slice, stride, false, rows, cols, packed + (at * paddedN + j0 * rows) * 4);
    }
  }
  return copied;
}

/** B stored n x k: slices of NR-multiple stored rows (panels of columns of B), each packed KC block by block. */
function packStoredColumns(p: Packing): number | undefined {
  const { exports, heap, packed, b, bOffset, ldb, k, n, paddedN, panelWidth } = p;
  const step = Math.min(n, panelWidth * Math.max(1, Math.floor(SLICE_FLOATS / (panelWidth * k))));
  const stride = copyStride(step, k, ldb);
  const slice = sliceScratch(heap, step, k, stride);
  if (slice === undefined) return undefined;
  let copied = 0;
  for (let at = 0; at < n; at += step) {
    const count = Math.min(step, n - at);
    copied += copyIn(heap.f32, slice, b, bOffset + at * ldb, count, k, ldb, stride);
    // Panels at..at+count of every KC block: block pc at pc * paddedN, panel at + jr at (at + jr) * kc.
    for (let pc = 0; pc < k; pc += PACK_BLOCK_ROWS) {
      const kc = Math.min(PACK_BLOCK_ROWS, k - pc);
      exports.packB(slice + pc * 4, stride, true, kc, count, packed + (pc * paddedN + at * kc) * 4);
    }
  }
  return copied;
}
