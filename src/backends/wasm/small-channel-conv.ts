/**
 * The host side of the direct convolution for few input channels (wasm/assembly/
 * small-channel-conv.ts): network stems such as 3 -> 16 channels at 640x640, where the implicit
 * GEMM's depth (channels x taps, 27 for a 3x3 over RGB) is too small to pay for packing its
 * column matrix and an output-channel count like 16 leaves its 5-row tiles part empty.
 *
 * Per image the image is copied into column-split planes (padding included) unless it can be
 * read as it lies (stride 1, no padding), then output rows are computed in ranges that threads
 * may share. X, Y and Z are addressed where they lie in the module's memory (a run's arena)
 * and copied in or out only from elsewhere (conv-operands.ts). A constant W is packed once and
 * kept in the module's memory.
 */
import type { FloatArray } from '../../kernels/linalg/gemm-core.js';
import { activationCode } from './conv-activation.js';
import type { ConvExports } from './conv-module.js';
import { copyInto, copyOutOf, inHeap, notePlaced, overlaps } from './conv-operands.js';
import { RangeKernel, type RangeCall } from './conv-ranges.js';
import type { PlaneWindow } from './plane-window.js';
import type { ResidentConvWeights } from './resident-conv-weights.js';
import type { WasmConvOperands } from './wasm-conv.js';
import type { WasmHeap } from './wasm-heap.js';

/** What the kernel needs of the WasmConv instance that runs it. */
export interface SmallChannelHost {
  readonly exports: ConvExports;
  readonly heap: WasmHeap;
  readonly resident: ResidentConvWeights;
  /** How many ranges a call of `work` multiply-adds is worth cutting into. */
  parts(work: number): number;
  /** Runs a call over [0, total) cut into one range per scratch buffer (WasmConv.runCall). */
  run(call: RangeCall, total: number, unit: number, scratch: readonly number[]): void;
  /** W or a bias copied in at `at` with subnormals flushed. */
  copyFlushed(values: FloatArray, at: number): void;
}

/**
 * Whether a convolution takes the direct kernel: one group, windows that start inside the padded
 * image, and a small depth (input channels x taps). Whole calls on one core, direct against what
 * ran before, best of 30 (bench-results/stem-layers.mjs; same-process noise about 5%):
 * - the implicit GEMM on strided patches: faster up to a depth of 108 with up to 32 outputs, and
 *   at any output count up to a depth of 32 (3 -> 16 3x3/2 at 640x640 0.79x the time, 3 -> 8
 *   3x3/2 0.68x, 8 -> 32 3x3/2 0.94x, 3 -> 64 3x3/2 0.92x; past the bounds 16 -> 32 3x3/2 1.0x,
 *   3 -> 64 7x7/2 1.04x);
 * - at stride 1, up to a depth of 288 with up to 32 outputs (3 -> 32 5x5 0.88x, dilated 3x3
 *   16 -> 16 0.81x, 32 -> 32 0.93x);
 * - Winograd (3x3, stride 1): only with up to 16 outputs and a depth of 72 (8 -> 16 0.91x; 12 -> 16
 *   0.91x to 1.03x, 12 -> 32 1.10x, 16 -> 16 1.19x);
 * - a pointwise convolution's GEMM, whose panels are plain copies: where few outputs leave its
 *   5-row tiles part empty (128 -> 16 0.88x, 32 -> 16 0.76x, 64 -> 8 0.77x) or the depth is tiny
 *   (8 -> 8 0.56x, 8 -> 32 0.80x, 16 -> 40 0.89x; 24 -> 24 1.26x, 48 -> 32 1.09x).
 */
export function smallChannelApplies(
  plane: PlaneWindow, op: Pick<WasmConvOperands, 'group' | 'inPerGroup' | 'outPerGroup'>, winograd: boolean,
): boolean {
  if (op.group !== 1 || plane.top < 0 || plane.left < 0) return false;
  const depth = op.inPerGroup * plane.kernelH * plane.kernelW;
  const m = op.outPerGroup;
  const strided = plane.strideH !== 1 || plane.strideW !== 1;
  if (plane.kernelH === 1 && plane.kernelW === 1 && !strided && !plane.padded) return depth <= 16 || (m <= 16 && depth <= 256);
  if (winograd) return m <= 16 && depth <= 72;
  return depth <= 32 || (m <= 32 && depth <= (strided ? 108 : 288));
}

/** Floats the last vector of a row may read past the planes it reads. */
const PLANE_SLACK = 16;

/**
 * Split-plane geometry: rows the windows cover and floats per row (stride-W phases of equal
 * length); unsplit, the image's own (stride 1 across, no padding).
 */
function splitPlane(plane: PlaneWindow): { readonly split: boolean; readonly rows: number; readonly rowLength: number } {
  const split = plane.padded || plane.strideW !== 1;
  if (!split) return { split, rows: plane.h, rowLength: plane.w };
  const extentW = (plane.outW - 1) * plane.strideW + (plane.kernelW - 1) * plane.dilationW + 1;
  const rows = (plane.outH - 1) * plane.strideH + (plane.kernelH - 1) * plane.dilationH + 1;
  return { split, rows, rowLength: Math.ceil(extentW / plane.strideW) * plane.strideW };
}

