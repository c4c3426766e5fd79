/**
 * Float32 elementwise ops, softmax rows and row normalizations on the elementwise WebAssembly
 * module: operands are copied into its memory, one export runs over them, and the result is
 * copied out. Where the module is not loaded, WebAssembly kernels are off (env.wasm.simd = false), or the arrays are too small for
 * the copies to pay, these return false and the caller runs its TypeScript loop.
 * This file is the only one that lays out the module's memory.
 */
import { env } from '../../config/env.js';
import type { BroadcastRuns } from '../../kernels/support/broadcast.js';
import { forEachRun } from '../../kernels/support/broadcast.js';
import { elementwiseModule, type ElementwiseExports } from './elementwise-module.js';
import { LinearMemory } from './linear-memory.js';

/**
 * Rows of `length` floats normalized as LayerNormalization (centered) or RMS normalization, with
 * Scale (and beta) one value per row element; the skip forms add skip (indexed by element mod its
 * length) and bias first, and may ask for that sum. mean and invStdDev get one double per row.
 */
export interface RowNormalization {
  readonly x: Float32Array;
  readonly skip?: Float32Array;
  readonly bias?: Float32Array;
  readonly scale: Float32Array;
  readonly beta?: Float32Array;
  readonly out: Float32Array;
  readonly sum?: Float32Array;
  readonly mean: Float64Array;
  readonly invStdDev: Float64Array;
  readonly length: number;
  readonly epsilon: number;
  readonly centered: boolean;
}

/** The module's op codes (the constants of wasm/assembly/elementwise.ts). */
export const WASM_UNARY = {
  relu: 0, leakyRelu: 1, clip: 2, hardSigmoid: 3, hardSwish: 4, sigmoid: 5, tanh: 6, exp: 7,
  erf: 8, gelu: 9, tanhGelu: 10, swish: 11, mish: 12, sqrt: 13, log: 14, softplus: 15, elu: 16, selu: 17, softsign: 18,
} as const;
export type WasmUnaryOp = keyof typeof WASM_UNARY;

export const WASM_BINARY = { add: 0, sub: 1, mul: 2, div: 3, max: 4, min: 5, prelu: 6 } as const;
export type WasmBinaryOp = keyof typeof WASM_BINARY;

/** Below these the call and copies cost more than the TypeScript loop. */
const MIN_UNARY = 64;
const MIN_BINARY = 256;
/** Shorter runs waste most of each vector; the TypeScript loop takes them. */
const MIN_RUN = 16;
/** Softmax and normalized rows shorter than this spend more on per-row scalar tails than the vectors save. */
const MIN_SOFTMAX_ROW = 8;
const MIN_NORMALIZED_ROW = 8;
/** Floats processed per pass: small enough that copy in, compute and copy out stay in L2. */
const CHUNK = 1 << 16;
/** Operands larger than this (floats) stay in TypeScript rather than grow the module's memory. */
const MAX_OPERANDS = 1 << 24;
/** The module's loops run whole vectors: every buffer gets room for one more. */
const VECTOR = 4;

class ElementwiseHost {
  private readonly memory: LinearMemory;

  constructor(private readonly exports: ElementwiseExports) {
    this.memory = new LinearMemory(exports.memory, exports.heapBase());
  }

  /** out = op(x) in chunks, each computed in place in the module's memory. */
  unary(op: WasmUnaryOp, x: Float32Array, out: Float32Array, p0: number, p1: number): boolean {
    const chunk = Math.min(CHUNK, x.length);
    const { offsets: [at], end } = this.memory.layout([chunk + VECTOR]);
    if (!this.memory.reserve(end)) return false;
    const heap = this.memory.f32;
    const code = WASM_UNARY[op];
    for (let start = 0; start < x.length; start += chunk) {
      const n = Math.min(chunk, x.length - start);
      heap.set(x.subarray(start, start + n), at / 4);
      this.exports.unary(code, at, at, n, p0, p1);
      out.set(heap.subarray(at / 4, at / 4 + n), start);
    }
    return true;
  }

  /** out = op(a, b) over broadcast runs: A and B are copied in whole, the output in chunks of whole runs. */
  binary(op: WasmBinaryOp, runs: BroadcastRuns, a: Float32Array, b: Float32Array, out: Float32Array): boolean {
    // Runs longer than a chunk are cut into equal parts, so each chunk of output stays in cache.
    const parts = partsOf(runs.block);
    const block = runs.block / parts;
    const total = (runs.size / runs.block) * parts;
    const chunkRuns = Math.min(Math.max(1, Math.floor(CHUNK / block)), total);
    const { offsets: [aAt, bAt, tableAt, outAt], end } = this.memory.layout([
      a.length + VECTOR, b.length + VECTOR, 2 * total, chunkRuns * block + VECTOR,
    ]);
    if (!this.memory.reserve(end)) return false;
    const heap = this.memory.f32;
    heap.set(a, aAt / 4);
    heap.set(b, bAt / 4);
    const table = new Int32Array(heap.buffer, tableAt, 2 * total);
    const aPart = block * runs.aStep;
    const bPart = block * runs.bStep;
    let r = 0;
    forEachRun(runs, (_, ai, bi) => {
      for (let part = 0; part < parts; part++) {
        table[r++] = ai + part * aPart;
        table[r++] = bi + part * bPart;
      }
    });
    const code = WASM_BINARY[op];
    for (let first = 0; first < total; first += chunkRuns) {
      const count = Math.min(chunkRuns, total - first);
      this.exports.binary(code, aAt, bAt, outAt, block, runs.aStep, runs.bStep, tableAt + first * 8, count);
      out.set(heap.subarray(outAt / 4, outAt / 4 + count * block), first * block);
    }
    return true;
  }

