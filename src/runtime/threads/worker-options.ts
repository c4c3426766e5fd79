/**
 * The session options that move a session off the calling thread, read from `extra` (the
 * free-form bag onnxruntime-common leaves for options it has no field for):
 *
 *   extra.runInWorker: boolean   compile and run the model in a worker; by default what
 *                                env.wasm.proxy says (onnxruntime-web's switch for the same)
 *   extra.sessionWorkers: n      how many workers, each with its own copy of the model, run
 *                                concurrent run() calls (default 1: they queue)
 *
 * executionMode is not reused: in onnxruntime it chooses inter-op parallelism inside one run,
 * a different thing from where the run happens, and a user porting code that sets it must
 * not find the session silently moved.
 */
import type { SessionOptions } from '../../api/session-options.js';
import { InvalidArgumentError } from '../../errors/errors.js';

const RUN_IN_WORKER = 'runInWorker';
const SESSION_WORKERS = 'sessionWorkers';

/** How many workers the session runs in: 0 when it runs on the calling thread. */
export function sessionWorkerCount(options: SessionOptions, proxy: boolean | undefined): number {
  const extra = options.extra ?? {};
  const runInWorker = extra[RUN_IN_WORKER] ?? proxy ?? false;
  if (typeof runInWorker !== 'boolean') {
    throw new InvalidArgumentError(`invalid session option: extra.${RUN_IN_WORKER} must be true or false, got ${String(runInWorker)}`);
  }
  const workers = extra[SESSION_WORKERS] ?? 1;
  if (!Number.isInteger(workers) || (workers as number) < 1) {
    throw new InvalidArgumentError(`invalid session option: extra.${SESSION_WORKERS} must be a positive integer, got ${String(workers)}`);
  }
  return runInWorker ? (workers as number) : 0;
}

/** The options for the session inside a worker: the same, except that it runs where it is. */
export function withoutWorkerOptions(options: SessionOptions): SessionOptions {
  const { [RUN_IN_WORKER]: _run, [SESSION_WORKERS]: _count, ...extra } = options.extra ?? {};
  return { ...options, extra: { ...extra, [RUN_IN_WORKER]: false } };
}
