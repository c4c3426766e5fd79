/**
 * Instantiating the embedded modules: each comes in a relaxed-SIMD and a plain-SIMD build,
 * and the first this engine validates is the one to run (validating the module is the exact
 * feature test: it uses nothing else). Where WebAssembly is missing, or a build validates but
 * the engine refuses to compile it synchronously, callers get undefined and decide what to do.
 */
export type SimdVariant = 'relaxed-simd' | 'simd';

/** Both builds of one module, base64. */
export type ModuleBuilds = Readonly<Record<SimdVariant, string>>;

/** The bytes of one build, or undefined where this engine cannot run it. */
export function validBuild(builds: ModuleBuilds, variant: SimdVariant): Uint8Array<ArrayBuffer> | undefined {
  if (typeof WebAssembly !== 'object') return undefined;
  const bytes = decodeBase64(builds[variant]);
  return WebAssembly.validate(bytes) ? bytes : undefined;
}

/** A fresh instance of validated bytes, compiled synchronously, or undefined where the engine refuses. */
export function instantiateSync<E>(bytes: Uint8Array<ArrayBuffer>): E | undefined {
  try {
    return new WebAssembly.Instance(new WebAssembly.Module(bytes), {}).exports as unknown as E;
  } catch {
    // Valid but refused: a CSP without 'wasm-unsafe-eval', or a browser main thread's size
    // limit on synchronous compilation (4 KiB in Chromium).
    return undefined;
  }
}

/** Whether `memory` is shared (its buffer a SharedArrayBuffer, which engines without shared memory lack). */
export function isSharedMemory(memory: WebAssembly.Memory): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
}

/** atob exists in Node 16+, browsers and workers alike; Node's Buffer does not. */
function decodeBase64(base64: string): Uint8Array<ArrayBuffer> {
  const text = atob(base64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}
