/**
 * InferenceSession with onnxruntime-common's shape: create() from a path, URL, bytes or
 * (buffer, byteOffset, byteLength); run(feeds, fetches?, options?); names, metadata, release().
 * Arguments are checked here, once, with messages that say what is wrong.
 */
import { env } from '../config/env.js';
import { InvalidArgumentError, InvalidFeedError, OnnxTsError } from '../errors/errors.js';
import type { Model } from '../ir/graph.js';
import { formatValueType, type ValueType } from '../ir/value-type.js';
import { defaultRegistry } from '../kernels/default-registry.js';
import type { PlannedInput } from '../plan/execution-plan.js';
import { platform } from '../platform/platform.js';
import { CompiledModel } from '../runtime/compiled-model.js';
import { Profiler, type TraceEvent } from '../runtime/profiler.js';
import { externalFileKey, loadModel } from '../runtime/load-model.js';
import { provideIntraOpThreads, resolveIntraOpThreads } from '../backends/threads/intra-op.js';
import { RemoteSession } from '../runtime/threads/remote-session.js';
import { sessionWorkerCount, withoutWorkerOptions } from '../runtime/threads/worker-options.js';
import { saveModel } from '../runtime/save-model.js';
import { OptionalValue, type Value } from '../tensor/value.js';
import { checkFeed } from './feed-check.js';
import { checkRunOptions, checkSessionOptions, disabledPassesOf, type RunOptions, type SessionOptions } from './session-options.js';
import { Tensor } from './tensor.js';
import { describeJs, publicFromValue, valueFromPublic, type PublicValue } from './value-conversion.js';

export type ValueMetadata =
  | { readonly name: string; readonly isTensor: false }
  | { readonly name: string; readonly isTensor: true; readonly type: Tensor.Type; readonly shape: ReadonlyArray<number | string> };

export type FeedsType = { readonly [name: string]: PublicValue };
export type FetchesType = readonly string[] | { readonly [name: string]: PublicValue | null };
export type ReturnType = { readonly [name: string]: PublicValue };

/** An unknown dim (neither a size nor a name) reads '', as onnxruntime-node reports it. */
function metadataOf(name: string, type: ValueType | undefined): ValueMetadata {
  if (type?.kind !== 'tensor' || type.elementType === undefined) return { name, isTensor: false };
  const shape = (type.shape ?? []).map((d) => d ?? '');
  return { name, isTensor: true, type: type.elementType as Tensor.Type, shape };
}

function toBytes(data: Uint8Array | ArrayBufferLike): Uint8Array {
  return data instanceof Uint8Array ? data : new Uint8Array(data);
}

async function externalFiles(options: SessionOptions): Promise<Map<string, Uint8Array>> {
  const files = new Map<string, Uint8Array>();
  for (const entry of options.externalData ?? []) {
    const description = typeof entry === 'string' ? { path: entry, data: entry } : entry;
    let bytes: Uint8Array;
    if (typeof description.data === 'string') bytes = await platform().readModel(description.data);
    else if (typeof Blob !== 'undefined' && description.data instanceof Blob) bytes = new Uint8Array(await description.data.arrayBuffer());
    else bytes = toBytes(description.data as Uint8Array | ArrayBufferLike);
    files.set(externalFileKey(description.path), bytes);
  }
  return files;
}

