/**
 * Intra-op parallelism for this thread: one pool of GEMM and conv helpers (gemm-pool.ts),
 * shared by every session, and how many threads the kernel running right now may use. GEMMs,
 * convolutions, attention heads (parallel-attention.ts) and row ops (parallel-rows.ts) run on it.
 *
 * Kernels call gemm() synchronously and know nothing of sessions, so the thread count travels
 * beside the call: the executor runs each kernel inside withIntraOpThreads(n, ...) with its
 * session's count, and parallelGemmF32 reads it. That is exact in one thread of JavaScript:
 * only the synchronous part of a kernel sees the count, and every kernel an async kernel runs
 * later (a subgraph's) is wrapped again by the executor.
 *
 * The pool starts asynchronously (workers load), so sessions provide it when they are created;
 * until it is ready, and wherever it cannot exist (no SharedArrayBuffer: a page that is not
 * cross-origin isolated; no workers; WebAssembly off), gemm() and Conv run on one thread as before.
 */
import { useThreadedConv } from '../wasm/wasm-conv.js';
import { useThreadedGemv } from '../wasm/wasm-gemv.js';
import { useThreadedPooling } from '../wasm/wasm-pool.js';
import type { RowNormalization, WasmUnaryOp } from '../wasm/elementwise-host.js';
import { wasmGemmVariant } from '../wasm/wasm-gemm.js';
import type { AttentionProblem } from '../../kernels/contrib-transformer/attention-core.js';
import type { GemmOperands } from '../../kernels/linalg/gemm-core.js';
import type { WorkerStarter } from '../../platform/worker-handle.js';
import { MAX_THREADS } from './gemm-control.js';
import { GemmPool } from './gemm-pool.js';
import { parallelAttend } from './parallel-attention.js';
import { parallelBiasUnary, parallelNormalizeRows } from './parallel-rows.js';

let pool: GemmPool | undefined;
let starting: Promise<unknown> | undefined;
let current = 1;

// Convolutions ask for the pool's shared-memory instance whenever the running kernel has threads.
useThreadedConv(() => (current > 1 ? pool?.convOn(current) : undefined));
useThreadedPooling((memory) => (current > 1 ? pool?.splitterOn(memory, current) : undefined));
useThreadedGemv((memory) => (current > 1 ? pool?.splitterOn(memory, current) : undefined));

/** intraOpNumThreads as onnxruntime reads it: 0 or absent means one per core. */
export function resolveIntraOpThreads(requested: number | undefined, cores: number): number {
  return Math.max(1, Math.min(MAX_THREADS, requested || cores));
}

/** Runs `kernel` (synchronously) with `threads` available to the GEMMs it calls. */
export function withIntraOpThreads<T>(threads: number, kernel: () => T): T {
  const outer = current;
  current = threads;
  try {
    return kernel();
  } finally {
    current = outer;
  }
}

/** Whether the running kernel has threads and the pool is up: the parallel GEMM may take its products. */
export function hasIntraOpThreads(): boolean {
  return current > 1 && pool !== undefined;
}

/** The parallel GEMM, where the running kernel has threads and the pool is up; false (C untouched) otherwise. */
export function parallelGemmF32(op: GemmOperands): boolean {
  return current > 1 && pool !== undefined && pool.gemm(op, current);
}

/** attend(p, out) across the pool, where the running kernel has threads and the pool is up; false (nothing written) otherwise. */
export function parallelAttention(p: AttentionProblem, out: Float32Array, attendHeads: (from: number, to: number) => void): boolean {
  return current > 1 && pool !== undefined && parallelAttend(pool, p, out, current, attendHeads);
}

/** out = op(x + bias) across the pool (see parallel-rows.ts); false where the caller must compute every row on one thread. */
export function parallelBiasUnaryF32(op: WasmUnaryOp, x: Float32Array, bias: Float32Array, out: Float32Array, p0 = 0, p1 = 0): boolean {
  return current > 1 && pool !== undefined && parallelBiasUnary(pool, current, op, x, bias, out, p0, p1);
}

/** The row normalization `n` across the pool (see parallel-rows.ts); false where the caller must compute every row on one thread. */
export function parallelNormalizeRowsF32(n: RowNormalization): boolean {
  return current > 1 && pool !== undefined && parallelNormalizeRows(pool, current, n);
}

/**
 * Makes sure `threads` threads (the caller and threads - 1 helpers) are there for this
 * thread's GEMMs, starting or enlarging the pool; resolves to how many a session can count on:
 * 1 where no pool can start here. Never rejects: a pool that fails to start leaves one thread.
 */
export async function provideIntraOpThreads(threads: number, start: WorkerStarter | undefined): Promise<number> {
  const variant = wasmGemmVariant();
  if (threads <= 1 || start === undefined || variant === undefined || typeof SharedArrayBuffer !== 'function') return 1;
  while (starting) await starting.catch(() => undefined);
  if (pool?.usable && pool.threads >= threads && pool.variant === variant) return threads;
  const replacing = pool;
  const started = GemmPool.start(threads - 1, start, variant);
  starting = started;
  try {
    pool = await started;
    await replacing?.close();
    return threads;
  } catch {
    return pool?.usable ? Math.min(threads, pool.threads) : 1;
  } finally {
    starting = undefined;
  }
}

/** Stops this thread's pool (tests; a host shutting down): GEMMs run on one thread until provided again. */
export async function closeIntraOpThreads(): Promise<void> {
  const closing = pool;
  pool = undefined;
  await closing?.close();
}
