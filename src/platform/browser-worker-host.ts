/**
 * The browser's WorkerStarter: module Web Workers running the worker bundles that sit beside
 * the library's own bundle (onnxts-session-worker.js, onnxts-gemm-worker.js, built by
 * scripts/build-browser.mjs), or in a folder the page names.
 *
 * A browser reports an uncaught error in a worker without stopping it, and never reports a
 * terminate(); the handle stops the worker on its first error so that, as in Node, a worker
 * that failed is gone and whoever waited on it hears about it exactly once.
 */
import type { WorkerHandle, WorkerRole, WorkerStarter } from './worker-handle.js';

const SCRIPTS: Record<WorkerRole, string> = { session: 'onnxts-session-worker.js', gemm: 'onnxts-gemm-worker.js' };

export function createBrowserWorkerStarter(scriptDir: URL = new URL('./', import.meta.url)): WorkerStarter {
  return (role) => {
    if (typeof Worker === 'undefined') throw new Error('this context has no Web Workers');
    return browserWorkerHandle(new Worker(new URL(SCRIPTS[role], scriptDir), { type: 'module', name: `onnxts-${role}` }));
  };
}

function browserWorkerHandle(worker: Worker): WorkerHandle {
  let messageListener: ((message: unknown) => void) | undefined;
  let exitListener: ((reason: Error) => void) | undefined;
  let stopped = false;
  const fail = (reason: Error): void => {
    if (stopped) return;
    stopped = true;
    worker.terminate();
    exitListener?.(reason);
  };
  worker.addEventListener('error', (event) => {
    // A script that does not load (404, a MIME type, a syntax error) has no message.
    fail(new Error(event.message || `the worker script ${event.filename || ''} could not be loaded`.trim()));
    event.preventDefault();
  });
  worker.addEventListener('message', (event) => messageListener?.(event.data));
  worker.addEventListener('messageerror', () => fail(new Error('a message from the worker could not be deserialized')));
  return {
    postMessage: (message, transfer) => worker.postMessage(message, { transfer: transfer ? [...transfer] : [] }),
    onMessage: (listener) => {
      messageListener = listener;
    },
    onExit: (listener) => {
      exitListener = listener;
    },
    async terminate() {
      stopped = true;
      worker.terminate();
    },
    keepAlive: () => undefined,
  };
}
