/**
 * The parallel float32 GEMM: the calling thread and a pool of helper workers, each with its own
 * instance of the WebAssembly GEMM, compute blocks of C at the same time (gemm-split.ts).
 *
 * gemm() stays synchronous, as every kernel that calls it is: the caller stages the helpers'
 * operands in shared scratch memory, wakes them with one Atomics.notify, computes its own block
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
 * Convolutions run the same way without any staging: where shared WebAssembly memory exists,
 * the pool keeps a conv memory that the caller's instance of the conv module and one instance
 * per helper all work in, and a job is one conv kernel call cut into ranges of its output
 * (backends/wasm/conv-ranges.ts). The caller recomputes a helper's range with its own range's
 * scratch, never the helper's, which a late helper may still be using.
 */
import { convModule, instantiateSharedConv, sharedConvMemory, type ConvExports, type ConvModule } from '../wasm/conv-module.js';
import { runRange, type OutputRange, type RangeCall } from '../wasm/conv-ranges.js';
import type { GemmVariant } from '../wasm/gemm-module.js';
import { WasmConv, type ConvSplitter } from '../wasm/wasm-conv.js';
import { wasmGemmF32 } from '../wasm/wasm-gemm.js';
import { OnnxTsError } from '../../errors/errors.js';
import type { GemmOperands } from '../../kernels/linalg/gemm-core.js';
import type { WorkerHandle, WorkerStarter } from '../../platform/worker-handle.js';
import { DONE, GemmControl, MAX_BLOCKS, PENDING, TAKEN, spinUntilChanged, statusOf, tag, type ScratchBlock } from './gemm-control.js';
import type { GemmHelperReply, GemmHelperStart } from './gemm-helper.js';
import { blockOperands, splitGemm, type GemmBlock, type GemmSplit } from './gemm-split.js';
import { layoutRegions, ScratchMemory } from './scratch-memory.js';

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
const START_TIMEOUT_MS = 10_000;
/** How long the caller polls for a helper's block before it blocks (see GemmControl.waitForJob). */
const SPIN_MS = 1;

/** rows x cols at `offset` of `src`, rows `ld` apart: one operand as stored. */
interface View {
  readonly offset: number;
  readonly rows: number;
  readonly cols: number;
  readonly ld: number;
}

function viewA(op: GemmOperands): View {
  return { offset: op.aOffset, rows: op.transA ? op.k : op.m, cols: op.transA ? op.m : op.k, ld: op.lda };
}

function viewB(op: GemmOperands): View {
  return { offset: op.bOffset, rows: op.transB ? op.n : op.k, cols: op.transB ? op.k : op.n, ld: op.ldb };
}

function copyToScratch(scratch: Float32Array, at: number, src: Float32Array, view: View): void {
  const { offset, rows, cols, ld } = view;
  if (ld === cols) {
    scratch.set(src.subarray(offset, offset + rows * cols), at);
    return;
  }
  for (let i = 0; i < rows; i++) scratch.set(src.subarray(offset + i * ld, offset + i * ld + cols), at + i * cols);
}

function copyFromScratch(scratch: Float32Array, at: number, dst: Float32Array, view: View): void {
  const { offset, rows, cols, ld } = view;
  if (ld === cols) {
    dst.set(scratch.subarray(at, at + rows * cols), offset);
    return;
  }
  for (let i = 0; i < rows; i++) dst.set(scratch.subarray(at + i * cols, at + (i + 1) * cols), offset + i * ld);
}

/** Whether this thread may block in Atomics.wait (not a browser's main thread). */
function canBlock(): boolean {
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    return true;
  } catch {
    return false;
  }
}

/** The caller's instance of the conv module on the memory the helpers share. */
interface SharedConv {
  readonly exports: ConvExports;
  readonly instance: WasmConv;
}

export class GemmPool implements ConvSplitter {
  private broken = false;
  private readonly blocking = canBlock();
  private convThreads = 1;
  private readonly conv: SharedConv | undefined;

