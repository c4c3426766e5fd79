/**
 * Where a conv or pooling call finds its images in the module's memory. An operand that is a
 * view of that memory (a run's activation arena, when the module runs in the GEMM heap) is
 * addressed where it lies; any other is copied into the call's scratch (an input) or computed
 * there and copied out (an output). The counts below measure what that saves.
 */
import type { WasmHeap } from './wasm-heap.js';

/** Operand traffic of the conv and pooling kernels (measurement and tests). */
export interface ConvTraffic {
  /** Floats of images, residuals and outputs copied into or out of a module's memory. */
  copiedFloats: number;
  /** Images, residuals and outputs the module addressed where they were. */
  operandsInPlace: number;
}

export const convTraffic: ConvTraffic = { copiedFloats: 0, operandsInPlace: 0 };

/**
 * Whether the first `floats` floats of `view` lie in the heap's memory, with `tail` more floats
 * addressable past them (the slack SIMD loads read past an image and drop).
 */
export function inHeap(heap: WasmHeap, view: Float32Array, floats: number, tail = 0): boolean {
  return heap.holds(view) && view.byteOffset + (floats + tail) * 4 <= heap.buffer.byteLength;
}

/** Whether the first `a` floats of `x` and the first `b` floats of `y` share a byte. */
export function overlaps(x: Float32Array, a: number, y: Float32Array, b: number): boolean {
  return x.buffer === y.buffer && x.byteOffset < y.byteOffset + b * 4 && y.byteOffset < x.byteOffset + a * 4;
}

/** `src` into the memory (`heap`, all of it as floats) at byte `at`: a move within it where src lies there already. */
export function copyInto(heap: Float32Array, at: number, src: Float32Array): void {
  if (src.buffer !== heap.buffer) heap.set(src, at / 4);
  else if (src.byteOffset === at) return;
  else heap.copyWithin(at / 4, src.byteOffset / 4, src.byteOffset / 4 + src.length);
  convTraffic.copiedFloats += src.length;
}

/** `count` floats of the memory at byte `at` into `out` from element `start`. */
export function copyOutOf(heap: Float32Array, at: number, count: number, out: Float32Array, start: number): void {
  out.set(heap.subarray(at / 4, at / 4 + count), start);
  convTraffic.copiedFloats += count;
}

/** Counts operands addressed where they lie. */
export function notePlaced(count: number): void {
  convTraffic.operandsInPlace += count;
}
