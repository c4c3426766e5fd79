/**
 * The parallel float32 GEMM: the calling thread and a pool of helper workers, each with its own
 * instance of the WebAssembly GEMM, compute blocks of C at the same time (gemm-split.ts).
 *
 * gemm() stays synchronous, as every kernel that calls it is: the caller stages the helpers'
 * operands in shared scratch memory (gemm-staging.ts; a constant B only until each helper
 * keeps its block of it packed), wakes them with one Atomics.notify, computes its own block
 * straight from its arrays, then waits (Atomics.wait) for theirs and copies them into C. A block
 * whose helper has not woken yet is taken back and computed by the caller, so a slow wake-up
 * costs a block's time, never a stall. Nothing waits without a deadline: a helper that has not
 * finished long after the caller's own block (dead, or starved of a core) has its block
 * computed by the caller, and the pool is not used again until that helper is seen to finish;
 * a helper that exits breaks the pool, and callers go back to one thread.
 *
 * Both sides poll for a millisecond before they block: helpers for the next job, the caller
 * for the helpers' last blocks, since a futex wake-up costs as much as a small block. Where a
 * thread may not block at all (a browser's main thread) the caller only polls; it polls only
 * for what is left after its own block.
 *
 * Other modules describe jobs of their own through runJob (attention heads:
 * parallel-attention.ts; row ops: parallel-rows.ts); where their operands lie in the shared
 * GEMM heap, helpers read and write them there (shared-heap.ts), and such a job waits for its
 * helpers as a conv range does (IN_PLACE_GRACE_MS). Convolutions run the same way without any staging: where shared WebAssembly memory exists,
 * the caller's instance of the conv module and one instance per helper all work in one memory
 * (the GEMM heap's, where the activations live, when it is shared: conv-module.ts), and a job is
 * one conv kernel call cut into ranges of its output (backends/wasm/conv-ranges.ts). The caller
 * recomputes a helper's range with its own range's scratch, never the helper's, which a late
 * helper may still be using. Conv ranges write Y where it lies in the arena, so the caller
 * waits far longer for a helper already computing one (IN_PLACE_GRACE_MS) than for other jobs'
 * blocks: a helper given up on that is alive after all would still write its range of Y, the
 * same values the caller wrote, into storage that a later step may by then have been given.
 * A helper that died mid-range (its exit cannot be seen while this thread waits) is given up
 * on after that wait.
 */
import { parallelConvModule, type ConvExports, type ConvModule } from '../wasm/conv-module.js';
import { runRange, type OutputRange, type RangeCall } from '../wasm/conv-ranges.js';
import type { GemmVariant } from '../wasm/gemm-module.js';
import { WasmConv, type ConvSplitter } from '../wasm/wasm-conv.js';
import { wasmGemmF32 } from '../wasm/wasm-gemm.js';
import { OnnxTsError } from '../../errors/errors.js';
import type { GemmOperands } from '../../kernels/linalg/gemm-core.js';
import type { WorkerHandle, WorkerStarter } from '../../platform/worker-handle.js';
import { DONE, FAILED, GemmControl, MAX_BLOCKS, PENDING, TAKEN, spinUntilChanged, statusOf, tag } from './gemm-control.js';
import type { GemmHelperReply, GemmHelperStart } from './gemm-helper.js';
import { blockOperands, splitGemm, type GemmBlock } from './gemm-split.js';
import { GemmStaging } from './gemm-staging.js';
import { ScratchMemory } from './scratch-memory.js';
import { sharedHeapFloats, sharedHeapIndex, sharedHeapMemory } from './shared-heap.js';

/**
 * Fewest multiply-adds worth a block of its own: about 170 us on one core, twice what waking a
 * helper that went to sleep costs (40 to 80 us, then the caller's own wake-up). Measured on 2
 * cores with helpers awake: 128^3 (2M) ran 0.87x on two threads, 160^3 (4M) 1.18x, 256^3
 * 1.56x; in a model, where helpers often sleep between GEMMs, products under 8M lost.
 */
const MIN_BLOCK_WORK = 1 << 22;
/**
 * Fewest multiply-adds worth a conv range of its own: convolutions come one after another
 * with little between them, so helpers are mostly still polling (about 50 us of work here).
 */
