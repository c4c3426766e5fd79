/**
 * Node's WorkerStarter: worker_threads running the entry scripts beside this file
 * (node-session-worker.js, node-gemm-worker.js once compiled). A worker that throws, runs out
 * of memory or exits reports it once through onExit, with what Node said about it.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker, type TransferListItem } from 'node:worker_threads';
import type { WorkerHandle, WorkerRole, WorkerStarter } from './worker-handle.js';

const SCRIPTS: Record<WorkerRole, string> = { session: 'node-session-worker.js', gemm: 'node-gemm-worker.js' };

/**
 * Starts workers from the scripts in `scriptDir` (a folder URL ending in '/'; by default this
 * file's own folder). Where the script is missing (the library run from its TypeScript
 * sources, which have no compiled entry scripts) starting throws at once instead of leaving a
 * worker to fail asynchronously.
 */
export function createNodeWorkerStarter(scriptDir: URL = new URL('./', import.meta.url)): WorkerStarter {
  return (role) => {
    const script = new URL(SCRIPTS[role], scriptDir);
    if (!existsSync(fileURLToPath(script))) throw new Error(`the ${role} worker script ${fileURLToPath(script)} does not exist`);
    return nodeWorkerHandle(new Worker(script, { name: `onnxts-${role}` }));
  };
}

function nodeWorkerHandle(worker: Worker): WorkerHandle {
  let messageListener: ((message: unknown) => void) | undefined;
  let exitListener: ((reason: Error) => void) | undefined;
  let stopped = false;
  let lastError: Error | undefined;
  const report = (reason: Error): void => {
    if (stopped) return;
    stopped = true;
    exitListener?.(reason);
  };
  // 'error' (an uncaught exception, a script that fails to load, ERR_WORKER_OUT_OF_MEMORY) is
  // always followed by 'exit'; the error is the better explanation, so keep it for then.
  worker.on('error', (error) => {
    lastError = error;
  });
  worker.on('exit', (code) => {
    report(lastError ?? new Error(`the worker exited with code ${code}`));
  });
  worker.on('message', (message) => messageListener?.(message));
  worker.unref();
  return {
    postMessage: (message, transfer) => worker.postMessage(message, transfer as readonly TransferListItem[] | undefined),
    onMessage: (listener) => {
      messageListener = listener;
    },
    onExit: (listener) => {
      exitListener = listener;
    },
    async terminate() {
      stopped = true;
      await worker.terminate();
    },
    keepAlive: (alive) => (alive ? worker.ref() : worker.unref()),
  };
}
