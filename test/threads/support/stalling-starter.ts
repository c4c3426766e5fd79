/**
 * A starter of the stalling GEMM worker (it dies in the middle of its block or range) that
 * records why each worker exited, for the tests of a pool that loses a helper mid-job.
 */
import { createNodeWorkerStarter } from '../../../src/platform/node-worker-host.js';
import type { WorkerStarter } from '../../../src/platform/worker-handle.js';

export function watchedStallingStarter(scripts: URL): { starter: WorkerStarter; exits: string[] } {
  const exits: string[] = [];
  const base = createNodeWorkerStarter(new URL('stalling/', scripts));
  const starter: WorkerStarter = (role) => {
    const handle = base(role);
    const onExit = handle.onExit.bind(handle);
    handle.onExit = (listener) => onExit((reason) => {
      exits.push(reason.message);
      listener(reason);
    });
    return handle;
  };
  return { starter, exits };
}
