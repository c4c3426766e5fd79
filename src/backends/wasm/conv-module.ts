/**
 * Loads the conv WebAssembly module (wasm/assembly/conv.ts), the relaxed-SIMD build where the
 * engine validates it, else plain SIMD. At about 9 KiB it is over the 4 KiB a browser's main
 * thread may compile synchronously: there the synchronous attempt is refused, the module is
 * compiled asynchronously instead, and until it is ready convolutions stay in TypeScript
 * (convModuleReady lets a session wait for it). Node and workers compile it synchronously on
 * first use.
 */
import { convRelaxedSimdWasm, convSharedRelaxedSimdWasm, convSharedSimdWasm, convSimdWasm } from './conv-wasm.generated.js';
import { instantiateSync, validBuild, type ModuleBuilds, type SimdVariant } from './wasm-instance.js';

/** The exports of wasm/assembly/conv.ts; addresses are byte offsets into `memory`, booleans are numbers. */
export interface ConvExports {
  readonly memory: WebAssembly.Memory;
  heapBase(): number;
  setWindow(
    planeH: number, planeW: number, kernelH: number, kernelW: number, strideH: number, strideW: number,
    dilationH: number, dilationW: number, outH: number, outW: number,
  ): void;
  setActivation(alpha: number, beta: number): void;
  imageSlack(): number;
  flushDenormals(at: number, count: number): void;
  threadScratchBytes(): number;
  setThreadScratch(at: number): void;
  padImage(x: number, channels: number, h: number, w: number, top: number, left: number, fill: number, out: number): void;
  fillTapOffsets(channels: number, table: number): void;
  packedWeightsLength(groups: number, m: number, k: number): number;
  packWeights(w: number, groups: number, m: number, k: number, out: number): void;
  packedPatchesLength(): number;
  convImage(
    x: number, groups: number, channels: number, m: number, pa: number, taps: number, bias: number,
    y: number, pb: number, act: number, accumulate: number, m0: number, m1: number, p0: number, p1: number,
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
  depthwise(x: number, channels: number, multiplier: number, w: number, bias: number, y: number, act: number): void;
  poolScratchLength(): number;
  maxPool(x: number, planes: number, scratch: number, y: number): void;
  averagePool(x: number, planes: number, rowDivisors: number, colDivisors: number, scratch: number, y: number): void;
}

export interface ConvModule {
  readonly exports: ConvExports;
  readonly variant: SimdVariant;
}

const builds: ModuleBuilds = { 'relaxed-simd': convRelaxedSimdWasm, simd: convSimdWasm };
const sharedBuilds: ModuleBuilds = { 'relaxed-simd': convSharedRelaxedSimdWasm, simd: convSharedSimdWasm };

/** Pages a shared memory for instantiateSharedConv starts with; it grows as the host lays out calls. */
const SHARED_INITIAL_PAGES = 64;
const SHARED_MAXIMUM_PAGES = 65536;

// undefined: not tried yet; null: none loaded (yet, while `pending` runs).
let best: ConvModule | null | undefined;
let pending: Promise<ConvModule | undefined> | undefined;

/** The build convolutions use, or undefined where none loads or it is still compiling. */
export function convModule(): ConvModule | undefined {
  if (best === undefined) load();
  return best ?? undefined;
}

/** Resolves once the module is loaded (or known not to load here): for callers that may await. */
export function convModuleReady(): Promise<ConvModule | undefined> {
  const module = convModule();
  return pending ?? Promise.resolve(module);
}

/** A fresh instance of one build, compiled synchronously, or undefined where this engine cannot. */
export function instantiateConv(variant: SimdVariant): ConvModule | undefined {
  const bytes = validBuild(builds, variant);
  const exports = bytes && instantiateSync<ConvExports>(bytes);
  return exports && { exports, variant };
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
  const bytes = validBuild(sharedBuilds, variant);
  if (!bytes) return undefined;
  try {
    const { exports } = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } });
    return { exports: exports as unknown as ConvExports, variant };
  } catch {
    return undefined;
  }
}

function load(): void {
  best = null;
  for (const variant of ['relaxed-simd', 'simd'] as const) {
    const bytes = validBuild(builds, variant);
    if (!bytes) continue;
    const exports = instantiateSync<ConvExports>(bytes);
    if (exports) {
      best = { exports, variant };
      return;
    }
    pending = WebAssembly.instantiate(bytes, {}).then(
      ({ instance }) => {
        best = { exports: instance.exports as unknown as ConvExports, variant };
        return best;
      },
      () => undefined,
    );
    return;
  }
}
