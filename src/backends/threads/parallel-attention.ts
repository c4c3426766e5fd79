/**
 * Attention heads across the GEMM pool's threads (the caller's side; attention-helper.ts is a
 * helper's). Each (batch entry, query head) pair is a unit of attend's work: Q K^T, the row
 * logits, softmax, P V. Units are cut into contiguous blocks (GemmPool.jobBlocks). The caller
 * stages the logits of the helpers' rows (each op's masks and biases added to zeros: exact where
 * the problem says they only add float32 values), once per batch entry where they ignore the
 * head. Where Q, K, V and the output lie in the shared GEMM heap (a run's arena:
 * shared-heap.ts), helpers read their heads and write their output rows there, and the caller
 * computes its own blocks as helpers do (attention-helper.ts: scores, logits and softmax in
 * place in its GEMM heap, no copies), so its logits are staged too. Otherwise the caller stages,
 * once, every array Q, K and V lie in (often one: the projected tokens) and a region for the
 * helpers' output rows, copied into the output when they come back, and computes its own blocks
 * through attend's loop, straight from its arrays.
 *
 * A helper computes a unit with the same WebAssembly GEMM and softmax as the caller, so the
 * output is the one-thread output, bit for bit, where each score gets at most one term from
 * the logits (a mask that only touches masked keys, or a bias); a score given two (a finite
 * mask filter and a bias) is summed in another order, within float32 rounding, and a key so
 * masked drops out of the softmax either way. Heads that share key heads (grouped query
 * attention), logits that do more than add, and ops that inspect scores or add a sink logit
 * stay on one thread.
 */
import type { AttentionProblem, Heads } from '../../kernels/contrib-transformer/attention-core.js';
import { attendStagedUnits } from './attention-helper.js';
import { ATTENTION_INTS, type GemmControl } from './gemm-control.js';
import type { GemmPool } from './gemm-pool.js';
import { layoutRegions } from './scratch-memory.js';

/**
 * Fewest multiply-adds worth a block of heads of its own: as MIN_BLOCK_WORK for a GEMM where
 * the caller stages the heads, half that where they lie in the shared heap (nothing copied).
 */
const MIN_BLOCK_WORK = 1 << 22;
const MIN_BLOCK_WORK_IN_HEAP = 1 << 21;

/**
 * attend(p, out) on up to `threads` threads; false, with nothing written, where it stays on
 * one. `attendHeads(from, to)` computes units [from, to) here.
 */
export function parallelAttend(pool: GemmPool, p: AttentionProblem, out: Float32Array, threads: number, attendHeads: (from: number, to: number) => void): boolean {
  const { q, k, v } = p;
  if (p.inspect || p.sink || (p.logits && !p.additiveLogits) || q.heads !== k.heads) return false;
  const units = p.batch * q.heads;
  const unitWork = q.rows * k.rows * (q.size + v.size);
  const heapAt = new Map([q.data, k.data, v.data, out].map((a) => [a, pool.heapIndex(a)]));
  const inHeap = [...heapAt.values()].every((index) => index >= 0);
  const minWork = inHeap ? MIN_BLOCK_WORK_IN_HEAP : MIN_BLOCK_WORK;
  const count = pool.jobBlocks(threads, Math.min(units, Math.floor((units * unitWork) / minWork)));
  if (count < 2 || !pool.idle()) return false;
  pool.wakeHelpers();
  const bounds = Array.from({ length: count + 1 }, (_, i) => Math.floor((i * units) / count));
  const firstHelperUnit = bounds[1];
  const firstStagedUnit = inHeap ? 0 : firstHelperUnit;
  const arrays = inHeap ? [] : [...new Set([q.data, k.data, v.data])];
  const logitBlocks = p.logits ? stagedLogitBlocks(p, firstStagedUnit, units) : [];
  const { at, end } = layoutRegions([
    ...arrays.map((a) => a.length),
    logitBlocks.length * q.rows * k.rows,
    inHeap ? 0 : (units - firstStagedUnit) * q.rows * v.size,
  ]);
  const scratch = pool.scratchMemory;
  if (!scratch.reserve(end)) return false;
  const memory = scratch.f32;
  arrays.forEach((a, i) => memory.set(a, at[i]));
  const arrayAt = (heads: Heads): number => (inHeap ? heapAt.get(heads.data)! : at[arrays.indexOf(heads.data)]) + heads.offset;
  const logitsAt = p.logits ? at[arrays.length] : -1;
  const outAt = inHeap ? heapAt.get(out)! : at[arrays.length + 1];
  // Helpers read the blocks from the first helper unit's on; the caller's own go in after publishing.
  const helperLogitBlocks = logitBlocks.length - (p.logits ? stagedLogitBlocks(p, firstHelperUnit, units).length : 0);
  const [ownLogits, helperLogits] = [logitBlocks.slice(0, helperLogitBlocks), logitBlocks.slice(helperLogitBlocks)];
  if (p.logits) stageLogits(p, memory, logitsAt + helperLogitBlocks * q.rows * k.rows, helperLogits);
  const ints = [
    q.heads, q.rows, k.rows, q.size, v.size,
    arrayAt(q), q.batchStride, q.headStride, q.rowStride,
    arrayAt(k), k.batchStride, k.headStride, k.rowStride,
    arrayAt(v), v.batchStride, v.headStride, v.rowStride,
    logitsAt, outAt, firstStagedUnit, inHeap ? pool.heapFloats() : 0, p.headInvariantLogits ? logitBlocks[0]?.[0] ?? -1 : -1,
  ];
  if (ints.length > ATTENTION_INTS) return false;
  const heapView = inHeap ? pool.heapView() : undefined;
  // Some units may be written before the staged path gives up; attend's loop writes them again.
  const unitsHere = (from: number, to: number): void => {
    if (!heapView || !attendStagedUnits(ints, p.scale, heapView, memory, from, to)) attendHeads(from, to);
  };
  return pool.runJob({
    count,
    write: (control: GemmControl) => {
      control.writeAttention(ints, p.scale, count);
      for (let block = 1; block < count; block++) control.writeRange(block, { start: bounds[block], end: bounds[block + 1], scratch: 0 });
    },
    own: () => {
      if (p.logits) stageLogits(p, memory, logitsAt, ownLogits);
      unitsHere(0, firstHelperUnit);
    },
    computeHere: (block) => unitsHere(bounds[block], bounds[block + 1]),
    collect: (block) => {
      if (inHeap) return;
      for (let unit = bounds[block]; unit < bounds[block + 1]; unit++) copyUnitOut(p, memory, outAt + (unit - firstStagedUnit) * q.rows * v.size, unit, out);
    },
    inPlace: inHeap,
  });
}