const MIN_RANGE_WORK = 1 << 21;
/** How long past the caller's own block a helper's block may take before the caller computes it. */
const HELPER_GRACE_MS = 1000;
const HELPER_GRACE_FACTOR = 10;
/**
 * How long past its own range the caller waits for a helper computing a conv range in place:
 * long past any scheduling delay of a live helper, so that in practice only a dead one is
 * given up on, yet a bounded stall when one is.
 */
const IN_PLACE_GRACE_MS = 5000;
const START_TIMEOUT_MS = 10_000;
/** How long the caller polls for a helper's block before it blocks (see GemmControl.waitForJob). */
const SPIN_MS = 1;

/** Whether this thread may block in Atomics.wait (not a browser's main thread). */
function canBlock(): boolean {
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    return true;
  } catch {
    return false;
  }
}

/** A job for runJob: how many blocks, and what the caller does with them. */
export interface PoolJob {
  readonly count: number;
  write(control: GemmControl): void;
  own(): void;
  computeHere(block: number): void;
  collect(block: number): void;
  /** True where helpers write into the shared heap (a run's arena): the caller then waits as for a conv range. */
  readonly inPlace?: boolean;
}

/** The caller's instance of the conv module on the memory the helpers share. */
interface SharedConv {
  readonly exports: ConvExports;
  readonly instance: WasmConv;
  readonly memory: WebAssembly.Memory;
}

export class GemmPool implements ConvSplitter {
  private broken = false;
  private readonly blocking = canBlock();
  private convThreads = 1;
  private readonly conv: SharedConv | undefined;
  private readonly staging: GemmStaging;
  /** True while runJob runs a job, whose code here must not start another. */
  private inJob = false;

  private constructor(
    private readonly control: GemmControl,
    private readonly scratch: ScratchMemory,
    private readonly helpers: readonly WorkerHandle[],
    readonly variant: GemmVariant,
    conv: ConvModule | undefined,
    private readonly heapMemory: WebAssembly.Memory | undefined,
  ) {
    for (const helper of helpers) helper.onExit(() => this.breakDown());
    this.conv = conv && { exports: conv.exports, instance: new WasmConv(conv, this), memory: conv.memory };
    this.staging = new GemmStaging(scratch);
  }

  /** Floats of B staged for helpers so far (see GemmStaging). */
  get stagedBFloats(): number {
    return this.staging.stagedBFloats;
  }

  /** The caller and its helpers. */
  get threads(): number {
    return this.helpers.length + 1;
  }

  /** False once a helper has stopped: the pool computes nothing more. */
  get usable(): boolean {
    return !this.broken;
  }

  /** Starts `helpers` workers on the given build of the GEMM; rejects, with none left running, if any fails to start. */
  static async start(helpers: number, start: WorkerStarter, variant: GemmVariant): Promise<GemmPool> {
    const control = GemmControl.allocate();
    const scratch = ScratchMemory.allocate();
    const callerConv = parallelConvModule();
    const conv = callerConv && { memory: callerConv.memory, variant: callerConv.variant };
    const heap = sharedHeapMemory();
    const handles: WorkerHandle[] = [];
    let helpersConv: boolean[];
    try {
      for (let slot = 1; slot <= helpers; slot++) handles.push(start('gemm'));
      helpersConv = await Promise.all(handles.map((handle, i) => startHelper(handle, { control: control.buffer, scratch: scratch.buffer, slot: i + 1, variant, conv, heap })));
    } catch (error) {
      control.stop();
      await Promise.all(handles.map((handle) => handle.terminate()));
      throw error;
    }
    return new GemmPool(control, scratch, handles, variant, helpersConv.every(Boolean) ? callerConv : undefined, heap);
  }

  /**
   * The conv instance whose calls this pool cuts over up to `threads` threads, or undefined
   * where it cannot now: no shared conv memory, or a helper given up on may still write in it.
   */
  convOn(threads: number): WasmConv | undefined {
    if (!this.conv || this.broken || this.helperBusy()) return undefined;
    this.convThreads = Math.min(threads, this.threads);
    return this.conv.instance;
  }

