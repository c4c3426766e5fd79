/**
 * Loads the f32 GEMM WebAssembly module once, synchronously, so gemm() stays synchronous: the
 * module is under 3 KiB, within every engine's limit for synchronous compilation on a
 * browser's main thread. The relaxed-SIMD build is taken where the engine validates it, the
 * plain SIMD build otherwise. Where neither loads (no SIMD, WebAssembly missing or forbidden by
 * a Content Security Policy) there is no module, and callers keep their TypeScript path.
 */
import { gemmRelaxedSimdWasm, gemmSharedRelaxedSimdWasm, gemmSharedSimdWasm, gemmSimdWasm } from './gemm-wasm.generated.js';
import { instantiateSync, validBuild, type ModuleBuilds, type SimdVariant } from './wasm-instance.js';

/** The exports of wasm/assembly/gemm.ts; addresses are byte offsets into `memory`. */
export interface GemmExports {
  readonly memory: WebAssembly.Memory;
  heapBase(): number;
  packedALength(): number;
  packedBLength(k: number, n: number): number;
  packB(b: number, ldb: number, transB: boolean, k: number, n: number, out: number): void;
  /** c (1 x n) = alpha * a . B + beta * c, B as packB packed it at `pb`; a is k contiguous floats. */
  gemvPacked(n: number, k: number, a: number, pb: number, c: number, alpha: number, beta: number): void;
  /** The same with B stored k x n, rows ldb apart. */
  gemvRows(n: number, k: number, a: number, b: number, ldb: number, c: number, alpha: number, beta: number): void;
  /** The same with B stored n x k (transposed), rows ldb apart. */
  gemvCols(n: number, k: number, a: number, b: number, ldb: number, c: number, alpha: number, beta: number): void;
  gemm(
    m: number, n: number, k: number, a: number, lda: number, transA: boolean, pb: number,
    c: number, ldc: number, alpha: number, beta: number, pa: number,
  ): void;
}

export type GemmVariant = SimdVariant;

export interface GemmModule {
  readonly exports: GemmExports;
  readonly variant: GemmVariant;
}

const builds: ModuleBuilds = { 'relaxed-simd': gemmRelaxedSimdWasm, simd: gemmSimdWasm };
const sharedBuilds: ModuleBuilds = { 'relaxed-simd': gemmSharedRelaxedSimdWasm, simd: gemmSharedSimdWasm };

/** Pages the shared heap starts with, and wasm32's 4 GiB it may grow to. */
const SHARED_INITIAL_PAGES = 16;
const SHARED_MAXIMUM_PAGES = 65536;

// undefined: not tried yet; null: tried, and no build loads here.
let best: GemmModule | null | undefined;

/**
 * The build every product uses: relaxed SIMD where it loads, else plain SIMD, else none; on a
 * shared memory where the engine has one (Node, workers, cross-origin isolated pages), so that
 * helper threads work on the activations kept in its heap where they lie (backends/threads/).
 */
export function gemmModule(): GemmModule | undefined {
  if (best === undefined) {
    best = instantiateSharedGemm('relaxed-simd') ?? instantiateSharedGemm('simd') ?? instantiateGemm('relaxed-simd') ?? instantiateGemm('simd') ?? null;
  }
  return best ?? undefined;
}

/** A fresh instance of one build on a fresh shared memory, or undefined where this engine has no shared memory or cannot run it synchronously. */
function instantiateSharedGemm(variant: GemmVariant): GemmModule | undefined {
  const bytes = validBuild(sharedBuilds, variant);
  if (!bytes) return undefined;
  try {
    const memory = new WebAssembly.Memory({ initial: SHARED_INITIAL_PAGES, maximum: SHARED_MAXIMUM_PAGES, shared: true });
    const exports = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } }).exports as unknown as GemmExports;
    return { exports, variant };
  } catch {
    // No shared memory here (a page that is not cross-origin isolated), or a synchronous compile refused.
    return undefined;
  }
}

/** A fresh instance of one build, or undefined where this engine cannot run it. */
export function instantiateGemm(variant: GemmVariant): GemmModule | undefined {
  const bytes = validBuild(builds, variant);
  const exports = bytes && instantiateSync<GemmExports>(bytes);
  return exports && { exports, variant };
}
