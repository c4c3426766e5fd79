/**
 * A helper thread of the parallel GEMM (gemm-pool.ts). It loads its own instance of the
 * WebAssembly GEMM (the build the caller uses, so results are bit-identical), says it is
 * ready, then waits for jobs on shared memory for the rest of its life (polling a moment after
 * each job, then blocking in Atomics.wait): no message is read after start, so a job costs a
 * store and a notify, not a trip through an event loop. The entry scripts
 * (platform/node-gemm-worker.ts, platform/browser-gemm-worker.ts) call serveGemmHelper.
 */
import { instantiateGemm, type GemmVariant } from '../wasm/gemm-module.js';
import { WasmGemm } from '../wasm/wasm-gemm.js';
import type { WorkerEndpoint } from '../../platform/worker-handle.js';
import { DONE, FAILED, GemmControl, PENDING, TAKEN, tag } from './gemm-control.js';

export interface GemmHelperStart {
  readonly control: SharedArrayBuffer;
  /** Operands and results of every job, as float32 (growable where the engine allows). */
  readonly scratch: SharedArrayBuffer;
  /** This helper's number (1..), which spreads the helpers over the blocks they try first. */
  readonly slot: number;
  readonly variant: GemmVariant;
}

export type GemmHelperReply = { readonly kind: 'ready' } | { readonly kind: 'failed'; readonly reason: string };

export function serveGemmHelper(endpoint: WorkerEndpoint): void {
  endpoint.onMessage((message) => {
    const start = message as GemmHelperStart;
    const module = instantiateGemm(start.variant);
    if (!module) {
      endpoint.postMessage({ kind: 'failed', reason: `the ${start.variant} WebAssembly GEMM does not load in a worker here` } satisfies GemmHelperReply);
      return;
    }
    endpoint.postMessage({ kind: 'ready' } satisfies GemmHelperReply);
    serveJobs(new GemmControl(start.control), new Float32Array(start.scratch), start.slot, new WasmGemm(module));
  });
}

/** How long a helper polls for the next job before it blocks (see GemmControl.waitForJob). */
const SPIN_MS = 1;

function serveJobs(control: GemmControl, scratch: Float32Array, slot: number, wasm: WasmGemm): void {
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
    const count = control.blockCount();
    // Helpers start at different blocks and go up; the caller comes down from the last.
    for (let i = 0; i < count - 1; i++) {
      const block = 1 + ((slot - 1 + i) % (count - 1));
      if (control.claim(block, tag(generation, PENDING), tag(generation, TAKEN))) computeBlock(control, scratch, block, generation, wasm);
    }
  }
}

function computeBlock(control: GemmControl, scratch: Float32Array, block: number, generation: number, wasm: WasmGemm): void {
  let ok = false;
  try {
    const { k, transA, transB, alpha, beta } = control.readShape();
    const b = control.readBlock(block);
    ok = wasm.gemmF32({
      m: b.m, n: b.n, k, alpha, beta,
      a: scratch, aOffset: b.aAt, lda: b.lda, transA,
      b: scratch, bOffset: b.bAt, ldb: b.ldb, transB,
      c: scratch, cOffset: b.cAt, ldc: b.ldc,
    });
  } finally {
    control.finish(block, tag(generation, ok ? DONE : FAILED));
  }
}
