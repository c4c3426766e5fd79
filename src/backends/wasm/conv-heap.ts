/**
 * The heap each instance of the conv module lays its buffers out in: its convolutions
 * (wasm-conv.ts) keep prepared weights in regions of it between calls, and they and its pooling
 * (wasm-pool.ts) take per-call scratch from it, so nothing one keeps is written over by another.
 * On the GEMM heap's memory that heap is the GEMM's own (wasm-gemm.ts): the GEMM, the
 * activation arenas and the conv module then share one allocator, and operands that live there
 * are read where they are. On any other memory it is a heap of the conv module's own.
 */
import type { ConvModule } from './conv-module.js';
import { wasmGemmHeap } from './wasm-gemm.js';
import { HEAP_ALIGN_BYTES, WasmHeap } from './wasm-heap.js';

const heaps = new WeakMap<WebAssembly.Memory, WasmHeap>();

/** The heap over `module`'s memory, shared by every host object of the instances on that memory. */
export function convHeap(module: ConvModule): WasmHeap {
  const memory = module.memory;
  const gemmHeap = wasmGemmHeap();
  if (gemmHeap?.memory === memory) return gemmHeap;
  let heap = heaps.get(memory);
  // Buffers start past address 0, which the module's optional operands take to mean "none".
  if (!heap) heaps.set(memory, (heap = new WasmHeap(memory, Math.max(module.exports.heapBase(), HEAP_ALIGN_BYTES))));
  return heap;
}
