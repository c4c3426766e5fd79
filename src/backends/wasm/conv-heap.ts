/**
 * One heap per instance of the conv module: its convolutions (wasm-conv.ts) keep prepared
 * weights in regions of it between calls, and its pooling (wasm-pool.ts) takes its buffers
 * from the same heap's per-call scratch, so neither writes over what the other keeps.
 */
import type { ConvModule } from './conv-module.js';
import { WasmHeap } from './wasm-heap.js';

const heaps = new WeakMap<WebAssembly.Memory, WasmHeap>();

/** The heap over `module`'s memory, shared by every host object of the instances on that memory. */
export function convHeap(module: ConvModule): WasmHeap {
  const memory = module.exports.memory;
  let heap = heaps.get(memory);
  if (!heap) heaps.set(memory, (heap = new WasmHeap(memory, module.exports.heapBase())));
  return heap;
}
