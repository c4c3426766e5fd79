/**
 * Which instance of the elementwise module a call runs on: the one in the GEMM heap's memory,
 * where a run's activations live, first; where that one cannot take the call (its scratch may
 * not grow while a run holds the heap) or there is no GEMM heap, one on a memory of its own,
 * which copies every operand. None while WebAssembly kernels are off (env.wasm.simd = false)
 * or the module has not loaded.
 */
import { env } from '../../config/env.js';
import { OwnMemory, traffic, type ElementwiseMemory, type ElementwiseTraffic } from './elementwise-memory.js';
import { elementwiseOn, type ElementwiseExports } from './elementwise-module.js';
import { wasmGemmHeap } from './wasm-gemm.js';

/** One instance's work: true where it ran, false where it could not (and changed nothing). */
export type ElementwiseCall = (exports: ElementwiseExports, memory: ElementwiseMemory) => boolean;

let ownMemory: OwnMemory | undefined;

/** Runs `call` on the GEMM heap's instance, else on the copying one; false where neither can. */
export function inElementwiseModule(call: ElementwiseCall): boolean {
  if (env.wasm.simd === false) return false;
  const heap = wasmGemmHeap();
  const inHeap = heap && elementwiseOn(heap.memory);
  if (heap && inHeap && call(inHeap, heap)) return true;
  ownMemory ??= new OwnMemory();
  const own = elementwiseOn(ownMemory.memory);
  return own !== undefined && call(own, ownMemory);
}

/** What the elementwise module's kernels have copied and passed in place so far (measurement and tests). */
export function wasmElementwiseTraffic(): Readonly<ElementwiseTraffic> {
  return traffic;
}
