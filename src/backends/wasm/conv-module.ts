/**
 * Loads the conv WebAssembly module (wasm/assembly/conv.ts), the relaxed-SIMD build where the
 * engine validates it, else plain SIMD. It runs on a memory it imports: the GEMM heap's, where
 * a run's activation arenas live, so convolutions read their input and write their output where
 * they are; a memory of its own for an instance that copies every operand; or a shared memory
 * that the threads of the parallel convolution all work in. At over 60 KiB it is over the 4 KiB
 * a browser's main thread may compile synchronously: there it is compiled asynchronously
 * (imported-memory-module.ts), and until it is ready convolutions stay in TypeScript. Node and
 * workers compile it synchronously on first use.
 */
import { convRelaxedSimdWasm, convSharedRelaxedSimdWasm, convSharedSimdWasm, convSimdWasm } from './conv-wasm.generated.js';
import { ImportedMemoryModule } from './imported-memory-module.js';
import { wasmGemmHeap } from './wasm-gemm.js';
import { isSharedMemory, validBuild, type ModuleBuilds, type SimdVariant } from './wasm-instance.js';

/** The exports of wasm/assembly/conv.ts; addresses are byte offsets into the memory, booleans are numbers. */
export interface ConvExports {
  heapBase(): number;
  setWindow(
    planeH: number, planeW: number, kernelH: number, kernelW: number, strideH: number, strideW: number,
    dilationH: number, dilationW: number, outH: number, outW: number,
  ): void;
  setActivation(alpha: number, beta: number): void;
  imageSlack(): number;
  flushDenormals(at: number, count: number): void;
  threadScratchBytes(): number;
  /** Where the kernels that keep a few bytes between steps (convImage, winogradImage, winogradWeights) keep them: set before each call. */
  setThreadScratch(at: number): void;
  padImage(x: number, channels: number, h: number, w: number, top: number, left: number, fill: number, out: number): void;
  fillTapOffsets(channels: number, table: number): void;
  packedWeightsLength(groups: number, m: number, k: number): number;
  packWeights(w: number, groups: number, m: number, k: number, out: number): void;
  packedPatchesLength(): number;
  convImage(
    x: number, groups: number, channels: number, m: number, pa: number, taps: number, bias: number,
    y: number, pb: number, act: number, accumulate: number, m0: number, m1: number, p0: number, p1: number, z: number,
  ): void;
  addResidual(y: number, z: number, count: number, act: number): void;
  winogradWeightsLength(c: number, m: number, tile: number): number;
  winogradWeightsScratchLength(c: number, m: number, tile: number): number;
  winogradWeights(w: number, c: number, m: number, scratch: number, out: number, tile: number): void;
  winogradScratchLength(c: number, m: number, tile: number): number;
  tileCount(tile: number): number;
  winogradImage(
    x: number, c: number, m: number, u: number, bias: number, y: number, scratch: number, act: number, accumulate: number, tile: number,
    first: number, last: number, m0: number, m1: number,
  ): void;
  winogradInputLength(c: number, m: number, tile: number): number;
  winogradProductsLength(c: number, m: number, tile: number): number;
  winogradInput(
    x: number, c: number, m: number, h: number, w: number, top: number, left: number, padded: number, tile: number, p0: number, p1: number, v: number,
  ): void;
  winogradProducts(
    v: number, c: number, m: number, u: number, bias: number, y: number, scratch: number, act: number, accumulate: number, tile: number,
    m0: number, m1: number,
  ): void;
  depthwise(x: number, channels: number, multiplier: number, w: number, bias: number, y: number, act: number): void;
  depthwisePadded(
    x: number, channels: number, multiplier: number, w: number, bias: number, y: number, act: number,
    h: number, width: number, top: number, left: number, plane: number,
  ): void;
  splitColumns(x: number, channels: number, h: number, w: number, top: number, left: number, out: number): void;
  splitTapOffsets(channels: number, table: number): void;
  smallChannelWeightsLength(m: number, k: number): number;
  packSmallChannelWeights(w: number, m: number, k: number, out: number): void;
  smallChannelConv(
    x: number, channels: number, m: number, w: number, taps: number, bias: number, y: number, act: number, accumulate: number,
    rowStart: number, rowEnd: number, alpha: number, beta: number,
  ): void;
  poolScratchLength(): number;
  maxPool(x: number, planes: number, scratch: number, y: number): void;
  averagePool(x: number, planes: number, rowDivisors: number, colDivisors: number, scratch: number, y: number): void;
  gemvPackedColumns(n: number, k: number, a: number, pb: number, c: number, alpha: number, beta: number, j0: number, j1: number): void;
}

