/**
 * onnxruntime-common's SessionOptions, checked once. Every field is accepted; what each does
 * in this version is on its doc comment ("not implemented yet" where it has no effect).
 */
import { InvalidArgumentError } from '../errors/errors.js';
import { OPTIMIZATION_LEVELS } from '../optimizer/optimize-model.js';

export type ExecutionProviderConfig = string | { readonly name: string; readonly [option: string]: unknown };

export interface ExternalDataFileDescription {
  /** The path the model's external_data entries name the file with. */
  readonly path: string;
  /** The file's bytes, or a path/URL to read them from. */
  readonly data: Uint8Array | ArrayBufferLike | string | Blob;
}

export interface SessionOptions {
  /** 'cpu' (also accepted: 'wasm', 'xnnpack', which run on the same CPU kernels). */
  executionProviders?: readonly ExecutionProviderConfig[];
  /**
   * Threads for large float32 GEMMs (and so MatMul, Gemm, Conv): the calling thread plus
   * helper workers over shared memory, results bit-identical to one thread. 0 or absent: one per
   * core (or env.wasm.numThreads where set). Needs SharedArrayBuffer: in browsers, a
   * cross-origin isolated page (COOP same-origin + COEP require-corp); elsewhere it is 1.
   */
  intraOpNumThreads?: number;
  /** Accepted; not implemented yet (execution is sequential). */
  interOpNumThreads?: number;
  /** Binds symbolic dimensions to sizes; feeds are checked against them. */
  freeDimensionOverrides?: { readonly [dimensionName: string]: number };
  /**
   * Which optimizer passes run at session creation ('all' by default): 'basic' folds constants,
   * infers shapes and removes no-ops, 'extended' adds fusions (Conv+BatchNormalization,
   * MatMul+Add, activations, GELU, LayerNorm...). Passes can be turned off one by one with
   * `extra: { optimization: { disable_specified_optimizers: 'FuseGelu;FoldConstants' } }`.
   */
  graphOptimizationLevel?: 'disabled' | 'basic' | 'extended' | 'layout' | 'all';
  /**
   * Whether kernel outputs come from an activation arena (default true): the first run with
   * given input shapes records every output's size and last use, later runs with those shapes
   * reuse one laid-out block (in WebAssembly memory, where the wasm kernels read it without
   * copies). false: every output gets an array of its own. Outputs returned never point into it.
   */
  enableCpuMemArena?: boolean;
  /** Whether the arena's layout is planned from the recorded pattern (default true); false turns the arena off as enableCpuMemArena: false does. */
  enableMemPattern?: boolean;
  /** Accepted; only 'sequential' execution exists, 'parallel' runs sequentially. */
  executionMode?: 'sequential' | 'parallel';
  /** Writes the optimized model there at session creation (Node; weights over 2 GiB to `<file>.data`). */
  optimizedModelFilePath?: string;
  /** Records a trace event per executed node from creation on; endProfiling() writes it. */
  enableProfiling?: boolean;
  /** Prefix of the trace file endProfiling() writes (default 'onnxts_profile'). */
  profileFilePrefix?: string;
  /** Prefix for this session's log lines. */
  logId?: string;
  /** 0 verbose, 1 info, 2 warning (default), 3 error, 4 fatal. */
  logSeverityLevel?: 0 | 1 | 2 | 3 | 4;
  /** Accepted; verbose logging has no levels yet. */
  logVerbosityLevel?: number;
  /** Only 'cpu' exists: outputs are always CPU tensors. */
  preferredOutputLocation?: string | { readonly [outputName: string]: string };
  /** Accepted; graph capture is a GPU feature and has no effect on CPU. */
  enableGraphCapture?: boolean;
  /**
   * onnxruntime's session config entries; read: `optimization.disable_specified_optimizers`;
   * `runInWorker: true`, which compiles and runs the model in a worker thread (default:
   * env.wasm.proxy), so run() leaves the calling thread's event loop free; and
   * `sessionWorkers: n`, which runs concurrent run() calls on n such workers (default 1: they
   * queue).
   */
  extra?: Record<string, unknown>;
  /** External data files supplied in memory (or by path), matched by the path the model names. */
  externalData?: readonly (ExternalDataFileDescription | string)[];
}

export interface RunOptions {
  logSeverityLevel?: 0 | 1 | 2 | 3 | 4;
  logVerbosityLevel?: number;
  /** Set to true (e.g. from another task) to stop a run between nodes; the run rejects. */
  terminate?: boolean;
  tag?: string;
  extra?: Record<string, unknown>;
}

