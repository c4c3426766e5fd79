/**
 * A session whose model is compiled and run in worker threads: run() only posts the feeds and
 * receives the outputs, so the calling thread's event loop stays free while the model runs.
 *
 * Each of the pool's workers holds its own copy of the session and runs one run at a time;
 * runs beyond the idle workers queue in call order. A worker that stops rejects its run with a
 * WorkerError (and leaves the pool); when none is left, queued and later runs reject too.
 * Workers keep the host process alive only while they have work, as a session in the calling
 * thread would: an unreleased, idle session never stops Node from exiting.
 */
import type { ReturnType } from '../../api/inference-session.js';
import type { SessionOptions } from '../../api/session-options.js';
import { InvalidArgumentError, InvalidFeedError } from '../../errors/errors.js';
import type { WorkerHandle, WorkerStarter } from '../../platform/worker-handle.js';
import type { FromWorker, ModelSourceMessage, SessionDescription } from './session-protocol.js';
import { errorFromWire } from './wire-errors.js';
import { fromWire, toWire } from './wire-values.js';
import { WorkerError } from './worker-error.js';

interface PendingRun {
  readonly id: number;
  readonly feeds: unknown;
  readonly arg1: unknown;
  readonly arg2: unknown;
  readonly resolve: (outputs: ReturnType) => void;
  readonly reject: (error: Error) => void;
}

interface PoolWorker {
  readonly handle: WorkerHandle;
  current?: PendingRun;
}

export class RemoteSession implements SessionDescription {
  private readonly queue: PendingRun[] = [];
  private nextId = 0;
  private released = false;
  /** Set once the last worker is gone: why every later run fails. */
  private broken: WorkerError | undefined;

  private constructor(
    private workers: PoolWorker[],
    private readonly description: SessionDescription,
  ) {
    for (const worker of workers) {
      worker.handle.onMessage((message) => this.onMessage(worker, message as FromWorker));
      worker.handle.onExit((reason) => this.onExit(worker, reason));
    }
  }

  get inputNames(): readonly string[] {
    return this.description.inputNames;
  }

  get outputNames(): readonly string[] {
    return this.description.outputNames;
  }

  get inputMetadata(): SessionDescription['inputMetadata'] {
    return this.description.inputMetadata;
  }

  get outputMetadata(): SessionDescription['outputMetadata'] {
    return this.description.outputMetadata;
  }

  /** Starts `count` workers and creates the session in each; any failure stops them all and rejects. */
  static async create(start: WorkerStarter, source: ModelSourceMessage, options: SessionOptions, count: number): Promise<RemoteSession> {
    const handles: WorkerHandle[] = [];
    try {
      for (let i = 0; i < count; i++) handles.push(startWorker(start));
      const sent = source.location === undefined ? source : { ...source, location: absoluteLocation(source.location) };
      const descriptions = await Promise.all(handles.map((handle) => createIn(handle, sent, options)));
      for (const handle of handles) handle.keepAlive(false);
      return new RemoteSession(handles.map((handle) => ({ handle })), descriptions[0]);
    } catch (error) {
      await Promise.all(handles.map((handle) => handle.terminate()));
      throw error;
    }
  }

  run(feeds: unknown, arg1: unknown, arg2: unknown): Promise<ReturnType> {
    if (this.released) return Promise.reject(new InvalidArgumentError('this session has been released; create a new one to run'));
    if (this.broken) return Promise.reject(this.broken);
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, feeds: toWire(feeds), arg1: toWire(arg1), arg2: toWire(arg2), resolve, reject });
      this.dispatch();
    });
  }

  /** Terminates every worker; runs still pending reject with a WorkerError. Resolves once the workers are gone. */
  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    const workers = this.workers;
    this.workers = [];
    const why = (): WorkerError => new WorkerError('the session was released while this run was pending');
    for (const worker of workers) worker.current?.reject(why());
    for (const run of this.queue.splice(0)) run.reject(why());
    await Promise.all(workers.map((worker) => worker.handle.terminate()));
  }

  private dispatch(): void {
    for (const worker of this.workers) {
      if (worker.current) continue;
      const run = this.queue.shift();
      if (!run) return;
      try {
        worker.handle.postMessage({ kind: 'run', id: run.id, feeds: run.feeds, arg1: run.arg1, arg2: run.arg2 });
      } catch (error) {
        // Structured clone refused something in the arguments (a function, a class it cannot copy).
        run.reject(new InvalidFeedError(`run() arguments cannot be sent to the session's worker: ${(error as Error).message}`, { cause: error }));
        continue;
      }
      worker.current = run;
      worker.handle.keepAlive(true);
    }
  }

  private onMessage(worker: PoolWorker, message: FromWorker): void {
    const run = worker.current;
    if (!run || (message.kind !== 'result' && message.kind !== 'run-failed') || message.id !== run.id) return;
    worker.current = undefined;
    worker.handle.keepAlive(false);
    if (message.kind === 'result') run.resolve(fromWire(message.outputs) as ReturnType);
    else run.reject(errorFromWire(message.error));
    this.dispatch();
  }

  private onExit(worker: PoolWorker, reason: Error): void {
    this.workers = this.workers.filter((w) => w !== worker);
    worker.current?.reject(new WorkerError(`the session's worker stopped during this run: ${reason.message}`, { cause: reason }));
    worker.current = undefined;
    if (this.workers.length > 0) {
      this.dispatch();
      return;
    }
    this.broken = new WorkerError(`the session's worker stopped (${reason.message}); create a new session`, { cause: reason });
    for (const run of this.queue.splice(0)) run.reject(this.broken);
  }
}

/** In a page, a relative model URL is relative to the page; in a worker it would be relative to the worker's script. */
function absoluteLocation(location: string): string {
  const base = (globalThis as { location?: { href?: string } }).location?.href;
  return base === undefined ? location : new URL(location, base).href;
}

function startWorker(start: WorkerStarter): WorkerHandle {
  try {
    return start('session');
  } catch (error) {
    throw new WorkerError(`cannot start a session worker: ${(error as Error).message}`, { cause: error });
  }
}

/** Creates the session in one worker: its description, or the creation's own error. */
function createIn(handle: WorkerHandle, source: ModelSourceMessage, options: SessionOptions): Promise<SessionDescription> {
  return new Promise((resolve, reject) => {
    handle.onMessage((message) => {
      const m = message as FromWorker;
      if (m.kind === 'created') resolve(m.session);
      else if (m.kind === 'create-failed') reject(errorFromWire(m.error));
    });
    handle.onExit((reason) => reject(new WorkerError(`the session's worker stopped while creating the session: ${reason.message}`, { cause: reason })));
    handle.keepAlive(true);
    try {
      handle.postMessage({ kind: 'create', source, options });
    } catch (error) {
      reject(new InvalidArgumentError(`the session options cannot be sent to the session's worker: ${(error as Error).message}`, { cause: error }));
    }
  });
}
