/**
 * Row ops across the GEMM pool's threads (the caller's side; rows-helper.ts is a helper's):
 * activations of x + bias (BiasGelu, FastGelu) and row normalizations (LayerNormalization,
 * SkipLayerNormalization, RMS forms). Rows are cut into contiguous blocks (GemmPool.jobBlocks);
 * block 0 runs here straight from the operands. Where x, the output (and a normalization's skip
 * and sum) lie in the shared GEMM heap (a run's arena: shared-heap.ts), helpers read and write
 * their rows there, and the caller only stages the small per-row-element operands (bias,
 * scale, beta) and collects a normalization's statistics; otherwise the helpers read copies of
 * their rows in scratch memory and write their results there, copied into place when they
 * come back. Either way a block the caller takes back is computed here from the operands.
 */
import { WASM_UNARY, wasmBiasUnaryF32, wasmNormalizeRowsF32, type RowNormalization, type WasmUnaryOp } from '../wasm/elementwise-host.js';
import { ATTENTION_INTS, type GemmControl } from './gemm-control.js';
import type { GemmPool } from './gemm-pool.js';
import { layoutRegions } from './scratch-memory.js';

/**
 * Fewest floats worth a block of their own: 64K floats of GELU are about 0.4 ms on one core,
 * of a layer normalization about 0.1 ms; a helper's block also costs the caller a copy of its
 * rows in and out (about 30 us per 64K floats each way) where they are staged, and perhaps the
 * helper's wake-up (40 to 80 us). Rows in the shared heap are not copied by the caller.
 */
const MIN_BLOCK_FLOATS = { biasUnary: 1 << 16, normalize: 1 << 17 } as const;
const MIN_BLOCK_FLOATS_IN_HEAP = { biasUnary: 1 << 15, normalize: 1 << 15 } as const;

/** What a row job computes. */
export const RowTask = { BiasUnary: 0, Normalize: 1 } as const;

/** Where each int of a row job lies among ATTENTION_INTS (shared with rows-helper.ts); -1 marks an absent operand. */
export const RowField = {
  Task: 0, Length: 1, FirstHelperRow: 2, Op: 3,
  /** Where the helpers' rows of x and of the output start: in scratch memory, or in the shared heap (HeapFloats). */
  XAt: 4, OutAt: 5,
  /** Scratch offsets of whole per-row-element operands: the bias; a normalization's scale and beta. */
  BiasAt: 6, ScaleAt: 7, BetaAt: 8,
  /**
   * Where a normalization's helpers' rows of skip and of the sum output start (as XAt), and its
   * (mean, invStdDev) pair per row, as doubles at scratch float offset StatsAt.
   */
  SkipAt: 9, SumAt: 10, StatsAt: 11, Centered: 12,
  /** Floats of the shared heap where XAt, OutAt, SkipAt and SumAt are heap indices; 0 where they are scratch offsets. */
  HeapFloats: 13,
} as const;

/** Row bounds of `count` near-equal blocks. */
function blockBounds(rows: number, count: number): number[] {
  return Array.from({ length: count + 1 }, (_, i) => Math.floor((i * rows) / count));
}

/** How many blocks `rows` rows of `length` floats are worth on this pool now (under 2: none). */
function blockCount(pool: GemmPool, threads: number, rows: number, length: number, minFloats: number): number {
  if (!pool.idle()) return 0;
  return pool.jobBlocks(threads, Math.min(rows, Math.floor((rows * length) / minFloats)));
}

/** Each view's float index in the shared heap (absent views give -1), or undefined unless every present one lies there. */
function heapIndices(pool: GemmPool, views: readonly (Float32Array | undefined)[]): number[] | undefined {
  const indices = views.map((view) => (view ? pool.heapIndex(view) : -1));
  return views.every((view, i) => !view || indices[i] >= 0) ? indices : undefined;
}

/**
 * out = op(x + bias) (wasmBiasUnaryF32) on up to `threads` threads; false where the caller
 * must compute every row on one (see runRows).
 */
export function parallelBiasUnary(pool: GemmPool, threads: number, op: WasmUnaryOp, x: Float32Array, bias: Float32Array, out: Float32Array, p0: number, p1: number): boolean {
  const length = bias.length;
  if (length === 0 || x.length % length !== 0 || out.length !== x.length) return false;
  const rows = x.length / length;
  const inHeap = heapIndices(pool, [x, out]);
  const count = blockCount(pool, threads, rows, length, (inHeap ? MIN_BLOCK_FLOATS_IN_HEAP : MIN_BLOCK_FLOATS).biasUnary);
  if (count < 2) return false;
  pool.wakeHelpers();
  const bounds = blockBounds(rows, count);
  const first = bounds[1] * length;
  const staged = inHeap ? 0 : x.length - first;
  const { at, end } = layoutRegions([staged, staged, length]);
  const scratch = pool.scratchMemory;
  if (!scratch.reserve(end)) return false;
  const memory = scratch.f32;
  const [biasAt] = at.slice(2);
  const [xAt, outAt] = inHeap ? inHeap.map((index) => index + first) : at;
  if (!inHeap) memory.set(x.subarray(first), xAt);
  memory.set(bias, biasAt);
  const ints = [RowTask.BiasUnary, length, bounds[1], WASM_UNARY[op], xAt, outAt, biasAt, -1, -1, -1, -1, -1, 0, inHeap ? pool.heapFloats() : 0];
  const rowsHere = (from: number, to: number): boolean =>
    wasmBiasUnaryF32(op, x.subarray(from * length, to * length), bias, out.subarray(from * length, to * length), p0, p1);
  const collect = (from: number, to: number): void => {
    if (!inHeap) out.set(memory.subarray(outAt + (from * length - first), outAt + (to * length - first)), from * length);
  };
  return runRows(pool, ints, p0, p1, bounds, rowsHere, collect, inHeap !== undefined);
}

