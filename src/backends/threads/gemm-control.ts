/**
 * The shared control block of the parallel GEMM, convolution and attention: what the calling
 * thread and its helpers agree on through one SharedArrayBuffer, and the block-state handshake
 * on it.
 *
 * A job has a generation g (GEN) and COUNT blocks. Block b's state holds (g << 2) | status.
 * The caller sets every block it does not keep to PENDING(g), then publishes GEN = g; whoever
 * wants a block (a helper, or the caller once its own block is done) claims it with a
 * compare-exchange PENDING(g) -> TAKEN(g), and a helper ends it with DONE(g) or FAILED(g).
 * Claiming block by block balances the work: a helper that wakes late, or shares its core
 * with another process, simply takes fewer blocks. Tagging with g means a helper that wakes
 * late can never claim a later job's block with an earlier job's view of it: its exchange
 * fails and it waits again.
 */
import { MAX_RANGE_ARGS, WINDOW_INTS, type OutputRange, type RangeCall, type RangeKernel } from '../wasm/conv-ranges.js';

export const PENDING = 0;
export const TAKEN = 1;
export const DONE = 2;
export const FAILED = 3;
export type Status = typeof PENDING | typeof TAKEN | typeof DONE | typeof FAILED;

/** What a job's blocks are: blocks of a GEMM in scratch memory, or ranges of a conv call in the shared conv memory. */
export const GEMM_JOB = 0;
export const CONV_JOB = 1;
/** Blocks of attention heads (parallel-attention.ts); block b's range is its first and end head. */
export const ATTENTION_JOB = 2;
/** Blocks of rows of a row op (parallel-rows.ts); block b's range is its first and end row. */
export const ROWS_JOB = 3;
export type JobKind = typeof GEMM_JOB | typeof CONV_JOB | typeof ATTENTION_JOB | typeof ROWS_JOB;

/** Most threads one job uses (the caller and 63 helpers). */
export const MAX_THREADS = 64;
/** Most blocks one job is cut into. */
export const MAX_BLOCKS = 2 * MAX_THREADS;

const GEN = 0;
const STOP = 1;
const K = 2;
const TRANS_A = 3;
const TRANS_B = 4;
const COUNT = 5;
const KIND = 6;
/**
 * How many helpers are blocked waiting for a job: publish() makes the (costly) wake-up call
 * only when some are. The thread that wakes helpers takes them off the count, so a publish()
 * right after wakeHelpers() does not call again for helpers already woken but not yet running.
 */
const SLEEPERS = 7;
const STATE = 8;
/**
 * Per block: m, n, then (offset, leading dimension) of A, B and C in the scratch memory, then
 * the id of the resident B panels it multiplies (NO_RESIDENT for none).
 */
const BLOCK = STATE + MAX_BLOCKS;
const BLOCK_FIELDS = 9;
/** A conv job's call: its kernel, window and arguments (backends/wasm/conv-ranges.ts). */
const CALL = BLOCK + MAX_BLOCKS * BLOCK_FIELDS;
const CALL_INTS = 1 + WINDOW_INTS + MAX_RANGE_ARGS;
/** How many resident-panel ids were ever released, then the last RELEASE_RING of them, id i at i % RELEASE_RING. */
const RELEASED = CALL + CALL_INTS;
export const RELEASE_RING = 64;
const RELEASE = RELEASED + 1;
/** 1 while the caller is blocked waiting for a block: a helper that ends one wakes it only then. */
const CALLER_WAITING = RELEASE + RELEASE_RING;
/** An attention or row job's shape and where its operands lie in scratch memory (parallel-attention.ts, parallel-rows.ts). */
const ATTENTION = CALLER_WAITING + 1;
export const ATTENTION_INTS = 24;
/** A GEMM job's floats of the shared heap where its blocks' A and C offsets are heap indices (shared-heap.ts); 0 where they are scratch offsets. */
const GEMM_HEAP = ATTENTION + ATTENTION_INTS;
const INT_COUNT = GEMM_HEAP + 1;
/** alpha and beta, as float64 after the ints. */
const FLOAT_BYTE_OFFSET = Math.ceil(INT_COUNT / 2) * 8;
const GEN_MASK = (1 << 29) - 1;

/** A block's `resident` when its B is not kept packed by the helper; see resident-panels.ts. */
export const NO_RESIDENT = 0;
/** A block's `bAt` when B is not staged: the helper multiplies the panels it keeps under `resident`. */
export const NOT_STAGED = -1;

export interface ScratchBlock {
  readonly m: number;
  readonly n: number;
  readonly aAt: number;
  readonly lda: number;
  readonly bAt: number;
  readonly ldb: number;
  readonly cAt: number;
  readonly ldc: number;
  readonly resident: number;
}

export interface JobShape {
  readonly k: number;
  readonly transA: boolean;
  readonly transB: boolean;
  readonly alpha: number;
  readonly beta: number;
  /** Floats of the shared heap where A and C lie there (the blocks name them by heap index), else 0. */
  readonly heapFloats?: number;
}

