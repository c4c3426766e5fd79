/** The parent of a Node worker thread, as the WorkerEndpoint its entry script serves. */
import { parentPort, type TransferListItem } from 'node:worker_threads';
import type { WorkerEndpoint } from './worker-handle.js';

export function nodeEndpoint(): WorkerEndpoint {
  const port = parentPort;
  if (!port) throw new Error('this script runs in a worker thread, started by onnxts');
  return {
    postMessage: (message, transfer) => port.postMessage(message, transfer as readonly TransferListItem[] | undefined),
    onMessage: (listener) => void port.on('message', listener),
  };
}
