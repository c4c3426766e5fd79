/**
 * The host-neutral view of a worker thread, on both of its sides: what the runtime needs to
 * start one and talk to it (WorkerHandle, from the thread that owns it) and what a worker's
 * entry script hands to the code it serves (WorkerEndpoint). Node worker_threads and browser
 * Web Workers each implement it (node-worker-host.ts, browser-worker-host.ts), so nothing
 * under src/runtime/threads/ names either.
 */

/** What a worker runs: a whole inference session, or one helper of the parallel GEMM. */
export type WorkerRole = 'session' | 'gemm';

export interface WorkerHandle {
  /** Posts a message; buffers in `transfer` move to the worker instead of being copied. */
  postMessage(message: unknown, transfer?: readonly Transferable[]): void;
  /** Sets the one listener that receives the worker's messages, in order, from now on. */
  onMessage(listener: (message: unknown) => void): void;
  /**
   * Sets the one listener called, at most once, when the worker stops by itself: an uncaught
   * error, a failed script load, running out of memory, or exiting. Not after terminate().
   */
  onExit(listener: (reason: Error) => void): void;
  /** Stops the worker, even one blocked in Atomics.wait; resolves once it is gone. */
  terminate(): Promise<void>;
  /**
   * Whether a worker that waits for messages keeps its host alive (Node: ref/unref); a no-op
   * in browsers. Idle workers must not: a session the user forgot to release must not stop
   * the process from exiting.
   */
  keepAlive(alive: boolean): void;
}

/** Starts a worker for a role; throws where this host cannot. */
export type WorkerStarter = (role: WorkerRole) => WorkerHandle;

/** The worker's side of the channel: its parent. */
export interface WorkerEndpoint {
  postMessage(message: unknown, transfer?: readonly Transferable[]): void;
  onMessage(listener: (message: unknown) => void): void;
}