/** The operands smallChannelConv takes: those of WasmConvOperands, all Float32Arrays. */
export interface SmallChannelOperands extends WasmConvOperands {
  readonly x: Float32Array;
  readonly w: Float32Array;
  readonly bias?: Float32Array;
  readonly residual?: Float32Array;
  readonly y: Float32Array;
}

/** Y = act(conv(X, W) + bias + residual) by the direct kernel; false where scratch will not fit. */
export function smallChannelConv(host: SmallChannelHost, op: SmallChannelOperands, plane: PlaneWindow, cache: object | undefined): boolean {
  const { exports, heap } = host;
  const { x, w, bias, residual, y } = op;
  const c = op.inPerGroup, m = op.outPerGroup;
  const k = c * plane.kernelH * plane.kernelW;
  const imageSize = c * plane.h * plane.w;
  const outputSize = m * plane.outH * plane.outW;
  const given = w.subarray(0, m * k);
  const packedLength = exports.smallChannelWeightsLength(m, k);
  const pack = (from: number, at: number): void => exports.packSmallChannelWeights(from, m, k, at);
  const kept = cache && host.resident.address(cache, `small-channel ${m} ${k}`, packedLength, (at) => {
    const offsets = heap.scratch([given.length]);
    if (!offsets) return false;
    host.copyFlushed(given, offsets[0]);
    pack(offsets[0], at);
    return true;
  });
  const { split, rows, rowLength } = splitPlane(plane);
  const window = [rows, rowLength, plane.kernelH, plane.kernelW, plane.strideH, plane.strideW, plane.dilationH, plane.dilationW, plane.outH, plane.outW];
  const parts = host.parts(k * outputSize);
  // Each range's thread scratch on cache lines of its own (the kernel itself keeps nothing there).
  const rangeScratch = Math.ceil(exports.threadScratchBytes() / 64) * 16;
  const images = op.batch * imageSize, outputs = op.batch * outputSize;
  // Unsplit, the kernel reads X itself, and a little past its end.
  const xHere = inHeap(heap, x, images, split ? 0 : PLANE_SLACK);
  const yHere = inHeap(heap, y, outputs) && !overlaps(x, images, y, outputs);
  const offsets = heap.scratch([
    kept === undefined ? given.length : 0, // W as given
    kept === undefined ? packedLength : 0, // W packed
    k, // tap offsets, i32
    bias ? m : 0,
    xHere ? 0 : imageSize + PLANE_SLACK, // one image as given
    split ? c * rows * rowLength + PLANE_SLACK : 0, // the image split and padded
    yHere ? 0 : outputSize, // one image's output
    parts * rangeScratch, // thread scratch per range
  ]);
  if (!offsets) return false;
  const [wAt, packedAt, tapsAt, biasAt, xAt, splitAt, yAt, scratchAt] = offsets;
  const memory = heap.f32;
  if (kept === undefined) {
    host.copyFlushed(given, wAt);
    pack(wAt, packedAt);
  }
  if (bias) host.copyFlushed(bias, biasAt);
  exports.setWindow(rows, rowLength, plane.kernelH, plane.kernelW, plane.strideH, plane.strideW, plane.dilationH, plane.dilationW, plane.outH, plane.outW);
  exports.splitTapOffsets(c, tapsAt);
  const act = activationCode(op.activation);
  const scratch = Array.from({ length: parts }, (_, i) => scratchAt + i * rangeScratch * 4);
  notePlaced(op.batch * (Number(xHere) + Number(yHere)));
  for (let n = 0; n < op.batch; n++) {
    const xn = xHere ? x.byteOffset + n * imageSize * 4 : xAt;
    if (!xHere) copyInto(memory, xAt, x.subarray(n * imageSize, (n + 1) * imageSize));
    if (split) exports.splitColumns(xn, c, plane.h, plane.w, plane.top, plane.left, splitAt);
    const yn = yHere ? y.byteOffset + n * outputSize * 4 : yAt;
    // The kernel adds onto Z copied into Y (nothing to copy where Z is Y).
    const z = residual?.subarray(n * outputSize, (n + 1) * outputSize);
    if (z) copyInto(memory, yn, z);
    const args = [split ? splitAt : xn, c, m, kept ?? packedAt, tapsAt, bias ? biasAt : 0, yn, act.code, z ? 1 : 0];
    host.run({ kernel: RangeKernel.smallChannel, window, alpha: act.alpha, beta: act.beta, args }, plane.outH, 1, scratch);
    if (!yHere) copyOutOf(memory, yAt, outputSize, y, n * outputSize);
  }
  return true;
}

/** Output rows [start, end) of a call; its args as smallChannelConv lays them out. */
export function runSmallChannelRange(exports: ConvExports, call: RangeCall, start: number, end: number): void {
  const [x, c, m, w, taps, bias, y, act, accumulate] = call.args;
  exports.smallChannelConv(x, c, m, w, taps, bias, y, act, accumulate, start, end, call.alpha, call.beta);
}
