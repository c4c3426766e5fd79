/**
 * Float32 MaxPool and AveragePool over 1-D and 2-D windows on the conv WebAssembly module
 * (wasm/assembly/pool.ts). Pooling is memory-bound; what wasm gains is reading each plane
 * row by row with vectors, where the TypeScript kernels visit every plane per window position.
 * Planes that lie in the module's memory (a run's activation arena in the GEMM heap) are read
 * and written where they are; others go through the module's memory in chunks of at most about
 * 16 MiB. Where windows reach past the image, the planes are padded in scratch with -inf (max)
 * or 0 (average), a chunk at a time. Where the running kernel has threads whose instances of
 * the module share this memory (backends/threads/), a chunk's planes are cut into ranges that
 * they pad and pool at the same time (conv-ranges.ts).
 */
import { env } from '../../config/env.js';
import type { SlidingWindow } from '../../kernels/conv/sliding-window.js';
import type { NumberArray } from '../../kernels/support/numeric.js';
import { convModule, instantiateConv, type ConvExports, type ConvModule } from './conv-module.js';
import { convHeap } from './conv-heap.js';
import { copyInto, copyOutOf, inHeap, notePlaced, overlaps } from './conv-operands.js';
import { cutRanges, runRange, windowArguments, RangeKernel, type RangeCall } from './conv-ranges.js';
import { planeWindow, setWindow, type PlaneWindow } from './plane-window.js';
import type { ConvSplitter } from './wasm-conv.js';
import type { WasmHeap } from './wasm-heap.js';
import type { SimdVariant } from './wasm-instance.js';

/** Floats of input, padded input and output one chunk of planes may hold in the module's memory. */
const CHUNK_FLOATS = 1 << 22;
/**
 * Multiply-adds of convolution (the splitter's unit of work) that take as long as one tap of
 * pooling (pool.ts: kernelW per element of a padded plane, then kernelH per output): ResNet-50's
 * MaxPool (64 planes, 3.05M taps) took 0.41 ms on one core, as long as about 11M multiply-adds
 * of the implicit GEMM.
 */
const WORK_PER_TAP = 4;
/**
 * Scratch slot of a call cut for several threads, as wasm-conv.ts's: no kernel of this thread
 * writes it while a helper the caller gave up waiting for may still be using its range's part.
 */
const RANGES_SLOT = 1;

export interface WasmPoolOperands {
  /** `planes` planes (batch times channels) of the window's image. */
  readonly x: NumberArray;
  /** `planes` planes of the window's grid: overwritten. */
  readonly y: NumberArray;
  readonly planes: number;
}


/** The pooling entry points on one instance of the conv module, in per-call scratch of that instance's heap. */
export class WasmPool {
  private readonly exports: ConvExports;
  // The instance's one heap (conv-heap.ts): pooling's buffers are per-call scratch there, clear of the weights convolutions keep.
  private readonly heap: WasmHeap;
  readonly variant: SimdVariant;
  readonly memory: WebAssembly.Memory;

  constructor(module: ConvModule) {
    this.exports = module.exports;
    this.variant = module.variant;
    this.memory = module.memory;
    this.heap = convHeap(module);
  }

  /** Whether a call may have been refused because runs hold this instance's heap (it may not grow now). */
  heldBack(): boolean {
    return this.heap.growthHeld();
  }

  /** As wasmMaxPool2dF32, on this instance; with a splitter, cut across its threads. */
  maxPool2dF32(op: WasmPoolOperands, win: SlidingWindow, splitter?: ConvSplitter): boolean {
    const plane = this.accepts(op, win);
    if (!plane) return false;
    return this.pool(op, plane, true, [], splitter);
  }