export class InferenceSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly inputMetadata: readonly ValueMetadata[];
  readonly outputMetadata: readonly ValueMetadata[];
  private compiled: CompiledModel | undefined;
  /** Set where the session runs in workers (extra.runInWorker): run() only forwards to it. */
  private readonly remote: RemoteSession | undefined;
  /**
   * Initializers listed as graph inputs (IR >= 4), which a feed may override. The session's plan
   * folds them as constants; a run that feeds one uses a plan that keeps them as inputs,
   * compiled the first time it is needed.
   */
  private readonly overridable: OverridableInitializers | undefined;
  private overridablePlan: CompiledModel | undefined;
  private profiler: Profiler | undefined;
  private runCount = 0;

  private constructor(
    backend: CompiledModel | RemoteSession,
    private readonly options: SessionOptions,
    createdMs: { start: number; end: number },
    private readonly intraOpThreads = 1,
    overridable?: OverridableInitializers,
  ) {
    this.overridable = overridable;
    if (backend instanceof RemoteSession) {
      this.remote = backend;
      this.inputNames = backend.inputNames;
      this.outputNames = backend.outputNames;
      this.inputMetadata = backend.inputMetadata;
      this.outputMetadata = backend.outputMetadata;
      return;
    }
    const compiled = backend;
    this.compiled = compiled;
    if (options.enableProfiling) {
      this.profiler = new Profiler();
      this.profiler.session('session_initialization', createdMs.start, createdMs.end);
    }
    const plan = compiled.plan;
    const required = plan.inputs.filter((i) => !i.defaultValue);
    this.inputNames = required.map((i) => i.name);
    this.outputNames = plan.outputs.map((o) => o.name);
    this.inputMetadata = required.map((i) => metadataOf(i.name, i.type));
    this.outputMetadata = plan.outputs.map((o) => metadataOf(o.name, o.type));
  }

  static create(uri: string, options?: SessionOptions): Promise<InferenceSession>;
  static create(buffer: ArrayBufferLike | Uint8Array, options?: SessionOptions): Promise<InferenceSession>;
  static create(buffer: ArrayBufferLike, byteOffset: number, byteLength?: number, options?: SessionOptions): Promise<InferenceSession>;
  static async create(arg0: unknown, arg1?: unknown, arg2?: unknown, arg3?: unknown): Promise<InferenceSession> {
    const startMs = performance.now();
    // Undefined for a path or URL: read below, by this thread or by the session's worker.
    let bytes: Uint8Array | undefined;
    let location: string | undefined;
    let rawOptions: unknown = arg1;
    if (typeof arg0 === 'string') {
      location = arg0;
      checkSessionOptions(arg1);
    } else if (arg0 instanceof Uint8Array) {
      bytes = arg0;
    } else if (arg0 instanceof ArrayBuffer || (typeof SharedArrayBuffer !== 'undefined' && arg0 instanceof SharedArrayBuffer)) {
      const buffer = arg0 as ArrayBufferLike;
      if (typeof arg1 === 'number') {
        const byteOffset = arg1;
        if (!Number.isSafeInteger(byteOffset)) throw new RangeError("'byteOffset' must be an integer.");
        if (byteOffset < 0 || byteOffset >= buffer.byteLength) throw new RangeError(`'byteOffset' is out of range [0, ${buffer.byteLength}).`);
        let byteLength = buffer.byteLength - byteOffset;
        rawOptions = arg2;
        if (typeof arg2 === 'number') {
          byteLength = arg2;
          if (!Number.isSafeInteger(byteLength)) throw new RangeError("'byteLength' must be an integer.");
          if (byteLength <= 0 || byteOffset + byteLength > buffer.byteLength) {
            throw new RangeError(`'byteLength' is out of range (0, ${buffer.byteLength - byteOffset}].`);
          }
          rawOptions = arg3;
        } else if (arg2 !== undefined && (typeof arg2 !== 'object' || arg2 === null)) {
          throw new TypeError("'byteLength' must be a number.");
        }
        bytes = new Uint8Array(buffer, byteOffset, byteLength);
      } else {
        bytes = new Uint8Array(buffer);
      }
    } else {
      throw new TypeError(`Unexpected argument[0]: must be 'path' or 'buffer', got ${describeJs(arg0)}.`);
    }
    const options = checkSessionOptions(rawOptions);
    const workers = sessionWorkerCount(options, env.wasm.proxy);
    if (workers > 0) {
      const start = platform().startWorker;
      if (!start) throw new InvalidArgumentError('invalid session option: extra.runInWorker, but this host cannot start workers');
      const files = [...(await externalFiles(options))].map(([path, data]) => ({ path, data }));
      // A path is read by the worker itself: the bytes never pass through this thread.
      const source = bytes === undefined ? { location, externalData: files } : { bytes, externalData: files };
      const remote = await RemoteSession.create(start, source, withoutWorkerOptions(options), workers);
      return new InferenceSession(remote, options, { start: startMs, end: performance.now() });
    }
    const ownsBytes = bytes === undefined;
    bytes ??= await platform().readModel(arg0 as string);
    const model = await loadModel({
      bytes,
      location,
      externalFiles: await externalFiles(options),
      ownsBytes,
    });
    const compile = (freezeInitializerInputs: boolean) => CompiledModel.compile(model, defaultRegistry(), {
      graphOptimizationLevel: options.graphOptimizationLevel,
      disabledPasses: disabledPassesOf(options),
      freeDimensionOverrides: options.freeDimensionOverrides,
      activationArena: options.enableCpuMemArena !== false && options.enableMemPattern !== false,
      freezeInitializerInputs,
    });
    const compiled = compile(true);
    const names = overridableInitializerNames(model);
    if (options.optimizedModelFilePath) await saveModel(compiled.model, options.optimizedModelFilePath);
    const threads = resolveIntraOpThreads(options.intraOpNumThreads ?? env.wasm.numThreads, platform().hardwareConcurrency());
    const available = await provideIntraOpThreads(threads, platform().startWorker);
    const overridable = names.size > 0 ? { names, compile: () => compile(false) } : undefined;
    return new InferenceSession(compiled, options, { start: startMs, end: performance.now() }, available, overridable);
  }

  run(feeds: FeedsType, options?: RunOptions): Promise<ReturnType>;
  run(feeds: FeedsType, fetches: FetchesType, options?: RunOptions): Promise<ReturnType>;
  async run(feeds: FeedsType, arg1?: unknown, arg2?: unknown): Promise<ReturnType> {
    if (this.remote) return this.remote.run(feeds, arg1, arg2);
    if (!this.compiled) throw new InvalidArgumentError('this session has been released; create a new one to run');
    if (typeof feeds !== 'object' || feeds === null || feeds instanceof Tensor || Array.isArray(feeds)) {
      throw new TypeError("'feeds' must be an object that use input names as keys and OnnxValue as corresponding values.");
    }
    const { fetches, options } = this.parseFetches(arg1, arg2);
    const compiled = this.compiledFor(feeds);
    const feedValues = this.convertFeeds(feeds, compiled.inputsByName);
    const stop = () => (options.terminate ? new OnnxTsError(`run${options.tag ? ` '${options.tag}'` : ''} was terminated`) : undefined);
    const run = ++this.runCount;
    const profiler = this.profiler;
    const startMs = performance.now();
    const outputs = await compiled.run(feedValues, { shouldStop: stop, observer: profiler?.observer(run), intraOpThreads: this.intraOpThreads });
    profiler?.session('model_run', startMs, performance.now(), run);
    const result: Record<string, PublicValue> = {};
    compiled.plan.outputs.forEach((o, i) => {
      const value = outputs[i];
      if (fetches.has(o.name) && value !== undefined) result[o.name] = publicFromValue(value);
    });
    return result;
  }

  private parseFetches(arg1: unknown, arg2: unknown): { fetches: Set<string>; options: RunOptions } {
    const all = new Set(this.outputNames);
    if (arg1 === undefined) return { fetches: all, options: {} };
    if (arg1 === null || typeof arg1 !== 'object') throw new TypeError("Unexpected argument[1]: must be 'fetches' or 'options'.");
    if (arg1 instanceof Tensor) throw new TypeError("'fetches' cannot be a Tensor");
    if (Array.isArray(arg1)) {
      if (arg1.length === 0) throw new TypeError("'fetches' cannot be an empty array.");
      for (const name of arg1) {
        if (typeof name !== 'string') throw new TypeError("'fetches' must be a string array or an object.");
        if (!all.has(name)) {
          throw new InvalidFeedError(`'fetches' names '${name}', which is not an output of this model (outputs: ${this.outputNames.join(', ')})`);
        }
      }
      return { fetches: new Set(arg1 as string[]), options: checkRunOptions(arg2) };
    }
    const keys = Object.keys(arg1).filter((k) => all.has(k));
    if (keys.length > 0) return { fetches: new Set(keys), options: checkRunOptions(arg2) };
    return { fetches: all, options: checkRunOptions(arg1) };
  }

  /** The plan for these feeds: the one that keeps initializers as inputs when a feed overrides one. */
  private compiledFor(feeds: FeedsType): CompiledModel {
    const compiled = this.compiled as CompiledModel;
    const overridable = this.overridable;
    if (!overridable || !Object.keys(feeds).some((name) => overridable.names.has(name))) return compiled;
    this.overridablePlan ??= overridable.compile();
    return this.overridablePlan;
  }

  private convertFeeds(feeds: FeedsType, inputsByName: ReadonlyMap<string, PlannedInput>): Map<number, Value> {
    for (const name of Object.keys(feeds)) {
      if (!inputsByName.has(name)) {
        throw new InvalidFeedError(`'feeds' has '${name}', which is not an input of this model (inputs: ${this.inputNames.join(', ') || 'none'})`);
      }
    }
    const symbols = new Map(Object.entries(this.options.freeDimensionOverrides ?? {}).map(([k, v]) => [k, { size: v, input: '' }]));
    const values = new Map<number, Value>();
    for (const input of inputsByName.values()) {
      const given = (feeds as Record<string, unknown>)[input.name];
      if (given === undefined) {
        if (input.defaultValue) continue;
        throw new InvalidFeedError(
          `input '${input.name}' is missing in 'feeds' (expected ${formatValueType(input.type)})`,
        );
      }
      const candidate = asTensorIfLike(given);
      if (input.type?.kind === 'tensor' && !(candidate instanceof Tensor)) {
        throw new InvalidFeedError(`input '${input.name}' expects a tensor (${formatValueType(input.type)}), got ${describeJs(candidate)}`);
      }
      let value = valueFromPublic(candidate, `input '${input.name}'`);
      if (input.type?.kind === 'optional' && value.kind !== 'optional') value = new OptionalValue(value);
      checkFeed(input, value, symbols);
      values.set(input.slot, value);
    }
    return values;
  }

  /** Drops the model; a session in workers terminates them, rejecting runs still pending. */
  async release(): Promise<void> {
    this.compiled?.releaseMemory();
    this.compiled = undefined;
    this.overridablePlan?.releaseMemory();
    this.overridablePlan = undefined;
    await this.remote?.release();
  }

  /** Starts recording a trace event per executed node (also started by the enableProfiling option). */
  startProfiling(): void {
    this.profiler ??= new Profiler();
  }

  /**
   * Stops profiling and writes the Chrome-trace JSON (onnxruntime's event schema; opens in
   * Perfetto) to `<profileFilePrefix>_<timestamp>.json`, returning that path. Where the host has
   * no file system (browsers) nothing is written: read the events with profilingEvents() first.
   */
  endProfiling(): string | undefined {
    const profiler = this.profiler;
    if (!profiler) return undefined;
    this.profiler = undefined;
    const write = platform().writeTextFileSync;
    if (!write) return undefined;
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const path = `${this.options.profileFilePrefix ?? 'onnxts_profile'}_${stamp}.json`;
    write(path, JSON.stringify(profiler.trace()));
    return path;
  }

  /** The trace events recorded since profiling started (empty when it is off). */
  profilingEvents(): TraceEvent[] {
    return this.profiler?.trace() ?? [];
  }
}

/** Accepts tensors made by another onnxruntime-common copy (same fields, other class). */
function asTensorIfLike(value: unknown): unknown {
  if (value instanceof Tensor || value === null || typeof value !== 'object' || Array.isArray(value) || value instanceof Map) return value;
  const v = value as { type?: unknown; data?: unknown; dims?: unknown };
  if (typeof v.type === 'string' && v.data !== undefined && Array.isArray(v.dims)) {
    return new Tensor(v.type as Tensor.Type, v.data as never, v.dims as number[]);
  }
  return value;
}

interface OverridableInitializers {
  readonly names: ReadonlySet<string>;
  compile(): CompiledModel;
}

/** Initializers a feed may override: those listed as graph inputs, from IR 4 on (onnxruntime's rule). */
function overridableInitializerNames(model: Model): ReadonlySet<string> {
  if (model.irVersion < 4) return new Set();
  const { graph } = model;
  return new Set(graph.inputs.filter((i) => graph.initializers.has(i.name)).map((i) => i.name));
}
