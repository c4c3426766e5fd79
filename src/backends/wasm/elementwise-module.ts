/**
 * Loads the elementwise WebAssembly module (wasm/assembly/elementwise.ts), the relaxed-SIMD
 * build where the engine validates it, else plain SIMD. At about 11 KiB it is over the 4 KiB a
 * browser's main thread may compile synchronously: there the synchronous attempt is refused,
 * the module is compiled asynchronously instead, and until it is ready the elementwise kernels
 * stay in TypeScript. Node and workers compile it synchronously on first use.
 */
import { elementwiseRelaxedSimdWasm, elementwiseSimdWasm } from './elementwise-wasm.generated.js';
import { instantiateSync, validBuild, type ModuleBuilds, type SimdVariant } from './wasm-instance.js';

/** The exports of wasm/assembly/elementwise.ts; addresses are byte offsets into `memory`, op codes its constants. */
export interface ElementwiseExports {
  readonly memory: WebAssembly.Memory;
  heapBase(): number;
  unary(op: number, x: number, out: number, n: number, p0: number, p1: number): void;
  binary(op: number, a: number, b: number, out: number, block: number, aStep: number, bStep: number, runs: number, count: number): void;
  softmaxRows(x: number, out: number, rows: number, length: number, log: number): void;
  normalizeRows(
    x: number, skip: number, skipLength: number, bias: number, low: number, scale: number, beta: number, out: number, stats: number,
    firstRow: number, rows: number, length: number, epsilon: number, centered: number,
  ): void;
}

const builds: ModuleBuilds = { 'relaxed-simd': elementwiseRelaxedSimdWasm, simd: elementwiseSimdWasm };

// undefined: not tried yet; null: none loaded (yet, while an asynchronous compile runs).
let best: ElementwiseExports | null | undefined;

/** The loaded module, or undefined where none loads or it is still compiling. */
export function elementwiseModule(): ElementwiseExports | undefined {
  if (best === undefined) load();
  return best ?? undefined;
}

function load(): void {
  best = null;
  for (const variant of ['relaxed-simd', 'simd'] as const satisfies readonly SimdVariant[]) {
    const bytes = validBuild(builds, variant);
    if (!bytes) continue;
    const exports = instantiateSync<ElementwiseExports>(bytes);
    if (exports) {
      best = exports;
      return;
    }
    void WebAssembly.instantiate(bytes, {}).then(
      ({ instance }) => {
        best = instance.exports as unknown as ElementwiseExports;
      },
      () => undefined,
    );
    return;
  }
}
