/** onnxruntime-common's `env`: global settings, read by sessions and backends when they run. */
export interface Env {
  debug?: boolean;
  logLevel?: 'verbose' | 'info' | 'warning' | 'error' | 'fatal';
  /**
   * As in onnxruntime-web. `simd: false` turns off OnnxTS's WebAssembly SIMD kernels (float
   * GEMM, convolution and 2-D pooling then run in TypeScript); it is read on every call.
   * `proxy: true` runs sessions created from then on in a worker thread (a session's
   * extra.runInWorker overrides it); `numThreads` is the intra-op thread count of sessions
   * that do not set intraOpNumThreads. The other fields are accepted for compatibility and
   * have no effect yet.
   */
  wasm: { numThreads?: number; simd?: boolean; proxy?: boolean; wasmPaths?: unknown; initTimeout?: number };
  webgpu: Record<string, unknown>;
  webgl: Record<string, unknown>;
  readonly versions: { readonly common: string; readonly onnxts: string };
}

export const VERSION = '0.1.0';

export const env: Env = {
  logLevel: 'warning',
  wasm: {},
  webgpu: {},
  webgl: {},
  versions: { common: VERSION, onnxts: VERSION },
};
