/**
 * Loads the elementwise WebAssembly module (wasm/assembly/elementwise.ts), the relaxed-SIMD
 * build where the engine validates it, else plain SIMD, and instantiates it on a memory it
 * imports: the GEMM heap's, so activations that live there are addressed where they are, or
 * a memory of the host's own. The module has no static data (the build checks), so an
 * instance writes nothing into the memory it is given.
 *
 * At over 20 KiB it is past the 4 KiB a browser's main thread may compile or instantiate
 * synchronously: there the synchronous attempt is refused, the work is done asynchronously
 * instead, and until it is ready the elementwise kernels stay in TypeScript. Node and workers
 * get it synchronously on first use.
 */
import { elementwiseRelaxedSimdWasm, elementwiseSimdWasm } from './elementwise-wasm.generated.js';
import { validBuild, type ModuleBuilds, type SimdVariant } from './wasm-instance.js';

/** The exports of wasm/assembly/elementwise.ts; addresses are byte offsets into the imported memory, op codes its constants. */
export interface ElementwiseExports {
  heapBase(): number;
  unary(op: number, x: number, out: number, n: number, p0: number, p1: number): void;
  binary(op: number, a: number, b: number, out: number, block: number, aStep: number, bStep: number, runs: number, count: number): void;
  softmaxRows(x: number, out: number, rows: number, length: number, log: number): void;
  normalizeRows(
    x: number, skip: number, skipLength: number, bias: number, sum: number, low: number, scale: number, beta: number, out: number,
    stats: number, firstRow: number, rows: number, length: number, epsilon: number, centered: number,
  ): void;
  resizeNearestPlanes(x: number, out: number, planes: number, inH: number, inW: number, outH: number, outW: number, rows: number, cols: number, factor: number): void;
  resizeTapsPlanes(
    x: number, out: number, planes: number, inH: number, inW: number, outH: number, outW: number,
    rowWidth: number, rowIndices: number, rowWeights: number, colWidth: number, colIndices: number, colWeights: number, scratch: number,
  ): void;
}

const builds: ModuleBuilds = { 'relaxed-simd': elementwiseRelaxedSimdWasm, simd: elementwiseSimdWasm };

// undefined: not tried yet; null: none compiled (yet, while an asynchronous compile runs).
let compiled: WebAssembly.Module | null | undefined;
// Per memory: the instance, or null while an asynchronous instantiation runs or after it failed.
const instances = new WeakMap<WebAssembly.Memory, ElementwiseExports | null>();

/** The module's exports on `memory`, or undefined where it does not load or is still compiling. */
export function elementwiseOn(memory: WebAssembly.Memory): ElementwiseExports | undefined {
  const known = instances.get(memory);
  if (known !== undefined) return known ?? undefined;
  const module = compiledModule();
  if (!module) return undefined;
  const imports = { env: { memory } };
  try {
    const exports = new WebAssembly.Instance(module, imports).exports as unknown as ElementwiseExports;
    instances.set(memory, exports);
    return exports;
  } catch {
    // A browser main thread refuses to instantiate a module this size synchronously.
    instances.set(memory, null);
    void WebAssembly.instantiate(module, imports).then(
      (instance) => instances.set(memory, instance.exports as unknown as ElementwiseExports),
      () => undefined,
    );
    return undefined;
  }
}

function compiledModule(): WebAssembly.Module | undefined {
  if (compiled === undefined) compile();
  return compiled ?? undefined;
}

function compile(): void {
  compiled = null;
  for (const variant of ['relaxed-simd', 'simd'] as const satisfies readonly SimdVariant[]) {
    const bytes = validBuild(builds, variant);
    if (!bytes) continue;
    try {
      compiled = new WebAssembly.Module(bytes);
    } catch {
      // Valid but refused synchronously (a browser main thread's size limit, a CSP without
      // 'wasm-unsafe-eval'): compile asynchronously, and stay in TypeScript meanwhile.
      void WebAssembly.compile(bytes).then(
        (module) => {
          compiled = module;
        },
        () => undefined,
      );
    }
    return;
  }
}