/**
 * The normalization `n` describes (wasmNormalizeRowsF32) on up to `threads` threads; false
 * where the caller must compute every row on one (see runRows). A skip must be as long as x
 * (not broadcast).
 */
export function parallelNormalizeRows(pool: GemmPool, threads: number, n: RowNormalization): boolean {
  const { x, skip, sum, length } = n;
  if (length === 0 || x.length % length !== 0 || (skip && skip.length !== x.length) || (sum && !skip)) return false;
  const rows = x.length / length;
  const inHeap = heapIndices(pool, [x, n.out, skip, sum]);
  const count = blockCount(pool, threads, rows, length, (inHeap ? MIN_BLOCK_FLOATS_IN_HEAP : MIN_BLOCK_FLOATS).normalize);
  if (count < 2) return false;
  pool.wakeHelpers();
  const bounds = blockBounds(rows, count);
  const firstRow = bounds[1];
  const first = firstRow * length;
  const helperRows = rows - firstRow;
  const staged = inHeap ? 0 : x.length - first;
  const { at, end } = layoutRegions([
    staged, staged, skip ? staged : 0, sum ? staged : 0, 4 * helperRows,
    n.bias ? length : 0, length, n.beta ? length : 0,
  ]);
  const scratch = pool.scratchMemory;
  if (!scratch.reserve(end)) return false;
  const memory = scratch.f32;
  // Regions start on cache lines, so the statistics' doubles are aligned.
  const [statsAt, biasAt, scaleAt, betaAt] = at.slice(4);
  const [xAt, outAt, skipAt, sumAt] = inHeap ? inHeap.map((index) => index + first) : at;
  if (!inHeap) {
    memory.set(x.subarray(first), xAt);
    if (skip) memory.set(skip.subarray(first), skipAt);
  }
  if (n.bias) memory.set(n.bias.subarray(0, length), biasAt);
  memory.set(n.scale.subarray(0, length), scaleAt);
  if (n.beta) memory.set(n.beta.subarray(0, length), betaAt);
  const ints = [
    RowTask.Normalize, length, firstRow, 0, xAt, outAt,
    n.bias ? biasAt : -1, scaleAt, n.beta ? betaAt : -1, skip ? skipAt : -1, sum ? sumAt : -1, statsAt, n.centered ? 1 : 0,
    inHeap ? pool.heapFloats() : 0,
  ];
  const rowsHere = (from: number, to: number): boolean => wasmNormalizeRowsF32(rowsOf(n, from, to));
  const stats = new Float64Array(memory.buffer, memory.byteOffset + statsAt * 4, 2 * helperRows);
  return runRows(pool, ints, n.epsilon, 0, bounds, rowsHere, (from, to) => {
    if (!inHeap) {
      const [start, stop] = [from * length - first, to * length - first];
      n.out.set(memory.subarray(outAt + start, outAt + stop), from * length);
      if (sum) sum.set(memory.subarray(sumAt + start, sumAt + stop), from * length);
    }
    for (let row = from; row < to; row++) {
      n.mean[row] = stats[2 * (row - firstRow)];
      n.invStdDev[row] = stats[2 * (row - firstRow) + 1];
    }
  }, inHeap !== undefined);
}

/** Rows [from, to) of a normalization, as one of its own. */
function rowsOf(n: RowNormalization, from: number, to: number): RowNormalization {
  const [start, stop] = [from * n.length, to * n.length];
  return {
    ...n,
    x: n.x.subarray(start, stop),
    skip: n.skip?.subarray(start, stop),
    out: n.out.subarray(start, stop),
    sum: n.sum?.subarray(start, stop),
    mean: n.mean.subarray(from, to),
    invStdDev: n.invStdDev.subarray(from, to),
  };
}

/**
 * Runs a row job whose operands are in place: `rowsHere(from, to)` computes rows here (false
 * where the module did not run), `collect(from, to)` takes a helper's rows (copies them into
 * place where they were staged), `inPlace` says whether helpers write into the heap. False
 * where the job did not run, or where the module did not run here: then some rows may hold
 * partial results, and the caller's one-thread loops must compute every row again.
 */
function runRows(
  pool: GemmPool, ints: readonly number[], p0: number, p1: number, bounds: readonly number[],
  rowsHere: (from: number, to: number) => boolean, collect: (from: number, to: number) => void, inPlace: boolean,
): boolean {
  if (ints.length > ATTENTION_INTS) return false;
  const count = bounds.length - 1;
  let computedHere = true;
  const ran = pool.runJob({
    count,
    write: (control: GemmControl) => {
      control.writeRows(ints, p0, p1, count);
      for (let block = 1; block < count; block++) control.writeRange(block, { start: bounds[block], end: bounds[block + 1], scratch: 0 });
    },
    own: () => {
      computedHere = rowsHere(0, bounds[1]) && computedHere;
    },
    computeHere: (block) => {
      computedHere = rowsHere(bounds[block], bounds[block + 1]) && computedHere;
    },
    collect: (block) => collect(bounds[block], bounds[block + 1]),
    inPlace,
  });
  return ran && computedHere;
}
