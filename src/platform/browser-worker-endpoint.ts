/** The parent of a Web Worker (its global scope), as the WorkerEndpoint its entry script serves. */
import type { WorkerEndpoint } from './worker-handle.js';

/** The part of DedicatedWorkerGlobalScope used here; the DOM library types `self` as a Window. */
interface WorkerScope {
  postMessage(message: unknown, options: { transfer: Transferable[] }): void;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
}

export function browserEndpoint(): WorkerEndpoint {
  const scope = globalThis as unknown as WorkerScope;
  return {
    postMessage: (message, transfer) => scope.postMessage(message, { transfer: transfer ? [...transfer] : [] }),
    onMessage: (listener) => scope.addEventListener('message', (event) => listener(event.data)),
  };
}
