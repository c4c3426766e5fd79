/**
 * The memory the elementwise module runs in, as its host sees it: per-call scratch for operands
 * that live elsewhere, and whether an operand already lies in it. The GEMM heap (WasmHeap) is
 * one, where a run's activations live; OwnMemory is the other, a memory of the host's own for
 * when there is no GEMM heap or the heap cannot give scratch without growing during a run.
 */
import { LinearMemory } from './linear-memory.js';

export interface ElementwiseMemory {
  readonly memory: WebAssembly.Memory;
  /** The whole memory as floats; re-read after every scratch() (growth detaches the old view). */
  readonly f32: Float32Array;
  /** Byte offsets of aligned buffers of these float counts, valid for one call; undefined where the memory may not grow so far now. */
  scratch(floatCounts: readonly number[]): number[] | undefined;
  /** Whether `view` lies in this memory, so the module can address it where it is. */
  holds(view: ArrayBufferView): boolean;
}

/** Buffers start past address 0, which the module's optional operands take to mean "none". */
const FIRST_BUFFER = 64;

export class OwnMemory implements ElementwiseMemory {
  readonly memory = new WebAssembly.Memory({ initial: 1 });
  private readonly linear = new LinearMemory(this.memory, FIRST_BUFFER);

  get f32(): Float32Array {
    return this.linear.f32;
  }

  scratch(floatCounts: readonly number[]): number[] | undefined {
    const { offsets, end } = this.linear.layout(floatCounts);
    return this.linear.reserve(end) ? offsets : undefined;
  }

  holds(view: ArrayBufferView): boolean {
    return view.buffer === this.memory.buffer;
  }
}

/** Operand traffic of the elementwise module's kernels, for measuring what running in the GEMM heap saves. */
export interface ElementwiseTraffic {
  /** Floats copied into or out of a module memory. */
  copiedFloats: number;
  /** Operands and outputs the module addressed where they were (a run's arena). */
  operandsInPlace: number;
}

export const traffic: ElementwiseTraffic = { copiedFloats: 0, operandsInPlace: 0 };

/** The byte address of element `offset` of a view that lies in the module's memory. */
export function addressOf(view: Float32Array, offset: number): number {
  return view.byteOffset + offset * 4;
}

/** n floats of src from `start` into the memory at byte offset `at`; returns `at`. */
export function copyIn(heap: Float32Array, at: number, src: Float32Array, start: number, n: number): number {
  heap.set(src.subarray(start, start + n), at / 4);
  traffic.copiedFloats += n;
  return at;
}

/** n floats from the memory at byte offset `at` into out from `start`. */
export function copyOut(heap: Float32Array, at: number, out: Float32Array, start: number, n: number): void {
  out.set(heap.subarray(at / 4, at / 4 + n), start);
  traffic.copiedFloats += n;
}