export function tag(generation: number, status: Status): number {
  return (generation << 2) | status;
}

export function statusOf(state: number): Status {
  return (state & 3) as Status;
}

export class GemmControl {
  readonly ints: Int32Array;
  private readonly floats: Float64Array;

  constructor(readonly buffer: SharedArrayBuffer) {
    this.ints = new Int32Array(buffer, 0, INT_COUNT);
    this.floats = new Float64Array(buffer, FLOAT_BYTE_OFFSET, 2);
  }

  static allocate(): GemmControl {
    return new GemmControl(new SharedArrayBuffer(FLOAT_BYTE_OFFSET + 16));
  }

  generation(): number {
    return Atomics.load(this.ints, GEN);
  }

  /** The generation the next job will have: its blocks are tagged with it before publish(). */
  nextGeneration(): number {
    return (this.generation() + 1) & GEN_MASK;
  }

  /** Publishes a job (its blocks and their states already written) and wakes every helper. */
  publish(generation: number): void {
    Atomics.store(this.ints, GEN, generation);
    // A helper counts itself before it blocks, and Atomics.wait rechecks GEN: one that this
    // load misses sees the new generation and does not block.
    this.wakeSleepers();
  }

  /**
   * Wakes blocked helpers before a job is published, so that their wake-up overlaps the
   * caller's staging: they find no new job, and poll for it (waitForJob) before they block.
   */
  wakeHelpers(): void {
    this.wakeSleepers();
  }

  /** How many helpers are blocked waiting for a job and not yet woken. */
  sleepers(): number {
    return Atomics.load(this.ints, SLEEPERS);
  }

  private wakeSleepers(): void {
    if (Atomics.load(this.ints, SLEEPERS) === 0) return;
    const woken = Atomics.notify(this.ints, GEN);
    if (woken > 0) Atomics.sub(this.ints, SLEEPERS, woken);
  }

  stopped(): boolean {
    return Atomics.load(this.ints, STOP) !== 0;
  }

  /** Tells every helper to leave its loop. */
  stop(): void {
    Atomics.store(this.ints, STOP, 1);
    this.publish(this.nextGeneration());
  }

  /**
   * Returns once the generation is no longer `seen` (or after stop()): polling for up to
   * `spinMs` first, then blocking. Waking a blocked thread costs 40 to 80 us (a futex, and on
   * a virtual machine an idle virtual CPU to resume); a model's GEMMs often come faster than
   * that, one after another with a little other work between them.
   */
  waitForJob(seen: number, spinMs: number): void {
    if (spinUntilChanged(this.ints, GEN, seen, spinMs)) return;
    Atomics.add(this.ints, SLEEPERS, 1);
    // Woken by a notify ('ok'), this thread was taken off the count by the thread that woke it.
    if (Atomics.wait(this.ints, GEN, seen) !== 'ok') Atomics.sub(this.ints, SLEEPERS, 1);
  }

  /** Blocks the caller (up to `ms`) while the block's state is still `state`, marked as waiting so that finish() wakes it. */
  waitForBlock(block: number, state: number, ms: number): void {
    Atomics.store(this.ints, CALLER_WAITING, 1);
    Atomics.wait(this.ints, STATE + block, state, ms);
    Atomics.store(this.ints, CALLER_WAITING, 0);
  }

  state(block: number): number {
    return Atomics.load(this.ints, STATE + block);
  }

  setState(block: number, state: number): void {
    Atomics.store(this.ints, STATE + block, state);
  }

  /** Moves a block from `from` to `to` if it still holds `from`; true when it did. */
  claim(block: number, from: number, to: number): boolean {
    return Atomics.compareExchange(this.ints, STATE + block, from, to) === from;
  }

  /** Ends a helper's block and wakes the caller if it waits on it. */
  finish(block: number, state: number): void {
    Atomics.store(this.ints, STATE + block, state);
    if (Atomics.load(this.ints, CALLER_WAITING) !== 0) Atomics.notify(this.ints, STATE + block);
  }

  /** Index into `ints` of a block's state, for Atomics.wait on it. */
  stateIndex(block: number): number {
    return STATE + block;
  }

  kind(): JobKind {
    return this.ints[KIND] as JobKind;
  }

  /** `heapFloats` apart from the shape, so that a product's operands are passed as they are, not copied into a new object. */
  writeShape(shape: JobShape, count: number, heapFloats = shape.heapFloats ?? 0): void {
    this.ints[KIND] = GEMM_JOB;
    this.ints[K] = shape.k;
    this.ints[TRANS_A] = shape.transA ? 1 : 0;
    this.ints[TRANS_B] = shape.transB ? 1 : 0;
    this.ints[COUNT] = count;
    this.ints[GEMM_HEAP] = heapFloats;
    this.floats[0] = shape.alpha;
    this.floats[1] = shape.beta;
  }

  readShape(): JobShape {
    const ints = this.ints;
    return { k: ints[K], transA: ints[TRANS_A] !== 0, transB: ints[TRANS_B] !== 0, alpha: this.floats[0], beta: this.floats[1], heapFloats: ints[GEMM_HEAP] };
  }