  /** As wasmAveragePool2dF32, on this instance; with a splitter, cut across its threads. */
  averagePool2dF32(op: WasmPoolOperands, win: SlidingWindow, countIncludePad: boolean, splitter?: ConvSplitter): boolean {
    const plane = this.accepts(op, win);
    if (!plane) return false;
    const rank = win.image.length;
    const rows = rank === 2 ? divisors(win, 0, countIncludePad) : [1];
    const cols = divisors(win, rank - 1, countIncludePad);
    // Vector loads read the column divisors four at a time, up to the row's last vector.
    while (cols.length % 4 !== 0) cols.push(1);
    return this.pool(op, plane, false, [rows, cols], splitter);
  }

  private accepts(op: WasmPoolOperands, win: SlidingWindow): PlaneWindow | undefined {
    if (!(op.x instanceof Float32Array && op.y instanceof Float32Array)) return undefined;
    return planeWindow(win);
  }

  /**
   * Lays out `tables` (AveragePool's row and column divisors, copied in once) and a chunk of
   * planes, then per chunk: copy in (planes from elsewhere), pad (with -inf for max, 0 for
   * average) where needed and pool, in ranges of planes where the splitter cuts the chunk, copy
   * out (an output that lies elsewhere).
   */
  private pool(op: WasmPoolOperands, plane: PlaneWindow, isMax: boolean, tables: readonly number[][], splitter: ConvSplitter | undefined): boolean {
    const { x, y, planes } = op;
    if (y.length === 0) return true;
    if (!(x instanceof Float32Array && y instanceof Float32Array)) return false;
    const { exports } = this;
    setWindow(exports, plane);
    const slack = exports.imageSlack();
    const imageSize = plane.h * plane.w;
    const paddedSize = plane.padded ? plane.planeH * plane.planeW : 0;
    const outputSize = plane.outH * plane.outW;
    // Rows are read where they are, with the slack past them; a padded X only padImage reads.
    const xHere = inHeap(this.heap, x, planes * imageSize, plane.padded ? 0 : slack);
    const yHere = inHeap(this.heap, y, planes * outputSize) && !overlaps(x, planes * imageSize, y, planes * outputSize);
    const chunkFloats = (xHere ? 0 : imageSize) + paddedSize + (yHere ? 0 : outputSize);
    const chunk = chunkFloats === 0 ? planes : Math.max(1, Math.min(planes, Math.floor(CHUNK_FLOATS / chunkFloats)));
    const taps = plane.planeH * plane.planeW * plane.kernelW + outputSize * plane.kernelH;
    const parts = splitter?.parts(chunk * taps * WORK_PER_TAP) ?? 1;
    // Cache lines apart, so that no two ranges' scratch shares one.
    const rangeScratch = Math.ceil((exports.threadScratchBytes() / 4 + exports.poolScratchLength()) / 16) * 16;
    const offsets = this.heap.scratch([
      ...tables.map((table) => table.length),
      parts > 1 ? 0 : rangeScratch,
      xHere ? 0 : chunk * imageSize + slack,
      plane.padded ? chunk * paddedSize + slack : 0,
      yHere ? 0 : chunk * outputSize,
    ]);
    const rangesAt = parts > 1 ? this.heap.scratch([parts * rangeScratch], RANGES_SLOT)?.[0] : 0;
    if (!offsets || rangesAt === undefined) return false;
    const heap = this.heap.f32;
    const tablesAt = offsets.slice(0, tables.length);
    tables.forEach((table, i) => heap.set(table, tablesAt[i] / 4));
    const [oneScratch, xAt, paddedAt, yAt] = offsets.slice(tables.length);
    const scratchAt = parts > 1 ? rangesAt : oneScratch;
    const scratch = Array.from({ length: parts }, (_, i) => scratchAt + i * rangeScratch * 4);
    const window = windowArguments(plane);
    const [rowsAt, colsAt] = tables.length > 0 ? tablesAt : [0, 0];
    notePlaced(Number(xHere) + Number(yHere));
    for (let first = 0; first < planes; first += chunk) {
      const count = Math.min(chunk, planes - first);
      const xn = xHere ? x.byteOffset + first * imageSize * 4 : xAt;
      if (!xHere) copyInto(heap, xAt, x.subarray(first * imageSize, (first + count) * imageSize));
      const yn = yHere ? y.byteOffset + first * outputSize * 4 : yAt;
      const args = [xn, plane.padded ? paddedAt : 0, yn, isMax ? 1 : 0, rowsAt, colsAt, plane.h, plane.w, plane.top, plane.left];
      const call: RangeCall = { kernel: RangeKernel.pool, window, alpha: 0, beta: 0, args };
      const ranges = cutRanges(count, 1, parts, scratch);
      if (!(ranges.length > 1 && splitter?.run(call, ranges))) runRange(exports, call, { start: 0, end: count, scratch: scratch[0] });
      if (!yHere) copyOutOf(heap, yAt, count * outputSize, y, first * outputSize);
    }
    return true;
  }
}

