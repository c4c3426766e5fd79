/**
 * One benchmark adapter for every runtime with onnxruntime-common's API: onnxts itself,
 * onnxruntime-web and onnxruntime-node. The caller passes the module in, so nothing here
 * imports onnxruntime (a dev dependency the library never loads).
 */
import type { DenseTensor } from '../../tensor/dense-tensor.js';

/** What the adapter uses of an onnxruntime-common style module. */
export interface OrtLikeModule {
  readonly InferenceSession: { create(model: Uint8Array, options?: object): Promise<OrtLikeSession> };
  readonly Tensor: new (type: never, data: never, dims: readonly number[]) => unknown;
}

export interface OrtLikeSession {
  run(feeds: Record<string, unknown>): Promise<Record<string, unknown>>;
  release(): Promise<void>;
}

/** Output data by name, as plain arrays of numbers or bigints (other outputs are left out). */
export type OutputData = ReadonlyMap<string, ArrayLike<number | bigint>>;

/** A session with its feeds bound: what a benchmark times. */
export interface LoadedModel {
  /** Wall time of session creation alone. */
  readonly createMs: number;
  run(): Promise<OutputData>;
  release(): Promise<void>;
}

export interface BenchRuntime {
  readonly name: string;
  load(model: Uint8Array, feeds: ReadonlyMap<string, DenseTensor>): Promise<LoadedModel>;
}

function numericOutputs(outputs: Record<string, unknown>): OutputData {
  const out = new Map<string, ArrayLike<number | bigint>>();
  for (const [name, value] of Object.entries(outputs)) {
    const data = (value as { data?: unknown } | null)?.data;
    if (ArrayBuffer.isView(data) && !(data instanceof DataView)) out.set(name, data as unknown as ArrayLike<number | bigint>);
  }
  return out;
}

/** Binds `feeds` (converted once, outside any timing) to a created session. */
export function bindSession(module: OrtLikeModule, session: OrtLikeSession, feeds: ReadonlyMap<string, DenseTensor>, createMs: number): LoadedModel {
  const tensors: Record<string, unknown> = {};
  for (const [name, t] of feeds) tensors[name] = new module.Tensor(t.type as never, t.data as never, t.dims);
  return {
    createMs,
    run: async () => numericOutputs(await session.run(tensors)),
    release: () => session.release(),
  };
}

/** A runtime that creates sessions of `module` with `options` (threads, execution provider). */
export function ortLikeRuntime(name: string, module: OrtLikeModule, options: object): BenchRuntime {
  return {
    name,
    async load(model, feeds) {
      const start = performance.now();
      const session = await module.InferenceSession.create(model, options);
      return bindSession(module, session, feeds, performance.now() - start);
    },
  };
}
