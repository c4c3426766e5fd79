/**
 * Loads the integer GEMM WebAssembly module (wasm/assembly/int8-gemm.ts) once, synchronously:
 * at about 2 KiB it is within every engine's limit for synchronous compilation. Its kernel uses
 * plain SIMD only (relaxed SIMD's 8-bit dot product takes 7-bit operands, which centered
 * codes are not), so either build serves; where neither loads there is no module and the
 * integer kernels stay in TypeScript.
 */
import { int8GemmRelaxedSimdWasm, int8GemmSimdWasm } from './int8-gemm-wasm.generated.js';
import { instantiateSync, validBuild, type ModuleBuilds } from './wasm-instance.js';

/** The exports of wasm/assembly/int8-gemm.ts; addresses are byte offsets into `memory`. */
export interface Int8GemmExports {
  readonly memory: WebAssembly.Memory;
  heapBase(): number;
  packedBLength(k: number, n: number): number;
  packB(b: number, ldb: number, k: number, n: number, out: number): void;
  gemm(m: number, n: number, k: number, a: number, lda: number, pb: number, c: number, ldc: number): void;
}

const builds: ModuleBuilds = { 'relaxed-simd': int8GemmRelaxedSimdWasm, simd: int8GemmSimdWasm };

// undefined: not tried yet; null: tried, and no build loads here.
let loaded: Int8GemmExports | null | undefined;

export function int8GemmModule(): Int8GemmExports | undefined {
  if (loaded === undefined) {
    const bytes = validBuild(builds, 'simd');
    loaded = (bytes && instantiateSync<Int8GemmExports>(bytes)) ?? null;
  }
  return loaded ?? undefined;
}
