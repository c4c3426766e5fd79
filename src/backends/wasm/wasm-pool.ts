/**
 * Float32 MaxPool and AveragePool over 1-D and 2-D windows on the conv WebAssembly module
 * (wasm/assembly/pool.ts). Pooling is memory-bound; what wasm gains is reading each plane
 * row by row with vectors, where the TypeScript kernels visit every plane per window position.
 * The planes go through the module's memory in chunks of at most about 16 MiB, padded there
 * with -inf (max) or 0 (average) where windows reach past the image.
 */
import { env } from '../../config/env.js';
import type { SlidingWindow } from '../../kernels/conv/sliding-window.js';
import type { NumberArray } from '../../kernels/support/numeric.js';
import { convModule, type ConvExports, type ConvModule } from './conv-module.js';
import { convHeap } from './conv-heap.js';
import { planeWindow, setWindow, type PlaneWindow } from './plane-window.js';
import type { WasmHeap } from './wasm-heap.js';

/** Floats of input, padded input and output one chunk of planes may hold in the module's memory. */
const CHUNK_FLOATS = 1 << 22;

export interface WasmPoolOperands {
  /** `planes` planes (batch times channels) of the window's image. */
  readonly x: NumberArray;
  /** `planes` planes of the window's grid: overwritten. */
  readonly y: NumberArray;
  readonly planes: number;
}

/**
 * Runs a pooling export on `planes` planes at `image` into y, with its scratch; `tables` are the
 * addresses of the tables pool() copied in.
 */
type PlaneKernel = (exports: ConvExports, image: number, planes: number, scratch: number, y: number, tables: readonly number[]) => void;

/** The pooling entry points on one instance of the conv module, in per-call scratch of that instance's heap. */
export class WasmPool {
  private readonly exports: ConvExports;
  // The instance's one heap (conv-heap.ts): pooling's buffers are per-call scratch there, clear of the weights convolutions keep.
  private readonly heap: WasmHeap;

  constructor(module: ConvModule) {
    this.exports = module.exports;
    this.heap = convHeap(module);
  }

  /** As wasmMaxPool2dF32, on this instance. */
  maxPool2dF32(op: WasmPoolOperands, win: SlidingWindow): boolean {
    const plane = this.accepts(op, win);
    if (!plane) return false;
    return this.pool(op, plane, -Infinity, [], (exports, image, planes, scratch, y) => exports.maxPool(image, planes, scratch, y));
  }

  /** As wasmAveragePool2dF32, on this instance. */
  averagePool2dF32(op: WasmPoolOperands, win: SlidingWindow, countIncludePad: boolean): boolean {
    const plane = this.accepts(op, win);
    if (!plane) return false;
    const rank = win.image.length;
    const rows = rank === 2 ? divisors(win, 0, countIncludePad) : [1];
    const cols = divisors(win, rank - 1, countIncludePad);
    // Vector loads read the column divisors four at a time, up to the row's last vector.
    while (cols.length % 4 !== 0) cols.push(1);
    return this.pool(op, plane, 0, [rows, cols], (exports, image, planes, scratch, y, [rowsAt, colsAt]) => {
      exports.averagePool(image, planes, rowsAt, colsAt, scratch, y);
    });
  }

  private accepts(op: WasmPoolOperands, win: SlidingWindow): PlaneWindow | undefined {
    if (!(op.x instanceof Float32Array && op.y instanceof Float32Array)) return undefined;
    return planeWindow(win);
  }

  /**
   * Lays out `tables` (copied in once) and a chunk of planes, then per chunk: copy in, pad
   * with `fill` where needed, run, copy out.
   */
  private pool(op: WasmPoolOperands, plane: PlaneWindow, fill: number, tables: readonly number[][], run: PlaneKernel): boolean {
    const { x, y, planes } = op;
    if (y.length === 0) return true;
    const { exports } = this;
    setWindow(exports, plane);
    const slack = exports.imageSlack();
    const imageSize = plane.h * plane.w;
    const paddedSize = plane.padded ? plane.planeH * plane.planeW : 0;
    const outputSize = plane.outH * plane.outW;
    const chunk = Math.max(1, Math.min(planes, Math.floor(CHUNK_FLOATS / (imageSize + paddedSize + outputSize))));
    const offsets = this.heap.scratch([
      ...tables.map((table) => table.length),
      exports.poolScratchLength(),
      chunk * imageSize + slack,
      plane.padded ? chunk * paddedSize + slack : 0,
      chunk * outputSize,
    ]);
    if (!offsets) return false;
    const heap = this.heap.f32;
    const tablesAt = offsets.slice(0, tables.length);
    tables.forEach((table, i) => heap.set(table, tablesAt[i] / 4));
    const [scratchAt, xAt, paddedAt, yAt] = offsets.slice(tables.length);
    for (let first = 0; first < planes; first += chunk) {
      const count = Math.min(chunk, planes - first);
      heap.set(x.subarray(first * imageSize, (first + count) * imageSize), xAt / 4);
      if (plane.padded) exports.padImage(xAt, count, plane.h, plane.w, plane.top, plane.left, fill, paddedAt);
      run(exports, plane.padded ? paddedAt : xAt, count, scratchAt, yAt, tablesAt);
      y.set(heap.subarray(yAt / 4, yAt / 4 + count * outputSize), first * outputSize);
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

/** The instance the pooling kernels use, unless the user turned WebAssembly kernels off (env.wasm.simd = false) or none is loaded. */
function sharedPool(): WasmPool | undefined {
  if (env.wasm.simd === false) return undefined;
  if (shared) return shared;
  const module = convModule();
  if (module) shared = new WasmPool(module);
  return shared;
}

/**
 * MaxPool's values (not its indices) for a 1-D or 2-D window when X and Y are Float32Arrays;
 * Y overwritten whole. False, Y untouched, when it cannot: another element type, 3-D or
 * higher, wasm off or not loaded (yet), memory that will not grow.
 */
export function wasmMaxPool2dF32(op: WasmPoolOperands, win: SlidingWindow): boolean {
  return sharedPool()?.maxPool2dF32(op, win) ?? false;
}

/** AveragePool for a 1-D or 2-D window, as wasmMaxPool2dF32. */
export function wasmAveragePool2dF32(op: WasmPoolOperands, win: SlidingWindow, countIncludePad: boolean): boolean {
  return sharedPool()?.averagePool2dF32(op, win, countIncludePad) ?? false;
}
