/**
 * Loads the NHWC WebAssembly module (wasm/assembly/nhwc-module.ts), relaxed SIMD where the
 * engine validates it, else plain SIMD, on the memory it imports: the GEMM heap's, so the
 * activations a run keeps there are addressed where they are. It has no static data (the
 * build checks), so an instance writes nothing into that memory. Where the engine refuses to
 * compile or instantiate it synchronously, that is done asynchronously and the NHWC kernels
 * stay in TypeScript until it is ready.
 */
import { validBuild, type ModuleBuilds, type SimdVariant } from './wasm-instance.js';
import { nhwcRelaxedSimdWasm, nhwcSimdWasm } from './nhwc-wasm.generated.js';

/** The exports of wasm/assembly/nhwc-conv.ts; addresses are byte offsets into the imported memory. */
export interface NhwcExports {
  nhwcEpilogue(y: number, rows: number, channels: number, bias: number, z: number, act: number, alpha: number, beta: number): void;
  nhwcDepthwise(
    x: number, batch: number, inH: number, inW: number, channels: number, w: number, bias: number, z: number, y: number,
    outH: number, outW: number, kernelH: number, kernelW: number, strideH: number, strideW: number,
    padTop: number, padLeft: number, dilationH: number, dilationW: number, act: number, alpha: number, beta: number,
  ): void;
}

const builds: ModuleBuilds = { 'relaxed-simd': nhwcRelaxedSimdWasm, simd: nhwcSimdWasm };

// undefined: not tried yet; null: none compiled (yet, while an asynchronous compile runs).
let compiled: WebAssembly.Module | null | undefined;
// Per memory: the instance, or null while an asynchronous instantiation runs or after it failed.
const instances = new WeakMap<WebAssembly.Memory, NhwcExports | null>();

/** The module's exports on `memory`, or undefined where it does not load or is not ready yet. */
export function nhwcModuleOn(memory: WebAssembly.Memory): NhwcExports | undefined {
  const known = instances.get(memory);
  if (known !== undefined) return known ?? undefined;
  if (compiled === undefined) compile();
  if (!compiled) return undefined;
  const imports = { env: { memory } };
  try {
    const exports = new WebAssembly.Instance(compiled, imports).exports as unknown as NhwcExports;
    instances.set(memory, exports);
    return exports;
  } catch {
    instances.set(memory, null);
    void WebAssembly.instantiate(compiled, imports).then(
      (instance) => instances.set(memory, instance.exports as unknown as NhwcExports),
      () => undefined,
    );
    return undefined;
  }
}

function compile(): void {
  compiled = null;
  for (const variant of ['relaxed-simd', 'simd'] as const satisfies readonly SimdVariant[]) {
    const bytes = validBuild(builds, variant);
    if (!bytes) continue;
    try {
      compiled = new WebAssembly.Module(bytes);
    } catch {
      // Refused synchronously (a browser main thread, a CSP without 'wasm-unsafe-eval').
      void WebAssembly.compile(bytes).then((module) => {
        compiled = module;
      }, () => undefined);
    }
    return;
  }
}
