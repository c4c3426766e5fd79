/**
 * Float32 elementwise ops, softmax rows and row normalizations on the elementwise WebAssembly
 * module, which runs in the GEMM heap's memory: an operand or output that lies there (a run's
 * activation) is passed by address, and only the others (initializers, feeds, values outside
 * the arena) are copied into scratch and back, in chunks that stay in cache. Where the heap
 * cannot give scratch during a run (it may not grow then), a second instance on a memory of
 * its own copies everything, as does the only instance where there is no GEMM heap. Where the
 * module is not loaded, WebAssembly kernels are off (env.wasm.simd = false), or the arrays are
 * too small for the call to pay, these return false and the caller runs its TypeScript loop.
 */
import type { BroadcastRuns } from '../../kernels/support/broadcast.js';
import { broadcastRuns, forEachRun } from '../../kernels/support/broadcast.js';
import { inElementwiseModule } from './elementwise-instances.js';
import { addressOf, copyIn, copyOut, traffic, type ElementwiseMemory } from './elementwise-memory.js';
import type { ElementwiseExports } from './elementwise-module.js';

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

/** Below these the call costs more than the TypeScript loop. */
const MIN_UNARY = 64;
const MIN_BINARY = 256;
/** Shorter runs waste most of each vector; the TypeScript loop takes them. */
const MIN_RUN = 16;
/** Softmax and normalized rows shorter than this spend more on per-row scalar tails than the vectors save. */
const MIN_SOFTMAX_ROW = 8;
/** Fewer lanes than a vector holds gain nothing from running them side by side. */
const MIN_SOFTMAX_LANES = 4;
const MIN_NORMALIZED_ROW = 8;
/** Floats processed per pass: small enough that copy in, compute and copy out stay in L2. */
const CHUNK = 1 << 16;
/** Operands larger than this (floats) stay in TypeScript rather than grow scratch so far. */
const MAX_OPERANDS = 1 << 24;

/** The ops on one instance of the module and the memory it runs in. */
class ElementwiseHost {
  constructor(
    private readonly exports: ElementwiseExports,
    private readonly memory: ElementwiseMemory,
  ) {}

  /** out = op(x), in chunks where x or out has to be copied. */
  unary(op: WasmUnaryOp, x: Float32Array, out: Float32Array, p0: number, p1: number): boolean {
    const xHere = this.memory.holds(x);
    const outHere = this.memory.holds(out);
    const chunk = xHere && outHere ? x.length : Math.min(CHUNK, x.length);
    const offsets = this.memory.scratch([xHere && outHere ? 0 : chunk]);
    if (!offsets) return false;
    const [at] = offsets;
    const heap = this.memory.f32;
    const code = WASM_UNARY[op];
    for (let start = 0; start < x.length; start += chunk) {
      const n = Math.min(chunk, x.length - start);
      const xAt = xHere ? addressOf(x, start) : copyIn(heap, at, x, start, n);
      const outAt = outHere ? addressOf(out, start) : at;
      this.exports.unary(code, xAt, outAt, n, p0, p1);
      if (!outHere) copyOut(heap, outAt, out, start, n);
    }
    traffic.operandsInPlace += +xHere + +outHere;
    return true;
  }

