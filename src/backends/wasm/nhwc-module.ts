/**
 * The NHWC WebAssembly module (wasm/assembly/nhwc-module.ts) on the memory it imports, the GEMM
 * heap's (imported-memory-module.ts says how it loads); until it is ready the NHWC kernels stay
 * in TypeScript.
 */
import { ImportedMemoryModule } from './imported-memory-module.js';
import type { ModuleBuilds } from './wasm-instance.js';
import { nhwcRelaxedSimdWasm, nhwcSharedRelaxedSimdWasm, nhwcSharedSimdWasm, nhwcSimdWasm } from './nhwc-wasm.generated.js';

/** The exports of wasm/assembly/nhwc-conv.ts, nhwc-pointwise.ts, nhwc-transpose.ts and nhwc-gather.ts; addresses are byte offsets into the imported memory. */
export interface NhwcExports {
  nhwcEpilogue(y: number, rows: number, channels: number, bias: number, z: number, act: number, alpha: number, beta: number): void;
  nhwcDepthwise(
    x: number, batch: number, inH: number, inW: number, channels: number, w: number, bias: number, z: number, y: number,
    outH: number, outW: number, kernelH: number, kernelW: number, strideH: number, strideW: number,
    padTop: number, padLeft: number, dilationH: number, dilationW: number, act: number, alpha: number, beta: number,
  ): void;
  nhwcPointwise(x: number, rows: number, k: number, w: number, n: number, bias: number, z: number, y: number, act: number, alpha: number, beta: number): void;
  transpose32(x: number, y: number, batches: number, rows: number, cols: number): void;
  gather32(x: number, y: number, d0: number, s0: number, d1: number, s1: number, d2: number, s2: number): void;
  copyRuns32(x: number, y: number, rows: number, words: number, xStride: number, yStride: number): void;
}

const builds: ModuleBuilds = { 'relaxed-simd': nhwcRelaxedSimdWasm, simd: nhwcSimdWasm };

const sharedBuilds: ModuleBuilds = { 'relaxed-simd': nhwcSharedRelaxedSimdWasm, simd: nhwcSharedSimdWasm };

const loader = new ImportedMemoryModule<NhwcExports>(builds, sharedBuilds);

/** The module's exports on `memory`, or undefined where it does not load or is not ready yet. */
export function nhwcModuleOn(memory: WebAssembly.Memory): NhwcExports | undefined {
  return loader.on(memory);
}