  /**
   * This pool as the splitter of conv-module calls made on `memory` (pooling: wasm-pool.ts), cut
   * over up to `threads` threads; undefined where its helpers do not work in that memory or cannot now.
   */
  splitterOn(memory: WebAssembly.Memory, threads: number): ConvSplitter | undefined {
    return this.conv?.memory === memory && this.convOn(threads) ? this : undefined;
  }

  /** ConvSplitter: the conv module's thread scratch, as runRange lays it out. */
  get threadScratchBytes(): number {
    return this.conv?.exports.threadScratchBytes() ?? 0;
  }

  /** ConvSplitter: one range per thread, each of at least MIN_RANGE_WORK. */
  parts(work: number): number {
    return Math.max(1, Math.min(this.convThreads, MAX_BLOCKS, Math.floor(work / MIN_RANGE_WORK)));
  }

  /** ConvSplitter: range 0 here, the others on whichever thread claims them first. */
  run(call: RangeCall, ranges: readonly OutputRange[]): boolean {
    const conv = this.conv;
    const count = ranges.length;
    if (!conv || this.broken || this.inJob || count > MAX_BLOCKS || this.helperBusy()) return false;
    const control = this.control;
    const generation = control.nextGeneration();
    control.writeCall(call, count);
    for (let block = 1; block < count; block++) {
      control.writeRange(block, ranges[block]);
      control.setState(block, tag(generation, PENDING));
    }
    this.publish(generation);
    const started = performance.now();
    const computeHere = (range: OutputRange): void => runRange(conv.exports, call, { ...range, scratch: ranges[0].scratch });
    try {
      runRange(conv.exports, call, ranges[0]);
    } catch (error) {
      this.withdraw(generation, count);
      throw error;
    }
    this.finishBlocks(generation, count, performance.now() - started, (block) => computeHere(ranges[block]), () => undefined, IN_PLACE_GRACE_MS);
    return true;
  }

  /**
   * Runs a job other modules describe (parallel-attention.ts): `write` puts its blocks in the
   * control block, `own` computes block 0 here, and the others go as finishBlocks says. False,
   * having run nothing, where the pool cannot take a job now.
   */
  runJob(job: PoolJob): boolean {
    if (!this.idle() || job.count < 2 || job.count > MAX_BLOCKS) return false;
    const control = this.control;
    const generation = control.nextGeneration();
    job.write(control);
    for (let block = 1; block < job.count; block++) control.setState(block, tag(generation, PENDING));
    this.publish(generation);
    // The job's own code may call gemm(): that runs on this thread alone until the job is over.
    this.inJob = true;
    try {
      const started = performance.now();
      try {
        job.own();
      } catch (error) {
        this.withdraw(generation, job.count);
        throw error;
      }
      const grace = job.inPlace ? IN_PLACE_GRACE_MS : HELPER_GRACE_MS;
      this.finishBlocks(generation, job.count, performance.now() - started, job.computeHere, job.collect, grace);
    } finally {
      this.inJob = false;
    }
    return true;
  }

  /**
   * How many blocks a runJob job on `threads` threads is cut into, at most `byWork` (what its
   * work is worth): two per thread, so that the caller takes back (finishBlocks) what a helper
   * slowed by its copies or a busy core has not started, where every helper of the pool may
   * join (it has no more threads than asked for); else one per thread, which only that many
   * threads ever run. Past one per thread, a multiple of the threads: with one block over, the
   * caller, which takes blocks back from the last, would compute two to each helper's one.
   */
  jobBlocks(threads: number, byWork: number): number {
    const usable = Math.min(threads, this.threads);
    const perThread = this.threads <= threads ? 2 : 1;
    const count = Math.min(perThread * usable, MAX_BLOCKS, byWork);
    return count > usable ? count - (count % usable) : count;
  }

  /**
   * Whether a job may start now; a job's operands must not be staged before (a helper given up
   * on may still read or write scratch memory).
   */
  idle(): boolean {
    return !this.broken && !this.inJob && !this.helperBusy();
  }