  /** out = op(a, b) over broadcast runs: A and B copied in whole where they must be, the output in chunks of whole runs. */
  binary(op: WasmBinaryOp, runs: BroadcastRuns, a: Float32Array, b: Float32Array, out: Float32Array): boolean {
    // Runs longer than a chunk are cut into equal parts, so each chunk of output stays in cache.
    const parts = partsOf(runs.block);
    const block = runs.block / parts;
    const total = (runs.size / runs.block) * parts;
    const aHere = this.memory.holds(a);
    const bHere = this.memory.holds(b);
    const outHere = this.memory.holds(out);
    const chunkRuns = outHere ? total : Math.min(Math.max(1, Math.floor(CHUNK / block)), total);
    const offsets = this.memory.scratch([aHere ? 0 : a.length, bHere ? 0 : b.length, 2 * total, outHere ? 0 : chunkRuns * block]);
    if (!offsets) return false;
    const [aScratch, bScratch, tableAt, outScratch] = offsets;
    const heap = this.memory.f32;
    const aAt = aHere ? addressOf(a, 0) : copyIn(heap, aScratch, a, 0, a.length);
    const bAt = bHere ? addressOf(b, 0) : copyIn(heap, bScratch, b, 0, b.length);
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
      const outAt = outHere ? addressOf(out, first * block) : outScratch;
      this.exports.binary(code, aAt, bAt, outAt, block, runs.aStep, runs.bStep, tableAt + first * 8, count);
      if (!outHere) copyOut(heap, outAt, out, first * block, count * block);
    }
    traffic.operandsInPlace += +aHere + +bHere + +outHere;
    return true;
  }

  /** Softmax (or LogSoftmax) of each row, in chunks of whole rows where x or out has to be copied. */
  softmaxRows(x: Float32Array, out: Float32Array, rows: number, length: number, log: boolean): boolean {
    const xHere = this.memory.holds(x);
    const outHere = this.memory.holds(out);
    const chunkRows = xHere && outHere ? rows : Math.min(Math.max(1, Math.floor(CHUNK / length)), rows);
    const offsets = this.memory.scratch([xHere && outHere ? 0 : chunkRows * length]);
    if (!offsets) return false;
    const [at] = offsets;
    const heap = this.memory.f32;
    for (let first = 0; first < rows; first += chunkRows) {
      const start = first * length;
      const n = Math.min(chunkRows, rows - first) * length;
      const xAt = xHere ? addressOf(x, start) : copyIn(heap, at, x, start, n);
      const outAt = outHere ? addressOf(out, start) : at;
      this.exports.softmaxRows(xAt, outAt, n / length, length, log ? 1 : 0);
      if (!outHere) copyOut(heap, outAt, out, start, n);
    }
    traffic.operandsInPlace += +xHere + +outHere;
    return true;
  }

  /** Softmax (or LogSoftmax) along the middle axis of [blocks, length, inner], in chunks of whole blocks where x or out has to be copied. */
  softmaxLanes(x: Float32Array, out: Float32Array, blocks: number, length: number, inner: number, log: boolean): boolean {
    const block = length * inner;
    const xHere = this.memory.holds(x);
    const outHere = this.memory.holds(out);
    const inPlace = xHere && outHere;
    if (!inPlace && block > CHUNK) return false;
    const chunkBlocks = inPlace ? blocks : Math.min(Math.max(1, Math.floor(CHUNK / block)), blocks);
    const offsets = this.memory.scratch([inPlace ? 0 : chunkBlocks * block]);
    if (!offsets) return false;
    const [at] = offsets;
    const heap = this.memory.f32;
    for (let first = 0; first < blocks; first += chunkBlocks) {
      const start = first * block;
      const n = Math.min(chunkBlocks, blocks - first) * block;
      const xAt = xHere ? addressOf(x, start) : copyIn(heap, at, x, start, n);
      const outAt = outHere ? addressOf(out, start) : at;
      this.exports.softmaxLanes(xAt, outAt, n / block, length, inner, log ? 1 : 0);
      if (!outHere) copyOut(heap, outAt, out, start, n);
    }
    traffic.operandsInPlace += +xHere + +outHere;
    return true;
  }

  /**
   * One normalization in chunks of whole rows. The skip, bias, scale and beta are copied in
   * whole where they must be; with a skip, x + skip + bias goes to the sum output where it lies
   * here, else over x's copy, else to scratch.
   */
  normalizeRows(n: RowNormalization): boolean {
    const { x, skip, sum, length } = n;
    const memory = this.memory;
    const rows = x.length / length;
    const chunkRows = Math.min(Math.max(1, Math.floor(CHUNK / length)), rows);
    const chunk = chunkRows * length;
    const xHere = memory.holds(x);
    const outHere = memory.holds(n.out);
    const skipHere = skip !== undefined && memory.holds(skip);
    const sumHere = sum !== undefined && memory.holds(sum);
    const offsets = memory.scratch([
      xHere ? 0 : chunk, skip && xHere && !sumHere ? chunk : 0, outHere ? 0 : chunk, 4 * chunkRows, skip ? chunk : 0,
      skip && !skipHere ? skip.length : 0, n.bias ? length : 0, length, n.beta ? length : 0,
    ]);
    if (!offsets) return false;
    const [xScratch, sumScratch, outScratch, statsAt, lowAt, skipScratch, biasScratch, scaleScratch, betaScratch] = offsets;
    const heap = memory.f32;
    const absent = 0;
    const skipAt = !skip ? absent : skipHere ? addressOf(skip, 0) : copyIn(heap, skipScratch, skip, 0, skip.length);
    const biasAt = n.bias ? copyIn(heap, biasScratch, n.bias, 0, length) : absent;
    const scaleAt = copyIn(heap, scaleScratch, n.scale, 0, length);
    const betaAt = n.beta ? copyIn(heap, betaScratch, n.beta, 0, length) : absent;
    const stats = new Float64Array(heap.buffer, statsAt, 2 * chunkRows);
    for (let first = 0; first < rows; first += chunkRows) {
      const count = Math.min(chunkRows, rows - first);
      const start = first * length;
      const size = count * length;
      const xAt = xHere ? addressOf(x, start) : copyIn(heap, xScratch, x, start, size);
      const sumAt = !skip ? absent : sumHere ? addressOf(sum, start) : xHere ? sumScratch : xAt;
      const outAt = outHere ? addressOf(n.out, start) : outScratch;
      this.exports.normalizeRows(
        xAt, skipAt, skip?.length ?? 0, biasAt, sumAt, lowAt, scaleAt, betaAt,
        outAt, statsAt, first, count, length, n.epsilon, n.centered ? 1 : 0,
      );
      if (!outHere) copyOut(heap, outAt, n.out, start, size);
      if (sum && !sumHere) copyOut(heap, sumAt, sum, start, size);
      for (let r = 0; r < count; r++) {
        n.mean[first + r] = stats[2 * r];
        n.invStdDev[first + r] = stats[2 * r + 1];
      }
    }
    traffic.operandsInPlace += +xHere + +outHere + +skipHere + +sumHere;
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

const hosts = new WeakMap<ElementwiseExports, ElementwiseHost>();

/** Runs `call` on the GEMM heap's instance, else on the copying one; false where neither can. */
function inWasm(call: (host: ElementwiseHost) => boolean): boolean {
  return inElementwiseModule((exports, memory) => {
    let host = hosts.get(exports);
    if (!host) hosts.set(exports, (host = new ElementwiseHost(exports, memory)));
    return call(host);
  });
}

/** out = op(x) elementwise with parameters p0, p1 (see WASM_UNARY); false where it stays in TypeScript. */
export function wasmUnaryF32(op: WasmUnaryOp, x: Float32Array, out: Float32Array, p0 = 0, p1 = 0): boolean {
  if (x.length < MIN_UNARY || x.length > MAX_OPERANDS) return false;
  return inWasm((host) => host.unary(op, x, out, p0, p1));
}

/**
 * Softmax (or LogSoftmax, `log`) of each of `rows` contiguous rows of `length` floats of x, into
 * out; false where it stays in TypeScript. Within 1e-6 relative of the double-summing TypeScript
 * loop: the exponentials are float32, the row sums doubles.
 */
export function wasmSoftmaxRowsF32(x: Float32Array, out: Float32Array, rows: number, length: number, log: boolean): boolean {
  if (x.length < MIN_UNARY || length < MIN_SOFTMAX_ROW || x.length > MAX_OPERANDS) return false;
  return inWasm((host) => host.softmaxRows(x, out, rows, length, log));
}

/**
 * Softmax (or LogSoftmax, `log`) along the middle axis of x seen as [blocks, length, inner]
 * (inner > 1: an axis that is not the last), into out; false where it stays in TypeScript
 * (fewer than four lanes, or a block over the copy chunk where x or out lies outside the
 * heap). Within 1e-6 relative of the TypeScript lanes, as the rows are.
 */
export function wasmSoftmaxLanesF32(x: Float32Array, out: Float32Array, blocks: number, length: number, inner: number, log: boolean): boolean {
  if (x.length < MIN_UNARY || inner < MIN_SOFTMAX_LANES || x.length > MAX_OPERANDS) return false;
  return inWasm((host) => host.softmaxLanes(x, out, blocks, length, inner, log));
}

/**
 * The normalization `n` describes in the module; false where it stays in TypeScript. Within 1e-5
 * of the double-precision TypeScript loops (float32 values, double sums and statistics).
 */
export function wasmNormalizeRowsF32(n: RowNormalization): boolean {
  const size = n.x.length + (n.skip?.length ?? 0);
  if (n.x.length < MIN_UNARY || n.length < MIN_NORMALIZED_ROW || size > MAX_OPERANDS || (n.sum && !n.skip)) return false;
  return inWasm((host) => host.normalizeRows(n));
}

/** out = op(a, b) with a and b broadcast as `runs` describes; false where it stays in TypeScript. */
export function wasmBinaryF32(op: WasmBinaryOp, runs: BroadcastRuns, a: Float32Array, b: Float32Array, out: Float32Array): boolean {
  if (runs.size < MIN_BINARY || runs.block < MIN_RUN || a.length + b.length > MAX_OPERANDS) return false;
  return inWasm((host) => host.binary(op, runs, a, b, out));
}

/**
 * out = op(x + bias) with bias one value per element of each row of x (rows of bias.length
 * floats): a broadcast add, then op in place; false where it stays in TypeScript. Each
 * element's result depends only on its x and bias values, so rows computed in separate calls
 * (threads: backends/threads/parallel-rows.ts) match one call's bit for bit.
 */
export function wasmBiasUnaryF32(op: WasmUnaryOp, x: Float32Array, bias: Float32Array, out: Float32Array, p0 = 0, p1 = 0): boolean {
  if (bias.length === 0) return false;
  const runs = broadcastRuns([x.length / bias.length, bias.length], [bias.length]);
  return wasmBinaryF32('add', runs, x, bias, out) && wasmUnaryF32(op, out, out, p0, p1);
}
