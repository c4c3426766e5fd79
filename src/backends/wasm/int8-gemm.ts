/**
 * The integer matrix product of the quantized kernels on the int8 GEMM module: the centered
 * 16-bit operands and the int32 accumulators are copied into its memory, B is packed there,
 * and C is copied back. Results equal the TypeScript product's bit for bit (both wrap int32
 * sums mod 2³²). Where the module is not loaded, WebAssembly kernels are off
 * (env.wasm.simd = false) or the product is too small for the copies to pay, this returns
 * false and the caller runs its TypeScript loops. The only file that lays out the module's memory.
 */
import { env } from '../../config/env.js';
import type { IntegerProduct } from '../../kernels/quant/integer-product.js';
import { int8GemmModule, type Int8GemmExports } from './int8-gemm-module.js';
import { LinearMemory } from './linear-memory.js';

/** Below this many multiply-adds the copies cost more than the TypeScript loops save. */
const MIN_WORK = 1 << 14;
/** Operands larger than this (bytes) stay in TypeScript rather than grow the module's memory. */
const MAX_BYTES = 1 << 28;

class Int8GemmHost {
  private readonly memory: LinearMemory;

  constructor(private readonly exports: Int8GemmExports) {
    this.memory = new LinearMemory(exports.memory, exports.heapBase());
  }

  product(op: IntegerProduct): boolean {
    const { m, n, k, a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc } = op;
    const kEven = k + (k % 2);
    const aBytes = m * kEven * 2;
    const bBytes = k * n * 2;
    const packedBytes = this.exports.packedBLength(k, n) * 2;
    const cBytes = m * n * 4;
    if (aBytes + bBytes + packedBytes + cBytes > MAX_BYTES) return false;
    const floats = (bytes: number) => Math.ceil(bytes / 4);
    const { offsets: [aAt, bAt, packedAt, cAt], end } = this.memory.layout([aBytes, bBytes, packedBytes, cBytes].map(floats));
    if (!this.memory.reserve(end)) return false;
    const buffer = this.exports.memory.buffer;
    const i16 = new Int16Array(buffer);
    const i32 = new Int32Array(buffer);
    for (let i = 0; i < m; i++) {
      const row = aAt / 2 + i * kEven;
      i16.set(a.subarray(aOffset + i * lda, aOffset + i * lda + k), row);
      if (kEven !== k) i16[row + k] = 0;
    }
    for (let p = 0; p < k; p++) i16.set(b.subarray(bOffset + p * ldb, bOffset + p * ldb + n), bAt / 2 + p * n);
    for (let i = 0; i < m; i++) i32.set(c.subarray(cOffset + i * ldc, cOffset + i * ldc + n), cAt / 4 + i * n);
    this.exports.packB(bAt, n, k, n, packedAt);
    this.exports.gemm(m, n, k, aAt, kEven, packedAt, cAt, n);
    for (let i = 0; i < m; i++) c.set(i32.subarray(cAt / 4 + i * n, cAt / 4 + (i + 1) * n), cOffset + i * ldc);
    return true;
  }
}

let shared: Int8GemmHost | undefined;

function host(): Int8GemmHost | undefined {
  if (env.wasm.simd === false) return undefined;
  if (shared) return shared;
  const module = int8GemmModule();
  if (module) shared = new Int8GemmHost(module);
  return shared;
}

/** C += A · B as `op` describes, on the int8 GEMM module; false where it stays in TypeScript. */
export function wasmIntegerProduct(op: IntegerProduct): boolean {
  if (op.m * op.n * op.k < MIN_WORK) return false;
  return host()?.product(op) ?? false;
}