/** One instance: its exports, its build, and the memory it works in. */
export interface ConvModule {
  readonly exports: ConvExports;
  readonly variant: SimdVariant;
  readonly memory: WebAssembly.Memory;
}

const builds: ModuleBuilds = { 'relaxed-simd': convRelaxedSimdWasm, simd: convSimdWasm };
const sharedBuilds: ModuleBuilds = { 'relaxed-simd': convSharedRelaxedSimdWasm, simd: convSharedSimdWasm };

/** Pages a shared memory for instantiateSharedConv starts with; it grows as the host lays out calls. */
const SHARED_INITIAL_PAGES = 64;
const SHARED_MAXIMUM_PAGES = 65536;

const loader = new ImportedMemoryModule<ConvExports>(builds, sharedBuilds);

/**
 * The instance convolutions use: on the GEMM heap's memory, where activations live. Undefined
 * where there is no GEMM heap (wasm off or not loaded), or the module does not load here or is
 * still compiling.
 */
export function convModule(): ConvModule | undefined {
  const heap = wasmGemmHeap();
  return heap && convModuleOn(heap.memory);
}

/** The instance on `memory` (one per memory), or undefined where it does not load or is not ready yet. */
export function convModuleOn(memory: WebAssembly.Memory): ConvModule | undefined {
  const exports = loader.on(memory);
  const variant = loader.variantOn(memory);
  return exports && variant && { exports, variant, memory };
}

/** A fresh instance of one build on a fresh memory of its own, compiled synchronously, or undefined where this engine cannot. */
export function instantiateConv(variant: SimdVariant): ConvModule | undefined {
  return instantiateOn(builds, variant, new WebAssembly.Memory({ initial: 1 }));
}

/**
 * The instance the calling thread runs parallel convolutions on, in a memory helper threads
 * share: the GEMM heap's where that memory is shared (activations are then read and written
 * where they lie), else a fresh shared memory (operands copied in and out). Undefined where the
 * engine has no shared memory or the module is not loaded.
 */
export function parallelConvModule(): ConvModule | undefined {
  const inHeap = convModule();
  if (inHeap && isSharedMemory(inHeap.memory)) return inHeap;
  const variant = inHeap?.variant;
  const memory = variant && sharedConvMemory();
  return memory && variant ? instantiateSharedConv(variant, memory) : undefined;
}

/**
 * A shared memory for the conv module's shared-memory builds, or undefined where this engine has
 * none (no SharedArrayBuffer: a page that is not cross-origin isolated).
 */
export function sharedConvMemory(): WebAssembly.Memory | undefined {
  try {
    return new WebAssembly.Memory({ initial: SHARED_INITIAL_PAGES, maximum: SHARED_MAXIMUM_PAGES, shared: true });
  } catch {
    return undefined;
  }
}

/**
 * An instance of one build that works in `memory` (from sharedConvMemory), compiled
 * synchronously: every thread of the parallel convolution runs one on the same memory.
 */
export function instantiateSharedConv(variant: SimdVariant, memory: WebAssembly.Memory): ConvModule | undefined {
  return instantiateOn(sharedBuilds, variant, memory);
}

function instantiateOn(from: ModuleBuilds, variant: SimdVariant, memory: WebAssembly.Memory): ConvModule | undefined {
  const bytes = validBuild(from, variant);
  if (!bytes) return undefined;
  try {
    const { exports } = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } });
    return { exports: exports as unknown as ConvExports, variant, memory };
  } catch {
    return undefined;
  }
}
