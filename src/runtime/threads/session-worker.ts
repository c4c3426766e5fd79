/**
 * The worker side of a session that runs off its owner's thread: an ordinary in-thread
 * InferenceSession, created and run on the owner's request, so validation, fetch handling
 * and errors are exactly those of in-thread execution. The entry scripts
 * (platform/node-session-worker.ts, platform/browser-session-worker.ts) install the platform
 * and call serveSession with their endpoint.
 */
import { InferenceSession } from '../../api/inference-session.js';
import type { SessionOptions } from '../../api/session-options.js';
import type { WorkerEndpoint } from '../../platform/worker-handle.js';
import type { FromWorker, ModelSourceMessage, ToWorker } from './session-protocol.js';
import { errorToWire } from './wire-errors.js';
import { fromWire, toWire } from './wire-values.js';

function createSession(source: ModelSourceMessage, options: SessionOptions): Promise<InferenceSession> {
  const withData: SessionOptions = source.externalData.length > 0 ? { ...options, externalData: source.externalData } : options;
  if (source.location !== undefined) return InferenceSession.create(source.location, withData);
  return InferenceSession.create(source.bytes ?? new Uint8Array(), withData);
}

export function serveSession(endpoint: WorkerEndpoint): void {
  let session: InferenceSession | undefined;
  const post = (message: FromWorker, transfer?: Transferable[]): void => endpoint.postMessage(message, transfer);

  async function handle(message: ToWorker): Promise<void> {
    if (message.kind === 'create') {
      try {
        session = await createSession(message.source, message.options);
        const { inputNames, outputNames, inputMetadata, outputMetadata } = session;
        post({ kind: 'created', session: { inputNames, outputNames, inputMetadata, outputMetadata } });
      } catch (error) {
        post({ kind: 'create-failed', error: errorToWire(error) });
      }
      return;
    }
    const { id } = message;
    try {
      if (!session) throw new Error('the worker received a run before its session was created');
      const outputs = await session.run(
        fromWire(message.feeds) as never, fromWire(message.arg1) as never, fromWire(message.arg2) as never,
      );
      const transfer: Transferable[] = [];
      post({ kind: 'result', id, outputs: toWire(outputs, transfer) }, transfer);
    } catch (error) {
      post({ kind: 'run-failed', id, error: errorToWire(error) });
    }
  }

  endpoint.onMessage((message) => void handle(message as ToWorker));
}
