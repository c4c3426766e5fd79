/**
 * A helper thread of the parallel GEMM and convolution (gemm-pool.ts). It loads its own
 * instance of the WebAssembly GEMM and, where the caller shares a conv memory, of the conv
 * module on that memory (the builds the caller uses, so results are bit-identical), says it is
 * ready, then waits for jobs on shared memory for the rest of its life (polling a moment after
 * each job, then blocking in Atomics.wait): no message is read after start, so a job costs a
 * store and a notify, not a trip through an event loop. Besides GEMM blocks and conv ranges it
 * runs blocks of attention heads (attention-helper.ts) and of rows (rows-helper.ts), and keeps
 * the constant B blocks it is given packed in its GEMM instance (resident-panels.ts). The entry
 * scripts (platform/node-gemm-worker.ts, platform/browser-gemm-worker.ts) call serveGemmHelper.
 */
import { instantiateSharedConv, type ConvExports } from '../wasm/conv-module.js';
import { runRange } from '../wasm/conv-ranges.js';
import { instantiateGemm, type GemmVariant } from '../wasm/gemm-module.js';
import { WasmGemm } from '../wasm/wasm-gemm.js';
import type { SimdVariant } from '../wasm/wasm-instance.js';
import type { WorkerEndpoint } from '../../platform/worker-handle.js';
import { ATTENTION_JOB, CONV_JOB, DONE, FAILED, GEMM_JOB, GemmControl, NO_RESIDENT, NOT_STAGED, PENDING, ROWS_JOB, TAKEN, tag, type ScratchBlock } from './gemm-control.js';
import { attentionBlock } from './attention-helper.js';
import { rowsBlock } from './rows-helper.js';
import { HelperResidents } from './resident-panels.js';
import { SharedHeapView } from './shared-heap.js';

export interface GemmHelperStart {
  readonly control: SharedArrayBuffer;
  /** Operands and results of every job, as float32 (growable where the engine allows). */
  readonly scratch: SharedArrayBuffer;
  /** This helper's number (1..), which spreads the helpers over the blocks they try first. */
  readonly slot: number;
  readonly variant: GemmVariant;
  /** The caller's shared conv memory and build, where it runs convolutions on several threads. */
  readonly conv?: { readonly memory: WebAssembly.Memory; readonly variant: SimdVariant };
  /** The caller's GEMM heap where it is shared: attention and row jobs may name operands there (shared-heap.ts). */
  readonly heap?: WebAssembly.Memory;
}

/** `conv`: whether the helper runs conv ranges (it loaded the conv build on the shared memory). */
export type GemmHelperReply = { readonly kind: 'ready'; readonly conv: boolean } | { readonly kind: 'failed'; readonly reason: string };

export function serveGemmHelper(endpoint: WorkerEndpoint): void {
  endpoint.onMessage((message) => {
    const start = message as GemmHelperStart;
    const module = instantiateGemm(start.variant);
    if (!module) {
      endpoint.postMessage({ kind: 'failed', reason: `the ${start.variant} WebAssembly GEMM does not load in a worker here` } satisfies GemmHelperReply);
      return;
    }
    const conv = start.conv && instantiateSharedConv(start.conv.variant, start.conv.memory);
    endpoint.postMessage({ kind: 'ready', conv: conv !== undefined } satisfies GemmHelperReply);
    const gemm = new WasmGemm(module);
    const heap = start.heap && new SharedHeapView(start.heap);
    serveJobs(new GemmControl(start.control), new Float32Array(start.scratch), start.slot, { gemm, residents: new HelperResidents(gemm), conv: conv?.exports, heap });
  });
}

/** How long a helper polls for the next job before it blocks (see GemmControl.waitForJob). */
const SPIN_MS = 1;

interface HelperModules {
  readonly gemm: WasmGemm;
  readonly residents: HelperResidents;
  readonly conv?: ConvExports;
  readonly heap?: SharedHeapView;
}

function serveJobs(control: GemmControl, scratch: Float32Array, slot: number, wasm: HelperModules): void {
  // The pool publishes its first job as generation 1: a job published before this loop
  // started is still seen, not slept through.
  let seen = 0;
  for (;;) {
    const generation = control.generation();
    if (generation === seen) {
      control.waitForJob(seen, SPIN_MS);
      continue;
    }
    seen = generation;
    if (control.stopped()) return;
    wasm.residents.applyReleases(control);
    const count = control.blockCount();
    const gemmJob = control.kind() === GEMM_JOB;
    // Helpers start at different blocks and go up; the caller comes down from the last.
    for (let i = 0; i < count - 1; i++) {
      const block = 1 + ((slot - 1 + i) % (count - 1));
      // Resident panels are kept by one helper: its block is no one else's.
      if (gemmJob && block !== slot && control.blockResident(block)) continue;
      if (control.claim(block, tag(generation, PENDING), tag(generation, TAKEN))) computeBlock(control, scratch, block, generation, wasm);
    }
  }
}

function computeBlock(control: GemmControl, scratch: Float32Array, block: number, generation: number, wasm: HelperModules): void {
  let ok = false;
  try {
    const kind = control.kind();
    if (kind === CONV_JOB) {
      if (wasm.conv) runRange(wasm.conv, control.readCall(), control.readRange(block));
      ok = wasm.conv !== undefined;
      return;
    }
    if (kind === ATTENTION_JOB) {
      const { start, end } = control.readRange(block);
      ok = attentionBlock(control, scratch, wasm.heap, start, end);
      return;
    }
    if (kind === ROWS_JOB) {
      const { start, end } = control.readRange(block);
      ok = rowsBlock(control, scratch, wasm.heap, start, end);
      return;
    }
    ok = gemmBlock(control, scratch, control.readBlock(block), wasm);
  } finally {
    control.finish(block, tag(generation, ok ? DONE : FAILED));
  }
}

/**
 * One GEMM block: A and C in scratch memory, or where they lie in the shared heap where the job
 * says so. B is a staged copy, packed on the way and kept where the block names resident
 * panels, or, where it is not staged, those kept panels; false where they are not kept here
 * (the caller then computes the block).
 */
function gemmBlock(control: GemmControl, scratch: Float32Array, block: ScratchBlock, wasm: HelperModules): boolean {
  const { k, transA, transB, alpha, beta, heapFloats = 0 } = control.readShape();
  if (heapFloats > 0 && !wasm.heap) return false;
  // A and C where they lie in the shared heap, or their staged copies.
  const inPlace = heapFloats > 0 ? wasm.heap!.covering(heapFloats) : scratch;
  const staged = block.bAt !== NOT_STAGED;
  const resident = block.resident !== NO_RESIDENT;
  const op = {
    m: block.m, n: block.n, k, alpha, beta,
    a: inPlace, aOffset: block.aAt, lda: block.lda, transA,
    // Kept panels are found by their view: offset 0 in a B that starts where it is staged.
    b: resident && staged ? scratch.subarray(block.bAt) : scratch, bOffset: resident ? 0 : block.bAt, ldb: block.ldb, transB,
    c: inPlace, cOffset: block.cAt, ldc: block.ldc,
    constantB: resident ? wasm.residents.keyOf(block.resident) : undefined,
  };
  if (!staged && !wasm.gemm.holdsResident(op)) return false;
  return wasm.gemm.gemmF32(op);
}