/** Most floats of logits kept between jobs (16 MiB); larger jobs build theirs in a fresh array. */
const MAX_KEPT_LOGITS = 1 << 22;
let keptLogits = new Float32Array(0);

/**
 * An ordinary array of `length` zeros to build logits in: the one kept from earlier jobs where
 * it is large enough, since a fresh one per layer and run brings major collections whose
 * marking takes a helper's core.
 */
function zeroedLogits(length: number): Float32Array {
  if (length > MAX_KEPT_LOGITS) return new Float32Array(length);
  if (keptLogits.length < length) keptLogits = new Float32Array(length);
  const logits = keptLogits.subarray(0, length);
  logits.fill(0);
  return logits;
}

/**
 * The (batch entry, head) of each block of logits staged for units [from, to): one per
 * unit, or, where the logits ignore the head (a mask alone), one per batch entry.
 */
function stagedLogitBlocks(p: AttentionProblem, from: number, to: number): [number, number][] {
  const heads = p.q.heads;
  if (!p.headInvariantLogits) return Array.from({ length: to - from }, (_, i) => [Math.floor((from + i) / heads), (from + i) % heads]);
  const first = Math.floor(from / heads);
  return Array.from({ length: Math.floor((to - 1) / heads) - first + 1 }, (_, i) => [first + i, 0]);
}

/**
 * The logits rows of the given blocks: each row zeros, then the op's masks and biases added.
 * They are built in an ordinary array and copied in one block: element by element, a view of
 * a growable shared buffer is several times slower to write in V8.
 */
function stageLogits(p: AttentionProblem, memory: Float32Array, logitsAt: number, blocks: readonly [number, number][]): void {
  const { rows } = p.q;
  const keys = p.k.rows;
  const logits = zeroedLogits(blocks.length * rows * keys);
  let at = 0;
  for (const [b, h] of blocks) for (let i = 0; i < rows; i++, at += keys) p.logits!(b, h, i, logits, at);
  memory.set(logits, logitsAt);
}

/** A unit's rows x vSize output from scratch into its place in [batch, rows, heads * vSize]. */
function copyUnitOut(p: AttentionProblem, memory: Float32Array, from: number, unit: number, out: Float32Array): void {
  const { rows, heads } = p.q;
  const size = p.v.size;
  const b = Math.floor(unit / heads);
  const h = unit % heads;
  const outRow = heads * size;
  for (let i = 0; i < rows; i++) {
    const to = b * rows * outRow + i * outRow + h * size;
    out.set(memory.subarray(from + i * size, from + (i + 1) * size), to);
  }
}