const CPU_PROVIDERS = new Set(['cpu', 'wasm', 'xnnpack']);
const KNOWN_FIELDS = new Set([
  'executionProviders', 'intraOpNumThreads', 'interOpNumThreads', 'freeDimensionOverrides', 'graphOptimizationLevel',
  'enableCpuMemArena', 'enableMemPattern', 'executionMode', 'optimizedModelFilePath', 'enableProfiling',
  'profileFilePrefix', 'logId', 'logSeverityLevel', 'logVerbosityLevel', 'preferredOutputLocation',
  'enableGraphCapture', 'extra', 'externalData',
]);

function fail(message: string): never {
  throw new InvalidArgumentError(`invalid session option: ${message}`);
}

function checkCount(name: string, value: unknown): void {
  if (value !== undefined && (!Number.isInteger(value) || (value as number) < 0)) {
    fail(`${name} must be a non-negative integer, got ${String(value)}`);
  }
}

function checkBoolean(name: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'boolean') fail(`${name} must be true or false, got ${String(value)}`);
}

export function checkSessionOptions(options: unknown): SessionOptions {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null || Array.isArray(options)) fail("'options' must be an object");
  const o = options as SessionOptions;
  for (const key of Object.keys(o)) {
    if (!KNOWN_FIELDS.has(key)) fail(`unknown field '${key}' (known: ${[...KNOWN_FIELDS].join(', ')})`);
  }
  for (const ep of o.executionProviders ?? []) {
    const name = typeof ep === 'string' ? ep : ep?.name;
    if (!CPU_PROVIDERS.has(name)) {
      fail(`execution provider '${String(name)}' is not available; this build runs on: ${[...CPU_PROVIDERS].join(', ')}`);
    }
  }
  checkCount('intraOpNumThreads', o.intraOpNumThreads);
  checkCount('interOpNumThreads', o.interOpNumThreads);
  for (const [name, size] of Object.entries(o.freeDimensionOverrides ?? {})) {
    if (!Number.isInteger(size) || size < 0) fail(`freeDimensionOverrides['${name}'] must be a non-negative integer, got ${String(size)}`);
  }
  if (o.graphOptimizationLevel !== undefined && !(OPTIMIZATION_LEVELS as readonly string[]).includes(o.graphOptimizationLevel)) {
    fail(`graphOptimizationLevel must be one of ${OPTIMIZATION_LEVELS.join(', ')}, got '${String(o.graphOptimizationLevel)}'`);
  }
  if (o.executionMode !== undefined && o.executionMode !== 'sequential' && o.executionMode !== 'parallel') {
    fail(`executionMode must be 'sequential' or 'parallel', got '${String(o.executionMode)}'`);
  }
  if (o.logSeverityLevel !== undefined && ![0, 1, 2, 3, 4].includes(o.logSeverityLevel)) {
    fail(`logSeverityLevel must be 0..4, got ${String(o.logSeverityLevel)}`);
  }
  for (const [name, value] of Object.entries({
    enableCpuMemArena: o.enableCpuMemArena, enableMemPattern: o.enableMemPattern,
    enableProfiling: o.enableProfiling, enableGraphCapture: o.enableGraphCapture,
  })) checkBoolean(name, value);
  const locations = typeof o.preferredOutputLocation === 'object' ? Object.values(o.preferredOutputLocation) : [o.preferredOutputLocation];
  for (const location of locations) {
    if (location !== undefined && location !== 'cpu') fail(`preferredOutputLocation '${String(location)}' is not available; only 'cpu' is`);
  }
  return o;
}

export function checkRunOptions(options: unknown): RunOptions {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new InvalidArgumentError("'options' must be an object.");
  }
  return options as RunOptions;
}

/** Optimizer passes named in `extra.optimization.disable_specified_optimizers` (';' or ',' separated, or a list). */
export function disabledPassesOf(options: SessionOptions): string[] {
  const optimization = (options.extra?.optimization ?? {}) as Record<string, unknown>;
  const value = optimization.disable_specified_optimizers;
  if (value === undefined) return [];
  if (Array.isArray(value)) return value.map(String);
  if (typeof value !== 'string') fail('extra.optimization.disable_specified_optimizers must be a string of pass names');
  return value.split(/[;,]/).map((name) => name.trim()).filter((name) => name !== '');
}
