/**
 * The elementwise WebAssembly module (wasm/assembly/elementwise.ts) on a memory it imports: the
 * GEMM heap's, or a memory of the host's own (imported-memory-module.ts says how it loads). At
 * over 20 KiB a browser's main thread gets it asynchronously; until then the elementwise kernels
 * stay in TypeScript.
 */
import { elementwiseRelaxedSimdWasm, elementwiseSharedRelaxedSimdWasm, elementwiseSharedSimdWasm, elementwiseSimdWasm } from './elementwise-wasm.generated.js';
import { ImportedMemoryModule } from './imported-memory-module.js';
import type { ModuleBuilds } from './wasm-instance.js';

/** The exports of wasm/assembly/elementwise.ts; addresses are byte offsets into the imported memory, op codes its constants. */
export interface ElementwiseExports {
  heapBase(): number;
  unary(op: number, x: number, out: number, n: number, p0: number, p1: number): void;
  binary(op: number, a: number, b: number, out: number, block: number, aStep: number, bStep: number, runs: number, count: number): void;
  softmaxRows(x: number, out: number, rows: number, length: number, log: number): void;
  softmaxLanes(x: number, out: number, blocks: number, length: number, inner: number, log: number): void;
  normalizeRows(
    x: number, skip: number, skipLength: number, bias: number, sum: number, low: number, scale: number, beta: number, out: number,
    stats: number, firstRow: number, rows: number, length: number, epsilon: number, centered: number,
  ): void;
  resizeNearestPlanes(x: number, out: number, planes: number, inH: number, inW: number, outH: number, outW: number, rows: number, cols: number, factor: number): void;
  resizeTapsPlanes(
    x: number, out: number, planes: number, inH: number, inW: number, outH: number, outW: number,
    rowWidth: number, rowIndices: number, rowWeights: number, colWidth: number, colIndices: number, colWeights: number, scratch: number,
  ): void;
  convTransposePairs(x: number, w: number, bias: number, y: number, inChannels: number, outChannels: number, gridH: number, gridW: number, kH: number): void;
  convTransposeDirect(
    x: number, w: number, bias: number, y: number, batch: number, group: number, inPerGroup: number, outPerGroup: number,
    gridH: number, gridW: number, outH: number, outW: number, kH: number, kW: number, sH: number, sW: number, dH: number, dW: number, pH: number, pW: number,
  ): void;
  planeReduce(op: number, x: number, y: number, planes: number, planeSize: number): void;
  lstmSteps(
    gates: number, gateStep: number, gateBatchStep: number, r: number, h: number, c: number,
    y: number, yStep: number, yBatchStep: number, steps: number, batch: number, hidden: number, reverse: number,
  ): void;
  gruSteps(
    gates: number, gateStep: number, gateBatchStep: number, r: number, rbh: number, h: number, product: number,
    y: number, yStep: number, yBatchStep: number, steps: number, batch: number, hidden: number, reverse: number,
  ): void;
}

const builds: ModuleBuilds = { 'relaxed-simd': elementwiseRelaxedSimdWasm, simd: elementwiseSimdWasm };

const sharedBuilds: ModuleBuilds = { 'relaxed-simd': elementwiseSharedRelaxedSimdWasm, simd: elementwiseSharedSimdWasm };

const loader = new ImportedMemoryModule<ElementwiseExports>(builds, sharedBuilds);

/** The module's exports on `memory`, or undefined where it does not load or is not ready yet. */
export function elementwiseOn(memory: WebAssembly.Memory): ElementwiseExports | undefined {
  return loader.on(memory);
}
