/**
 * Float32 GEMM on the WebAssembly SIMD module (wasm/assembly/), behind gemm()'s operands.
 *
 * The module computes on its own linear memory, so every call copies A and B in, C in too
 * unless beta is 0, and C back out: about 4 * (mk + kn + 2mn) bytes of memcpy, under 2% of a
 * 1024^3 product and a few percent of a conv-shaped one, until the activation arena lets
 * kernels read and write wasm memory directly.
 */
import { env } from '../../config/env.js';
import { KernelInputError } from '../../errors/errors.js';
import type { GemmOperands } from '../../kernels/linalg/gemm-core.js';
import { gemmModule, type GemmExports, type GemmModule, type GemmVariant } from './gemm-module.js';
import { LinearMemory } from './linear-memory.js';
import { copyIn, copyOut, copyStride, extent } from './operand-copy.js';

/** B (k x n) packed once, for a constant B such as a weight, in the module's panel layout. */
export interface PackedBF32 {
  readonly k: number;
  readonly n: number;
  readonly panels: Float32Array;
}

/** The GEMM entry points on one instance of the module, which owns that instance's memory. */
export class WasmGemm {
  private readonly exports: GemmExports;
  private readonly memory: LinearMemory;
  readonly variant: GemmVariant;

  constructor(module: GemmModule) {
    this.exports = module.exports;
    this.variant = module.variant;
    this.memory = new LinearMemory(module.exports.memory, module.exports.heapBase());
  }

  /** As wasmGemmF32, on this instance. */
  gemmF32(op: GemmOperands, packedB?: PackedBF32): boolean {
    const { m, n, k, a, b, c, alpha, beta, transA, transB } = op;
    if (!(a instanceof Float32Array && b instanceof Float32Array && c instanceof Float32Array)) return false;
    if (m === 0 || n === 0 || k === 0 || alpha === 0) return false;
    if (packedB && (packedB.k !== k || packedB.n !== n)) {
      throw new KernelInputError(`packed B is ${packedB.k} x ${packedB.n}, the product needs ${k} x ${n}`);
    }
    const { exports, memory } = this;
    const [aRows, aCols] = transA ? [k, m] : [m, k];
    const [bRows, bCols] = transB ? [n, k] : [k, n];
    const lda = copyStride(aRows, aCols, op.lda);
    const ldb = copyStride(bRows, bCols, op.ldb);
    const ldc = beta === 0 ? n : copyStride(m, n, op.ldc);
    const { offsets: [packedA, packed, aAt, cAt, bAt], end } = memory.layout([
      exports.packedALength(),
      exports.packedBLength(k, n),
      extent(aRows, aCols, lda),
      extent(m, n, ldc),
      packedB ? 0 : extent(bRows, bCols, ldb),
    ]);
    if (!memory.reserve(end)) return false;
    const heap = memory.f32;
    copyIn(heap, aAt, a, op.aOffset, aRows, aCols, op.lda, lda);
    if (packedB) heap.set(packedB.panels, packed / 4);
    else {
      copyIn(heap, bAt, b, op.bOffset, bRows, bCols, op.ldb, ldb);
      exports.packB(bAt, ldb, transB, k, n, packed);
    }
    if (beta !== 0) copyIn(heap, cAt, c, op.cOffset, m, n, op.ldc, ldc);
    exports.gemm(m, n, k, aAt, lda, transA, packed, cAt, ldc, alpha, beta, packedA);
    copyOut(heap, cAt, ldc, c, op.cOffset, op.ldc, m, n);
    return true;
  }

  /** As packBF32, on this instance. */
  packB(b: Float32Array, bOffset: number, ldb: number, transB: boolean, k: number, n: number): PackedBF32 | undefined {
    if (k === 0 || n === 0) return undefined;
    const { exports, memory } = this;
    const [rows, cols] = transB ? [n, k] : [k, n];
    const ld = copyStride(rows, cols, ldb);
    const length = exports.packedBLength(k, n);
    const { offsets: [packed, bAt], end } = memory.layout([length, extent(rows, cols, ld)]);
    if (!memory.reserve(end)) return undefined;
    const heap = memory.f32;
    copyIn(heap, bAt, b, bOffset, rows, cols, ldb, ld);
    exports.packB(bAt, ld, transB, k, n, packed);
    return { k, n, panels: heap.slice(packed / 4, packed / 4 + length) };
  }
}

let shared: WasmGemm | undefined;

/** The instance gemm() uses, unless the user turned WebAssembly kernels off (env.wasm.simd = false) or none loads. */
function sharedGemm(): WasmGemm | undefined {
  if (env.wasm.simd === false) return undefined;
  if (shared) return shared;
  const module = gemmModule();
  if (module) shared = new WasmGemm(module);
  return shared;
}

/** Which build products run on here, or undefined when they stay in TypeScript. */
export function wasmGemmVariant(): GemmVariant | undefined {
  return sharedGemm()?.variant;
}

/**
 * C = alpha * op(A) * op(B) + beta * C when A, B and C are all Float32Arrays; false, with C
 * untouched, when it cannot: another element type, an empty product, alpha 0 (C = beta * C
 * needs no product, and 0 * inf must not reach C), wasm off or unavailable, or memory that will
 * not grow. With `packedB` (from packBF32, for the same k and n) op.b and its layout are not read.
 */
export function wasmGemmF32(op: GemmOperands, packedB?: PackedBF32): boolean {
  return sharedGemm()?.gemmF32(op, packedB) ?? false;
}

/**
 * Packs B (k x n; stored n x k when transB) for repeated products with wasmGemmF32: each call
 * then copies the panels in one block instead of copying and packing B. Undefined where
 * wasmGemmF32 would not run (wasm off or unavailable, an empty B). The panels fit every build.
 */
export function packBF32(
  b: Float32Array, bOffset: number, ldb: number, transB: boolean, k: number, n: number,
): PackedBF32 | undefined {
  return sharedGemm()?.packB(b, bOffset, ldb, transB, k, n);
}