  private constructor(
    private readonly control: GemmControl,
    private readonly scratch: ScratchMemory,
    private readonly helpers: readonly WorkerHandle[],
    readonly variant: GemmVariant,
    conv: ConvModule | undefined,
  ) {
    for (const helper of helpers) helper.onExit(() => this.breakDown());
    this.conv = conv && { exports: conv.exports, instance: new WasmConv(conv, this) };
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
    const convVariant = convModule()?.variant;
    const memory = convVariant && sharedConvMemory();
    const callerConv = memory && convVariant ? instantiateSharedConv(convVariant, memory) : undefined;
    const conv = memory && callerConv ? { memory, variant: callerConv.variant } : undefined;
    const handles: WorkerHandle[] = [];
    let helpersConv: boolean[];
    try {
      for (let slot = 1; slot <= helpers; slot++) handles.push(start('gemm'));
      helpersConv = await Promise.all(handles.map((handle, i) => startHelper(handle, { control: control.buffer, scratch: scratch.buffer, slot: i + 1, variant, conv })));
    } catch (error) {
      control.stop();
      await Promise.all(handles.map((handle) => handle.terminate()));
      throw error;
    }
    return new GemmPool(control, scratch, handles, variant, helpersConv.every(Boolean) ? callerConv : undefined);
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

  /** ConvSplitter: one range per thread, each of at least MIN_RANGE_WORK. */
  parts(work: number): number {
    return Math.max(1, Math.min(this.convThreads, MAX_BLOCKS, Math.floor(work / MIN_RANGE_WORK)));
  }

  /** ConvSplitter: range 0 here, the others on whichever thread claims them first. */
  run(call: RangeCall, ranges: readonly OutputRange[]): boolean {
    const conv = this.conv;
    const count = ranges.length;
    if (!conv || this.broken || count > MAX_BLOCKS || this.helperBusy()) return false;
    const control = this.control;
    const generation = control.nextGeneration();
    control.writeCall(call, count);
    for (let block = 1; block < count; block++) {
      control.writeRange(block, ranges[block]);
      control.setState(block, tag(generation, PENDING));
    }
    control.publish(generation);
    const started = performance.now();
    const computeHere = (range: OutputRange): void => runRange(conv.exports, call, { ...range, scratch: ranges[0].scratch });
    try {
      runRange(conv.exports, call, ranges[0]);
    } catch (error) {
      this.withdraw(generation, count);
      throw error;
    }
    this.finishBlocks(generation, count, performance.now() - started, (block) => computeHere(ranges[block]), () => undefined);
    return true;
  }

  /**
   * After the caller's own block (which took `ownMs`): takes every block no helper has started,
   * from the last down (helpers go up), then waits for the helpers' blocks until a deadline
   * scaled by ownMs. A block a helper finished goes to `collect`; one that failed there, or
   * still runs past the deadline, is computed here (it stays taken until it ends, and no job
   * starts before then).
   */
  private finishBlocks(generation: number, count: number, ownMs: number, computeHere: (block: number) => void, collect: (block: number) => void): void {
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
    const deadline = performance.now() + HELPER_GRACE_MS + HELPER_GRACE_FACTOR * ownMs;
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
    if (this.broken || !(a instanceof Float32Array && b instanceof Float32Array && c instanceof Float32Array)) return false;
    if (op.alpha === 0 || m === 0 || n === 0 || k === 0) return false;
    // One block per thread: measured against two per thread, which balance better on paper,
    // one was faster at every size (each block of a helper copies the uncut operand again).
    const split = splitGemm(m, n, Math.min(threads, this.threads, Math.floor((m * n * k) / MIN_BLOCK_WORK)));
    const count = split.blocks.length;
    if (count < 2) return false;
    const control = this.control;
    if (this.helperBusy()) return false;
    const staged = this.stage(op, split);
    if (!staged) return false;

    const generation = control.nextGeneration();
    control.writeShape(op, count);
    for (let block = 1; block < count; block++) {
      control.writeBlock(block, staged[block - 1]);
      control.setState(block, tag(generation, PENDING));
    }
    control.publish(generation);

    const started = performance.now();
    if (!wasmGemmF32(blockOperands(op, split.blocks[0]))) {
      // No memory for the caller's own block, before C was touched: let one thread do it all.
      this.withdraw(generation, count);
      return false;
    }
    this.finishBlocks(
      generation, count, performance.now() - started,
      (block) => this.computeHere(op, split.blocks[block]),
      (block) => copyFromScratch(this.scratch.f32, staged[block - 1].cAt, c, cView(op, split.blocks[block])),
    );
    return true;
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

  /**
   * Copies what helpers read into scratch memory: the side no block cuts once, each block's
   * part of the cut side, and its part of C where beta reads it. Blocks 1.. at [block - 1]
   * (block 0, always the caller's, reads its arrays directly); undefined where scratch cannot
   * hold them.
   */
  private stage(op: GemmOperands, split: GemmSplit): ScratchBlock[] | undefined {
    const whole = split.axis === 'cols' ? viewA(op) : viewB(op);
    const parts = split.blocks.map((block) => {
      const sub = blockOperands(op, block);
      return { sub, cut: split.axis === 'cols' ? viewB(sub) : viewA(sub), out: cView(op, block) };
    });
    const helpers = parts.slice(1);
    const sizes = [whole.rows * whole.cols, ...helpers.flatMap((p) => [p.cut.rows * p.cut.cols, p.out.rows * p.out.cols])];
    const { at, end } = layoutRegions(sizes);
    if (!this.scratch.reserve(end)) return undefined;
    const scratch = this.scratch.f32;
    const wholeSrc = (split.axis === 'cols' ? op.a : op.b) as Float32Array;
    const cutSrc = (split.axis === 'cols' ? op.b : op.a) as Float32Array;
    copyToScratch(scratch, at[0], wholeSrc, whole);
    const staged: ScratchBlock[] = [];
    helpers.forEach(({ sub, cut, out }, i) => {
      const cutAt = at[1 + 2 * i];
      const cAt = at[2 + 2 * i];
      copyToScratch(scratch, cutAt, cutSrc, cut);
      if (op.beta !== 0) copyToScratch(scratch, cAt, op.c as Float32Array, out);
      const [aAt, lda, bAt, ldb] = split.axis === 'cols' ? [at[0], whole.cols, cutAt, cut.cols] : [cutAt, cut.cols, at[0], whole.cols];
      staged[i] = { m: sub.m, n: sub.n, aAt, lda, bAt, ldb, cAt, ldc: sub.n };
    });
    return staged;
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
      if (this.blocking) Atomics.wait(this.control.ints, index, taken, left);
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

function cView(op: GemmOperands, block: GemmBlock): View {
  return { offset: blockOperands(op, block).cOffset, rows: block.row1 - block.row0, cols: block.col1 - block.col0, ld: op.ldc };
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