  /** Softmax (or LogSoftmax) of each row in place in the module's memory, in chunks of whole rows. */
  softmaxRows(x: Float32Array, out: Float32Array, rows: number, length: number, log: boolean): boolean {
    const chunkRows = Math.min(Math.max(1, Math.floor(CHUNK / length)), rows);
    const { offsets: [at], end } = this.memory.layout([chunkRows * length]);
    if (!this.memory.reserve(end)) return false;
    const heap = this.memory.f32;
    for (let first = 0; first < rows; first += chunkRows) {
      const start = first * length;
      const n = Math.min(chunkRows, rows - first) * length;
      heap.set(x.subarray(start, start + n), at / 4);
      this.exports.softmaxRows(at, at, n / length, length, log ? 1 : 0);
      out.set(heap.subarray(at / 4, at / 4 + n), start);
    }
    return true;
  }

  /** One normalization in chunks of whole rows; the skip, bias, scale and beta are copied in whole. */
  normalizeRows(n: RowNormalization): boolean {
    const { x, length } = n;
    const rows = x.length / length;
    const chunkRows = Math.min(Math.max(1, Math.floor(CHUNK / length)), rows);
    const absent = 0;
    const { offsets: [xAt, outAt, statsAt, lowAt, skipAt, biasAt, scaleAt, betaAt], end } = this.memory.layout([
      chunkRows * length, chunkRows * length, 4 * chunkRows, n.skip ? chunkRows * length : 0,
      n.skip?.length ?? 0, n.bias ? length : 0, length, n.beta ? length : 0,
    ]);
    if (!this.memory.reserve(end)) return false;
    const heap = this.memory.f32;
    if (n.skip) heap.set(n.skip, skipAt / 4);
    if (n.bias) heap.set(n.bias, biasAt / 4);
    heap.set(n.scale, scaleAt / 4);
    if (n.beta) heap.set(n.beta, betaAt / 4);
    const stats = new Float64Array(heap.buffer, statsAt, 2 * chunkRows);
    for (let first = 0; first < rows; first += chunkRows) {
      const count = Math.min(chunkRows, rows - first);
      const start = first * length;
      const size = count * length;
      heap.set(x.subarray(start, start + size), xAt / 4);
      this.exports.normalizeRows(
        xAt, n.skip ? skipAt : absent, n.skip?.length ?? 0, n.bias ? biasAt : absent, lowAt, scaleAt, n.beta ? betaAt : absent,
        outAt, statsAt, first, count, length, n.epsilon, n.centered ? 1 : 0,
      );
      n.out.set(heap.subarray(outAt / 4, outAt / 4 + size), start);
      n.sum?.set(heap.subarray(xAt / 4, xAt / 4 + size), start);
      for (let r = 0; r < count; r++) {
        n.mean[first + r] = stats[2 * r];
        n.invStdDev[first + r] = stats[2 * r + 1];
      }
    }
    return true;
  }
}

/** The fewest equal parts of at most CHUNK floats a run of `block` splits into (1 where no divisor serves). */
function partsOf(block: number): number {
  for (let parts = Math.ceil(block / CHUNK); parts <= block / MIN_RUN; parts++) {
    if (block % parts === 0) return parts;
  }
  return 1;
}

let shared: ElementwiseHost | undefined;

function host(): ElementwiseHost | undefined {
  if (env.wasm.simd === false) return undefined;
  if (shared) return shared;
  const module = elementwiseModule();
  if (module) shared = new ElementwiseHost(module);
  return shared;
}

/** out = op(x) elementwise with parameters p0, p1 (see WASM_UNARY); false where it stays in TypeScript. */
export function wasmUnaryF32(op: WasmUnaryOp, x: Float32Array, out: Float32Array, p0 = 0, p1 = 0): boolean {
  if (x.length < MIN_UNARY || x.length > MAX_OPERANDS) return false;
  return host()?.unary(op, x, out, p0, p1) ?? false;
}

/**
 * Softmax (or LogSoftmax, `log`) of each of `rows` contiguous rows of `length` floats of x, into
 * out; false where it stays in TypeScript. Within 1e-6 relative of the double-summing TypeScript
 * loop: the exponentials are float32, the row sums doubles.
 */
export function wasmSoftmaxRowsF32(x: Float32Array, out: Float32Array, rows: number, length: number, log: boolean): boolean {
  if (x.length < MIN_UNARY || length < MIN_SOFTMAX_ROW || x.length > MAX_OPERANDS) return false;
  return host()?.softmaxRows(x, out, rows, length, log) ?? false;
}

/**
 * The normalization `n` describes in the module; false where it stays in TypeScript. Within 1e-5
 * of the double-precision TypeScript loops (float32 values, double sums and statistics).
 */
export function wasmNormalizeRowsF32(n: RowNormalization): boolean {
  const size = n.x.length + (n.skip?.length ?? 0);
  if (n.x.length < MIN_UNARY || n.length < MIN_NORMALIZED_ROW || size > MAX_OPERANDS) return false;
  return host()?.normalizeRows(n) ?? false;
}

/** out = op(a, b) with a and b broadcast as `runs` describes; false where it stays in TypeScript. */
export function wasmBinaryF32(op: WasmBinaryOp, runs: BroadcastRuns, a: Float32Array, b: Float32Array, out: Float32Array): boolean {
  if (runs.size < MIN_BINARY || runs.block < MIN_RUN || a.length + b.length > MAX_OPERANDS) return false;
  return host()?.binary(op, runs, a, b, out) ?? false;
}