  /** Wakes helpers that sleep, ahead of a job the caller is about to stage (see GemmControl.wakeHelpers). */
  wakeHelpers(): void {
    if (!this.broken) this.control.wakeHelpers();
  }

  /** The float index helpers address `view` at in the shared heap (shared-heap.ts), or -1 where they cannot. */
  heapIndex(view: Float32Array): number {
    return sharedHeapIndex(this.heapMemory, view);
  }

  /** The shared heap as floats on this thread, indexed as heapIndex() says, or undefined where there is none. */
  heapView(): Float32Array | undefined {
    return sharedHeapFloats(this.heapMemory);
  }

  /** Floats of the shared heap now (a job's helpers make their view cover them), 0 where there is none. */
  heapFloats(): number {
    return this.heapMemory ? this.heapMemory.buffer.byteLength / 4 : 0;
  }

  /** The scratch memory helpers read a job's operands from. */
  get scratchMemory(): ScratchMemory {
    return this.scratch;
  }

  /**
   * After the caller's own block (which took `ownMs`): takes every block no helper has started,
   * from the last down (helpers go up), then waits for the helpers' blocks until a deadline
   * `graceMs` plus a multiple of ownMs away. A block a helper finished goes to `collect`; one that failed there, or
   * still runs past the deadline, is computed here (it stays taken until it ends, and no job
   * starts before then).
   */
  private finishBlocks(
    generation: number, count: number, ownMs: number, computeHere: (block: number) => void, collect: (block: number) => void,
    graceMs = HELPER_GRACE_MS,
  ): void {
    const control = this.control;
    const computedHere = new Array<boolean>(count).fill(false);
    for (let block = count - 1; block >= 1; block--) {
      if (!control.claim(block, tag(generation, PENDING), tag(generation, TAKEN))) continue;
      computedHere[block] = true;
      try {
        computeHere(block);
      } finally {
        control.setState(block, tag(generation, DONE));
      }
    }
    const deadline = performance.now() + graceMs + HELPER_GRACE_FACTOR * ownMs;
    for (let block = 1; block < count; block++) {
      if (computedHere[block]) continue;
      if (this.awaitBlock(block, generation, deadline) === tag(generation, DONE)) collect(block);
      else computeHere(block);
    }
  }

  /**
   * C = alpha * op(A) * op(B) + beta * C on up to `threads` threads, bit-identical to
   * wasmGemmF32 on one. False, with C untouched, where it does not run in parallel: float64 or
   * mixed arrays, a product too small to split, scratch memory too small, or a pool that is
   * broken or still waiting for a helper it gave up on.
   */
  gemm(op: GemmOperands, threads: number): boolean {
    const { a, b, c, m, n, k } = op;
    if (this.broken || this.inJob || !(a instanceof Float32Array && b instanceof Float32Array && c instanceof Float32Array)) return false;
    if (op.alpha === 0 || m === 0 || n === 0 || k === 0) return false;
    // One block per thread: measured against two per thread, which balance better on paper,
    // one was faster at every size (each block of a helper copies the uncut operand again).
    const split = splitGemm(m, n, Math.min(threads, this.threads, Math.floor((m * n * k) / MIN_BLOCK_WORK)));
    const count = split.blocks.length;
    if (count < 2) return false;
    const control = this.control;
    if (this.helperBusy()) return false;
    control.wakeHelpers();
    const heap = { a: this.heapIndex(a), c: this.heapIndex(c) };
    const inHeap = heap.a >= 0 && heap.c >= 0;
    const staged = this.staging.stage(op, split, inHeap ? heap : undefined);
    if (!staged) return false;

    const generation = control.nextGeneration();
    control.writeShape(op, count, inHeap ? this.heapFloats() : 0);
    for (let block = 1; block < count; block++) {
      control.writeBlock(block, staged[block - 1]);
      control.setState(block, tag(generation, PENDING));
    }
    this.publish(generation);

    const started = performance.now();
    if (!wasmGemmF32(blockOperands(op, split.blocks[0]))) {
      // No memory for the caller's own block: let one thread do it all, unless helpers may have
      // written blocks of C in place that the product reads (beta), and it cannot start over.
      this.withdraw(generation, count);
      this.staging.noteResidents(staged, [], (helper) => this.failed(helper, generation));
      if (inHeap && op.beta !== 0) throw new OnnxTsError(`the WebAssembly GEMM ran out of memory for a ${m} x ${n} x ${k} product`);
      return false;
    }
    const collected = new Array<boolean>(count).fill(false);
    this.finishBlocks(
      generation, count, performance.now() - started,
      (block) => this.computeHere(op, split.blocks[block]),
      (block) => {
        collected[block] = true;
        if (!inHeap) this.staging.collect(op, split.blocks[block], staged[block - 1]);
      },
      inHeap ? IN_PLACE_GRACE_MS : HELPER_GRACE_MS,
    );
    this.staging.noteResidents(staged, collected, (helper) => this.failed(helper, generation));
    return true;
  }

