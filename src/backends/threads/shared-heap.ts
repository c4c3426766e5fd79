/**
 * The GEMM heap as the pool's threads share it, where it is a shared WebAssembly.Memory (the
 * run's activations live there): a job whose operands lie in it names them by float index, and
 * helpers read and write them where they lie (through a view of their own) instead of copies
 * in the pool's scratch memory. A helper that writes into the heap writes into a run's arena,
 * so the caller waits for it as for a conv range (GemmPool's in-place grace).
 */
import { wasmGemmHeap } from '../wasm/wasm-gemm.js';
import { isSharedMemory } from '../wasm/wasm-instance.js';

/** The caller's GEMM heap memory where helpers can share it, else undefined. */
export function sharedHeapMemory(): WebAssembly.Memory | undefined {
  const heap = wasmGemmHeap();
  return heap && isSharedMemory(heap.memory) ? heap.memory : undefined;
}

/**
 * The float index of `view` in `memory` (the heap given to the helpers), or -1 where it lies
 * elsewhere (an initializer, a feed, an arena outside the heap) or the heap is not that memory.
 */
export function sharedHeapIndex(memory: WebAssembly.Memory | undefined, view: Float32Array): number {
  const heap = wasmGemmHeap();
  if (!memory || !heap || heap.memory !== memory || !heap.holds(view)) return -1;
  return view.byteOffset / 4;
}

/** The caller's float view of `memory` (the heap given to the helpers), where sharedHeapIndex() indices address it; undefined where it is not the GEMM heap. */
export function sharedHeapFloats(memory: WebAssembly.Memory | undefined): Float32Array | undefined {
  const heap = wasmGemmHeap();
  return memory && heap?.memory === memory ? heap.f32 : undefined;
}

/**
 * A helper's float view of the shared heap. The caller may grow the memory between jobs: the
 * view is made again when a job names floats past its end (the views of a shared memory never
 * detach, they only stop short of its newer end).
 */
export class SharedHeapView {
  private view: Float32Array;

  constructor(private readonly memory: WebAssembly.Memory) {
    this.view = new Float32Array(memory.buffer);
  }

  /** A view over at least floats [0, end). */
  covering(end: number): Float32Array {
    if (end > this.view.length) this.view = new Float32Array(this.memory.buffer);
    return this.view;
  }
}
