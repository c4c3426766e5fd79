/**
 * One mean, sum or maximum per float32 plane (GlobalAveragePool, GlobalMaxPool, ReduceMean and
 * ReduceSum over trailing axes) on the elementwise module (wasm/assembly/plane-reduce.ts). X is
 * addressed where it lies in the GEMM heap (a run's arena), else copied in chunks of whole
 * planes; Y, one float per plane, goes through scratch unless it lies there too.
 */
import { inElementwiseModule } from './elementwise-instances.js';
import { addressOf, copyIn, copyOut, traffic, type ElementwiseMemory } from './elementwise-memory.js';
import type { ElementwiseExports } from './elementwise-module.js';

/** The module's op codes (the constants of wasm/assembly/plane-reduce.ts). */
const PLANE_OPS = { mean: 0, max: 1, sum: 2 } as const;
export type PlaneReduction = keyof typeof PLANE_OPS;

/** Below this many floats per plane the call costs more than the TypeScript loop. */
const MIN_PLANE = 16;
/** Floats of X copied per call where X lies outside the heap: small enough to stay in L2. */
const CHUNK = 1 << 16;

function reduceIn(
  exports: ElementwiseExports, memory: ElementwiseMemory, op: PlaneReduction, x: Float32Array, y: Float32Array, planes: number, planeSize: number,
): boolean {
  const xHere = memory.holds(x);
  const yHere = memory.holds(y);
  const chunkPlanes = xHere ? planes : Math.max(1, Math.min(planes, Math.floor(CHUNK / planeSize)));
  const offsets = memory.scratch([xHere ? 0 : chunkPlanes * planeSize, yHere ? 0 : chunkPlanes]);
  if (!offsets) return false;
  const [xScratch, yScratch] = offsets;
  const heap = memory.f32;
  for (let first = 0; first < planes; first += chunkPlanes) {
    const count = Math.min(chunkPlanes, planes - first);
    const xAt = xHere ? addressOf(x, first * planeSize) : copyIn(heap, xScratch, x, first * planeSize, count * planeSize);
    const yAt = yHere ? addressOf(y, first) : yScratch;
    exports.planeReduce(PLANE_OPS[op], xAt, yAt, count, planeSize);
    if (!yHere) copyOut(heap, yAt, y, first, count);
  }
  traffic.operandsInPlace += +xHere + +yHere;
  return true;
}

/**
 * y[p] = the mean, sum or maximum of x[p * planeSize ..][0 .. planeSize) for every plane p; false,
 * with y untouched, where the module cannot run it (WebAssembly kernels off or not loaded,
 * planes too small for the call to pay, scratch that cannot grow now).
 */
export function wasmPlaneReduceF32(op: PlaneReduction, x: Float32Array, y: Float32Array, planes: number, planeSize: number): boolean {
  if (planes === 0 || planeSize < MIN_PLANE || planes * planeSize > x.length || planes > y.length) return false;
  return inElementwiseModule((exports, memory) => reduceIn(exports, memory, op, x, y, planes, planeSize));
}