  /** Publishes a job, with the resident panels released since the last one. */
  private publish(generation: number): void {
    const released = this.staging.takeReleased();
    if (released.length > 0) this.control.writeReleases(released);
    this.control.publish(generation);
  }

  private failed(block: number, generation: number): boolean {
    return this.control.state(block) === tag(generation, FAILED);
  }

  /** Stops the helpers (each leaves its wait) and terminates them. */
  async close(): Promise<void> {
    this.broken = true;
    this.control.stop();
    await Promise.all(this.helpers.map((helper) => helper.terminate()));
  }

  /** Whether a helper still holds a block of an earlier job (one the caller gave up waiting for). */
  private helperBusy(): boolean {
    for (let block = 1; block < MAX_BLOCKS; block++) if (statusOf(this.control.state(block)) === TAKEN) return true;
    return false;
  }

  private breakDown(): void {
    if (!this.broken) void this.close();
  }

  private computeHere(op: GemmOperands, block: GemmBlock): void {
    if (!wasmGemmF32(blockOperands(op, block))) {
      throw new OnnxTsError(`the WebAssembly GEMM ran out of memory for a ${block.row1 - block.row0} x ${block.col1 - block.col0} block of a ${op.m} x ${op.n} x ${op.k} product`);
    }
  }

  /** The block's state once it is no longer TAKEN in this job, or TAKEN if the deadline passed first. */
  private awaitBlock(block: number, generation: number, deadline: number): number {
    const taken = tag(generation, TAKEN);
    const index = this.control.stateIndex(block);
    // A helper's block is no longer than the caller's, which is done: it ends soon.
    spinUntilChanged(this.control.ints, index, taken, SPIN_MS);
    for (;;) {
      const state = this.control.state(block);
      if (state !== taken) return state;
      const left = deadline - performance.now();
      if (left <= 0) return state;
      if (this.blocking) this.control.waitForBlock(block, taken, left);
    }
  }

  /** Takes back every block not started and waits for the rest, so no helper is left writing. */
  private withdraw(generation: number, count: number): void {
    const deadline = performance.now() + HELPER_GRACE_MS;
    for (let block = 1; block < count; block++) {
      if (!this.control.claim(block, tag(generation, PENDING), tag(generation, DONE))) this.awaitBlock(block, generation, deadline);
    }
  }
}

/** Sends a helper its start message; resolves once it is ready to take jobs, to whether it runs conv ranges. */
function startHelper(handle: WorkerHandle, start: GemmHelperStart): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new OnnxTsError(`a GEMM helper did not start within ${START_TIMEOUT_MS / 1000} s`)), START_TIMEOUT_MS);
    const settle = (error?: Error, conv = false): void => {
      clearTimeout(timer);
      handle.keepAlive(false);
      if (error) reject(error);
      else resolve(conv);
    };
    handle.onMessage((message) => {
      const reply = message as GemmHelperReply;
      if (reply.kind === 'ready') settle(undefined, reply.conv);
      else settle(new OnnxTsError(`a GEMM helper could not start: ${reply.reason}`));
    });
    handle.onExit((reason) => settle(new OnnxTsError(`a GEMM helper stopped while starting: ${reason.message}`, { cause: reason })));
    handle.keepAlive(true);
    handle.postMessage(start);
  });
}
