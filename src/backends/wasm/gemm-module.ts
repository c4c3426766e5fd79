/**
 * Loads the f32 GEMM WebAssembly module once, synchronously, so gemm() stays synchronous: the
 * module is under 3 KiB, within every engine's limit for synchronous compilation on a
 * browser's main thread. The relaxed-SIMD build is taken where the engine validates it (the
 * validation of the module itself is the exact feature test: it uses nothing else), the plain
 * SIMD build otherwise. Where neither loads (no SIMD, WebAssembly missing or forbidden by a
 * Content Security Policy) there is no module, and callers keep their TypeScript path.
 */
import { gemmRelaxedSimdWasm, gemmSimdWasm } from './gemm-wasm.generated.js';

/** The exports of wasm/assembly/gemm.ts; addresses are byte offsets into `memory`. */
export interface GemmExports {
  readonly memory: WebAssembly.Memory;
  heapBase(): number;
  packedALength(): number;
  packedBLength(k: number, n: number): number;
  packB(b: number, ldb: number, transB: boolean, k: number, n: number, out: number): void;
  gemm(
    m: number, n: number, k: number, a: number, lda: number, transA: boolean, pb: number,
    c: number, ldc: number, alpha: number, beta: number, pa: number,
  ): void;
}

export type GemmVariant = 'relaxed-simd' | 'simd';

export interface GemmModule {
  readonly exports: GemmExports;
  readonly variant: GemmVariant;
}

const builds: Record<GemmVariant, string> = { 'relaxed-simd': gemmRelaxedSimdWasm, simd: gemmSimdWasm };

// undefined: not tried yet; null: tried, and no build loads here.
let best: GemmModule | null | undefined;

/** The build every product uses: relaxed SIMD where it loads, else plain SIMD, else none. */
export function gemmModule(): GemmModule | undefined {
  if (best === undefined) best = instantiateGemm('relaxed-simd') ?? instantiateGemm('simd') ?? null;
  return best ?? undefined;
}

/** A fresh instance of one build, or undefined where this engine cannot run it. */
export function instantiateGemm(variant: GemmVariant): GemmModule | undefined {
  if (typeof WebAssembly !== 'object') return undefined;
  const bytes = decodeBase64(builds[variant]);
  if (!WebAssembly.validate(bytes)) return undefined;
  try {
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), {});
    return { exports: instance.exports as unknown as GemmExports, variant };
  } catch {
    // Valid but refused: a CSP without 'wasm-unsafe-eval', or an old engine's size limit on
    // synchronous compilation.
    return undefined;
  }
}

/** atob exists in Node 16+, browsers and workers alike; Node's Buffer does not. */
function decodeBase64(base64: string): Uint8Array<ArrayBuffer> {
  const text = atob(base64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}
