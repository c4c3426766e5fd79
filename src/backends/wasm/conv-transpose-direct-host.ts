/**
 * ConvTranspose by direct scatter over one- and two-dimensional images on the elementwise
 * module (wasm/assembly/conv-transpose-direct.ts), for products too small for the GEMM and
 * col2im: X and Y are addressed where they lie in the GEMM heap (a run's arena), else copied
 * in (and Y out) whole; W and the bias are copied in.
 */
import { inElementwiseModule } from './elementwise-instances.js';
import { addressOf, copyIn, copyOut, traffic, type ElementwiseMemory } from './elementwise-memory.js';
import type { ElementwiseExports } from './elementwise-module.js';
import type { ConvTransposeOperands } from './conv-transpose-pairs.js';

/** X [.., gridH, gridW], W [.., kH, kW], Y [.., outH, outW]. */
export interface DirectTransposeOperands extends ConvTransposeOperands {
  /** [gridH, gridW, outH, outW, kH, kW, sH, sW, dH, dW, pH, pW]: a 1-D window as rows of one. */
  readonly geometry: readonly number[];
}

/** Operands larger than this (floats) stay in TypeScript rather than grow scratch so far. */
const MAX_COPIED = 1 << 22;

function runDirect(exports: ElementwiseExports, memory: ElementwiseMemory, op: DirectTransposeOperands): boolean {
  const { x, w, bias, y } = op;
  const xHere = memory.holds(x);
  const yHere = memory.holds(y);
  if ((!xHere && x.length > MAX_COPIED) || (!yHere && y.length > MAX_COPIED) || w.length > MAX_COPIED) return false;
  const offsets = memory.scratch([xHere ? 0 : x.length, yHere ? 0 : y.length, w.length, bias ? bias.length : 0]);
  if (!offsets) return false;
  const heap = memory.f32;
  const xAt = xHere ? addressOf(x, 0) : copyIn(heap, offsets[0], x, 0, x.length);
  const yAt = yHere ? addressOf(y, 0) : offsets[1];
  const wAt = copyIn(heap, offsets[2], w, 0, w.length);
  const biasAt = bias ? copyIn(heap, offsets[3], bias, 0, bias.length) : 0;
  const [gridH, gridW, outH, outW, kH, kW, sH, sW, dH, dW, pH, pW] = op.geometry;
  exports.convTransposeDirect(xAt, wAt, biasAt, yAt, op.batch, op.group, op.inPerGroup, op.outPerGroup, gridH, gridW, outH, outW, kH, kW, sH, sW, dH, dW, pH, pW);
  if (!yHere) copyOut(heap, yAt, y, 0, y.length);
  traffic.operandsInPlace += +xHere + +yHere;
  return true;
}

/**
 * Y = ConvTranspose(X, W) + bias, every element of Y written; false, with Y untouched, where
 * the module cannot run it (WebAssembly kernels off or not loaded, operands too large, scratch
 * that cannot grow now), and the caller takes its TypeScript path.
 */
export function wasmConvTransposeDirectF32(op: DirectTransposeOperands): boolean {
  return inElementwiseModule((exports, memory) => runDirect(exports, memory, op));
}
