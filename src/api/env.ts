/** onnxruntime-common's `env`: global settings read when sessions are created. */
export interface Env {
  debug?: boolean;
  logLevel?: 'verbose' | 'info' | 'warning' | 'error' | 'fatal';
  /** Kept for code written for onnxruntime-web; read by the CPU backend where it applies. */
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