/**
 * AveragePool's divisor along spatial axis `a` for each window position: the window's taps in
 * the image, or (countIncludePad) in the image and its explicit padding, as
 * kernels/conv/pool-windows.ts counts them; 0 (a window of padding only) becomes +inf.
 */
function divisors(win: SlidingWindow, a: number, countIncludePad: boolean): number[] {
  const k = win.kernel[a], d = win.dilations[a], image = win.image[a];
  return Array.from({ length: win.grid[a] }, (_, o) => {
    const start = o * win.strides[a] - win.padsBegin[a];
    const count = countIncludePad
      ? Math.min(k, Math.ceil((image + win.padsEnd[a] - start) / d))
      : Math.max(0, Math.min(k, Math.ceil((image - start) / d)) - Math.max(0, Math.ceil(-start / d)));
    return count === 0 ? Infinity : count;
  });
}

let shared: WasmPool | undefined;
let overflow: WasmPool | undefined;
let threaded: ((memory: WebAssembly.Memory) => ConvSplitter | undefined) | undefined;

/**
 * Sets where pooling looks for threads that share a memory (backends/threads/intra-op.ts): the
 * provider answers undefined where the running kernel has one thread or no helper works in `memory`.
 */
export function useThreadedPooling(provider: ((memory: WebAssembly.Memory) => ConvSplitter | undefined) | undefined): void {
  threaded = provider;
}

/** The instance the pooling kernels use, unless the user turned WebAssembly kernels off (env.wasm.simd = false) or none is loaded. */
function sharedPool(): WasmPool | undefined {
  if (env.wasm.simd === false) return undefined;
  if (shared) return shared;
  const module = convModule();
  if (module) shared = new WasmPool(module);
  return shared;
}

/**
 * Runs `call` on the instance in the GEMM heap, with the threads that share its memory where the
 * running kernel has them, else (where runs hold that heap and its scratch may not grow) on one
 * in a memory of its own, which copies every plane.
 */
function inPool(call: (pool: WasmPool, splitter?: ConvSplitter) => boolean): boolean {
  const pool = sharedPool();
  if (!pool) return false;
  if (call(pool, threaded?.(pool.memory))) return true;
  if (!pool.heldBack()) return false;
  if (!overflow) {
    const module = instantiateConv(pool.variant);
    if (module) overflow = new WasmPool(module);
  }
  return overflow !== undefined && call(overflow);
}

/**
 * MaxPool's values (not its indices) for a 1-D or 2-D window when X and Y are Float32Arrays;
 * Y overwritten whole. False, Y untouched, when it cannot: another element type, 3-D or
 * higher, wasm off or not loaded (yet), memory that will not grow.
 */
export function wasmMaxPool2dF32(op: WasmPoolOperands, win: SlidingWindow): boolean {
  return inPool((pool, splitter) => pool.maxPool2dF32(op, win, splitter));
}

/** AveragePool for a 1-D or 2-D window, as wasmMaxPool2dF32. */
export function wasmAveragePool2dF32(op: WasmPoolOperands, win: SlidingWindow, countIncludePad: boolean): boolean {
  return inPool((pool, splitter) => pool.averagePool2dF32(op, win, countIncludePad, splitter));
}
