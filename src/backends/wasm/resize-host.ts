/**
 * Resize over the last two axes of float32 planes on the elementwise WebAssembly module
 * (wasm/assembly/resize-planes.ts). The caller gives the per-row and per-column index maps or
 * taps its TypeScript kernel computed; planes that lie in the module's memory (a run's arena)
 * are read and written where they are, others are copied in and out a few planes at a time.
 * False where the module cannot run it; the caller then runs its TypeScript loops.
 */
import { inElementwiseModule } from './elementwise-instances.js';
import { addressOf, copyIn, copyOut, traffic, type ElementwiseMemory } from './elementwise-memory.js';

/** `planes` planes of inH x inW floats in x resized to outH x outW in out. */
export interface PlaneResize {
  readonly x: Float32Array;
  readonly out: Float32Array;
  readonly planes: number;
  readonly inH: number;
  readonly inW: number;
  readonly outH: number;
  readonly outW: number;
}

/** Per output index, `width` input indices and their weights (outLength x width, row-major). */
export interface ResizeTaps {
  readonly width: number;
  readonly indices: Int32Array;
  readonly weights: Float64Array;
}

/** Floats per pass where planes are copied: copy in, resize and copy out stay in L2. */
const CHUNK = 1 << 16;
/** Scratch (floats) past which the resize stays in TypeScript rather than grow a memory so far. */
const MAX_SCRATCH = 1 << 24;

/** Output (j, k) = input (rows[j], cols[k]) of each plane, every index inside the input. */
export function wasmResizeNearestF32(r: PlaneResize, rows: Int32Array, cols: Int32Array): boolean {
  const factor = repeatFactor(cols, r.inW);
  return inElementwiseModule((exports, memory) =>
    planesInWasm(memory, r, [rows.length, cols.length], ([rowsAt, colsAt], heap) => {
      const words = new Int32Array(heap.buffer);
      words.set(rows, rowsAt / 4);
      words.set(cols, colsAt / 4);
      return (xAt, outAt, planes) => exports.resizeNearestPlanes(xAt, outAt, planes, r.inH, r.inW, r.outH, r.outW, rowsAt, colsAt, factor);
    }),
  );
}

/** Each plane resampled separably: rowTaps per output row (over input rows), colTaps per output column. */
export function wasmResizeTapsF32(r: PlaneResize, rowTaps: ResizeTaps, colTaps: ResizeTaps): boolean {
  const tables = [rowTaps.indices.length, rowTaps.weights.length, colTaps.indices.length, colTaps.weights.length, r.inH * r.outW];
  return inElementwiseModule((exports, memory) =>
    planesInWasm(memory, r, tables, ([rowIndices, rowWeights, colIndices, colWeights, scratch], heap) => {
      const words = new Int32Array(heap.buffer);
      words.set(rowTaps.indices, rowIndices / 4);
      heap.set(rowTaps.weights, rowWeights / 4);
      words.set(colTaps.indices, colIndices / 4);
      heap.set(colTaps.weights, colWeights / 4);
      return (xAt, outAt, planes) => exports.resizeTapsPlanes(
        xAt, outAt, planes, r.inH, r.inW, r.outH, r.outW,
        rowTaps.width, rowIndices, rowWeights, colTaps.width, colIndices, colWeights, scratch,
      );
    }),
  );
}

/** The repeat factor f where cols[k] is k / f for every k (integer upscaling), else 1. */
function repeatFactor(cols: Int32Array, inW: number): number {
  const factor = Math.round(cols.length / inW);
  if (factor < 2 || factor * inW !== cols.length) return 1;
  for (let k = 0; k < cols.length; k++) if (cols[k] !== Math.floor(k / factor)) return 1;
  return factor;
}

type PlanesKernel = (xAt: number, outAt: number, planes: number) => void;

/**
 * Lays out the tables (float counts; `setup` fills them and returns the kernel), then runs the
 * kernel over the planes: all at once where x and out lie in the memory, else in chunks of
 * whole planes copied in and out.
 */
function planesInWasm(
  memory: ElementwiseMemory, r: PlaneResize, tables: readonly number[], setup: (offsets: number[], heap: Float32Array) => PlanesKernel,
): boolean {
  const inPlane = r.inH * r.inW;
  const outPlane = r.outH * r.outW;
  const xHere = memory.holds(r.x);
  const outHere = memory.holds(r.out);
  const chunkPlanes = xHere && outHere ? r.planes : Math.min(r.planes, Math.max(1, Math.floor(CHUNK / (inPlane + outPlane))));
  const floats = [xHere ? 0 : chunkPlanes * inPlane, outHere ? 0 : chunkPlanes * outPlane, ...tables];
  if (floats.reduce((sum, n) => sum + n, 0) > MAX_SCRATCH) return false;
  const offsets = memory.scratch(floats);
  if (!offsets) return false;
  const [xScratch, outScratch, ...tableOffsets] = offsets;
  const heap = memory.f32;
  const kernel = setup(tableOffsets, heap);
  for (let first = 0; first < r.planes; first += chunkPlanes) {
    const planes = Math.min(chunkPlanes, r.planes - first);
    const xAt = xHere ? addressOf(r.x, first * inPlane) : copyIn(heap, xScratch, r.x, first * inPlane, planes * inPlane);
    const outAt = outHere ? addressOf(r.out, first * outPlane) : outScratch;
    kernel(xAt, outAt, planes);
    if (!outHere) copyOut(heap, outAt, r.out, first * outPlane, planes * outPlane);
  }
  traffic.operandsInPlace += +xHere + +outHere;
  return true;
}
