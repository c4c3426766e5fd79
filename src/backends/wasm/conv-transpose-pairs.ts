/**
 * ConvTranspose with stride equal to a kernel two wide (no padding, dilation or output padding)
 * on the elementwise module (wasm/assembly/conv-transpose-pairs.ts): each group's output is
 * computed straight into Y, its two taps per input column interleaved as they are stored, so
 * there is no column matrix and no scatter. X and Y are addressed where they lie in the GEMM
 * heap (a run's arena); otherwise one group's slice at a time is copied in and out.
 */
import { inElementwiseModule } from './elementwise-instances.js';
import { addressOf, copyIn, copyOut, traffic, type ElementwiseMemory } from './elementwise-memory.js';
import type { ElementwiseExports } from './elementwise-module.js';

/** What every WebAssembly ConvTranspose takes: X [batch, group * inPerGroup, ...], W [group * inPerGroup, outPerGroup, ...], Y overwritten. */
export interface ConvTransposeOperands {
  readonly x: Float32Array;
  readonly w: Float32Array;
  /** One per output channel. */
  readonly bias?: Float32Array;
  readonly y: Float32Array;
  readonly batch: number;
  readonly group: number;
  readonly inPerGroup: number;
  readonly outPerGroup: number;
}

/** X [.., gridH, gridW], W [.., kH, 2], Y [.., gridH * kH, gridW * 2]. */
export interface PairedTapsOperands extends ConvTransposeOperands {
  readonly gridH: number;
  readonly gridW: number;
  readonly kH: number;
}

/** Slices larger than this (floats) stay in TypeScript rather than grow scratch so far. */
const MAX_COPIED = 1 << 24;

function runPairs(exports: ElementwiseExports, memory: ElementwiseMemory, op: PairedTapsOperands): boolean {
  const { x, w, bias, y, batch, group, inPerGroup, outPerGroup, gridH, gridW, kH } = op;
  const inSlice = inPerGroup * gridH * gridW;
  const outSlice = outPerGroup * gridH * kH * gridW * 2;
  const xHere = memory.holds(x);
  const yHere = memory.holds(y);
  const wHere = memory.holds(w);
  if ((!xHere && inSlice > MAX_COPIED) || (!yHere && outSlice > MAX_COPIED)) return false;
  const offsets = memory.scratch([xHere ? 0 : inSlice, yHere ? 0 : outSlice, wHere ? 0 : w.length, bias ? bias.length : 0]);
  if (!offsets) return false;
  const [xScratch, yScratch, wScratch, biasScratch] = offsets;
  const heap = memory.f32;
  const wAt = wHere ? addressOf(w, 0) : copyIn(heap, wScratch, w, 0, w.length);
  const biasAt = bias ? copyIn(heap, biasScratch, bias, 0, bias.length) : 0;
  const groupWeights = inPerGroup * outPerGroup * kH * 2;
  for (let n = 0; n < batch; n++) {
    for (let g = 0; g < group; g++) {
      const slice = n * group + g;
      const xAt = xHere ? addressOf(x, slice * inSlice) : copyIn(heap, xScratch, x, slice * inSlice, inSlice);
      const yAt = yHere ? addressOf(y, slice * outSlice) : yScratch;
      exports.convTransposePairs(
        xAt, wAt + 4 * g * groupWeights, bias ? biasAt + 4 * g * outPerGroup : 0, yAt, inPerGroup, outPerGroup, gridH, gridW, kH,
      );
      if (!yHere) copyOut(heap, yAt, y, slice * outSlice, outSlice);
    }
  }
  traffic.operandsInPlace += +xHere + +yHere;
  return true;
}

/**
 * Y = ConvTranspose(X, W) + bias for stride (kH, 2) and kernel (kH, 2), every element of Y
 * written; false, with Y untouched, where the module cannot run it (WebAssembly kernels off or
 * not loaded, or scratch that cannot grow now), and the caller takes its general path.
 */
export function wasmConvTransposePairsF32(op: PairedTapsOperands): boolean {
  return inElementwiseModule((exports, memory) => runPairs(exports, memory, op));
}