  /** Writes a conv job: its call and how many ranges it has; range b is then block b. */
  writeCall(call: RangeCall, count: number): void {
    this.ints[KIND] = CONV_JOB;
    this.ints[COUNT] = count;
    this.ints[CALL] = call.kernel;
    this.ints.set(call.window, CALL + 1);
    this.ints.set(call.args, CALL + 1 + WINDOW_INTS);
    this.floats[0] = call.alpha;
    this.floats[1] = call.beta;
  }

  readCall(): RangeCall {
    const window = Array.from(this.ints.subarray(CALL + 1, CALL + 1 + WINDOW_INTS));
    const args = Array.from(this.ints.subarray(CALL + 1 + WINDOW_INTS, CALL + CALL_INTS));
    return { kernel: this.ints[CALL] as RangeKernel, window, alpha: this.floats[0], beta: this.floats[1], args };
  }

  /** Writes an attention job: its ints (at most ATTENTION_INTS) and scale, and how many blocks of heads it has. */
  writeAttention(ints: readonly number[], scale: number, count: number): void {
    this.ints[KIND] = ATTENTION_JOB;
    this.ints[COUNT] = count;
    this.ints.set(ints, ATTENTION);
    this.floats[0] = scale;
  }

  readAttention(): { readonly ints: Int32Array; readonly scale: number } {
    return { ints: this.ints.slice(ATTENTION, ATTENTION + ATTENTION_INTS), scale: this.floats[0] };
  }

  /** Writes a row job: its ints (at most ATTENTION_INTS), two float parameters, and how many blocks of rows it has. */
  writeRows(ints: readonly number[], p0: number, p1: number, count: number): void {
    this.ints[KIND] = ROWS_JOB;
    this.ints[COUNT] = count;
    this.ints.set(ints, ATTENTION);
    this.floats[0] = p0;
    this.floats[1] = p1;
  }

  readRows(): { readonly ints: Int32Array; readonly p0: number; readonly p1: number } {
    return { ints: this.ints.slice(ATTENTION, ATTENTION + ATTENTION_INTS), p0: this.floats[0], p1: this.floats[1] };
  }

  writeRange(index: number, range: OutputRange): void {
    this.ints.set([range.start, range.end, range.scratch], BLOCK + index * BLOCK_FIELDS);
  }

  readRange(index: number): OutputRange {
    const at = BLOCK + index * BLOCK_FIELDS;
    return { start: this.ints[at], end: this.ints[at + 1], scratch: this.ints[at + 2] };
  }

  /** How many blocks the current job has (block 0 is always the caller's). */
  blockCount(): number {
    return this.ints[COUNT];
  }

  writeBlock(index: number, block: ScratchBlock): void {
    this.ints.set([block.m, block.n, block.aAt, block.lda, block.bAt, block.ldb, block.cAt, block.ldc, block.resident], BLOCK + index * BLOCK_FIELDS);
  }

  readBlock(index: number): ScratchBlock {
    const at = BLOCK + index * BLOCK_FIELDS;
    const f = this.ints.subarray(at, at + BLOCK_FIELDS);
    return { m: f[0], n: f[1], aAt: f[2], lda: f[3], bAt: f[4], ldb: f[5], cAt: f[6], ldc: f[7], resident: f[8] };
  }

  /** Whether the job's block has resident B, which only the helper of the same number keeps. */
  blockResident(index: number): boolean {
    return this.ints[BLOCK + index * BLOCK_FIELDS + 8] !== NO_RESIDENT;
  }

  /** Appends released resident-panel ids to the ring; call between jobs, before publish(). */
  writeReleases(ids: readonly number[]): void {
    let total = this.ints[RELEASED];
    for (const id of ids) this.ints[RELEASE + (total++ % RELEASE_RING)] = id;
    Atomics.store(this.ints, RELEASED, total);
  }

  /** How many ids were ever released. */
  releasedCount(): number {
    return Atomics.load(this.ints, RELEASED);
  }

  /** The `index`th id ever released, while it is among the last RELEASE_RING. */
  releasedId(index: number): number {
    return this.ints[RELEASE + (index % RELEASE_RING)];
  }
}

/** Polls between reads of the clock in spinUntilChanged: a fraction of a microsecond of loads. */
const POLLS_PER_CLOCK_READ = 64;

/**
 * Polls ints[index] until it is no longer `value` or `ms` have passed; true if it changed. The
 * clock is read once per POLLS_PER_CLOCK_READ polls: each read boxes a double in V8, and a
 * helper that read it per poll filled its young generation every few tens of milliseconds.
 */
export function spinUntilChanged(ints: Int32Array, index: number, value: number, ms: number): boolean {
  const until = performance.now() + ms;
  do {
    for (let poll = 0; poll < POLLS_PER_CLOCK_READ; poll++) if (Atomics.load(ints, index) !== value) return true;
  } while (performance.now() < until);
  return false;
}
