/**
 * One conv kernel call over one image, cut into ranges of its output that can run at the same
 * time on instances of the conv module sharing one memory (the parallel convolution,
 * backends/threads/). A call is plain numbers (addresses, sizes, the window, the activation)
 * so it crosses to a helper thread through shared ints; each range writes outputs no other
 * range writes, with scratch of its own, and matches the one-thread result bit for bit (see
 * convImage and winogradImage in wasm/assembly/).
 */
import type { ConvExports } from './conv-module.js';
import type { PlaneWindow } from './plane-window.js';
import { runSmallChannelRange } from './small-channel-conv.js';
import { runPoolRange } from './pool-ranges.js';

/** Which kernel a call runs, and along which side of its output it is cut. */
export const RangeKernel = {
  /** The implicit GEMM, cut into rows (output channels) of every group: units of MR. */
  implicitGemmRows: 1,
  /** The implicit GEMM, cut into output positions: units of NR. */
  implicitGemmPositions: 2,
  /** Winograd, cut into output tiles: units of NR. */
  winograd: 3,
  /** Depthwise, cut into input channels. */
  depthwise: 4,
  /** Winograd, cut into output channels: units of MR. */
  winogradRows: 5,
  /** The direct kernel for few input channels (small-channel-conv.ts), cut into output rows. */
  smallChannel: 6,
  /** Winograd's first half (pad and input transform, winogradInput), cut into input channels. */
  winogradInput: 7,
  /** Winograd's second half (products and output transform, winogradProducts), cut into output channels: units of MR. */
  winogradProducts: 8,
  /** MaxPool or AveragePool (wasm-pool.ts), cut into planes. */
  pool: 9,
  /** A row times B kept packed (wasm-gemv.ts), cut into columns of B: units of NR. */
  gemvPacked: 10,
} as const;
export type RangeKernel = (typeof RangeKernel)[keyof typeof RangeKernel];

/** Most ints a call's arguments take (window and activation apart). */
export const MAX_RANGE_ARGS = 12;
export const WINDOW_INTS = 10;

export interface RangeCall {
  readonly kernel: RangeKernel;
  /** setWindow's ten arguments. */
  readonly window: readonly number[];
  /** setActivation's two. */
  readonly alpha: number;
  readonly beta: number;
  /**
   * implicit GEMM: x, groups, channels, m, packed W, taps, bias, y, act, accumulate, residual (0: none, or in Y already);
   * Winograd: x, c, m, u, bias, y, act, accumulate, tile, tiles;
   * Winograd's first half: x, c, m, h, w, top, left, padded x, tile, V;
   * Winograd's second half: V, c, m, u, bias, y, act, accumulate, tile;
   * depthwise: x, multiplier, w, bias, y, act, residual (0: none), act after it, and where each plane is padded
   *   in the range's scratch before it is read, the image's h, w and its top, left in the padded plane (h 0: x is read as it is);
   * small channel: x, channels, m, packed W, taps, bias, y, act, accumulate;
   * pooling: x, padded x (0: read X as it is), y, max (1) or average (0), row and column divisors, h, w, top, left;
   * packed GEMV: n, k, a, packed B, c (alpha and beta as alpha and beta).
   */
  readonly args: readonly number[];
}

/**
 * [start, end) of the call's units, with `scratch` (a byte address) its own: threadScratchBytes()
 * for the instance's thread scratch, then the kernel's.
 */
export interface OutputRange {
  readonly start: number;
  readonly end: number;
  readonly scratch: number;
}

/** Runs one range of a call on an instance whose memory holds the call's operands. */
export function runRange(exports: ConvExports, call: RangeCall, range: OutputRange): void {
  const win = call.window;
  exports.setWindow(win[0], win[1], win[2], win[3], win[4], win[5], win[6], win[7], win[8], win[9]);
  exports.setActivation(call.alpha, call.beta);
  const { start, end } = range;
  exports.setThreadScratch(range.scratch);
  try {
    runKernel(exports, call, start, end, range.scratch + exports.threadScratchBytes());
  } finally {
    exports.setThreadScratch(0);
  }
}

function runKernel(exports: ConvExports, call: RangeCall, start: number, end: number, scratch: number): void {
  const a = call.args;
  const win = call.window;
  switch (call.kernel) {
    case RangeKernel.implicitGemmRows:
      exports.convImage(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], scratch, a[8], a[9], start, end, 0, win[8] * win[9], a[10]);
      return;
    case RangeKernel.implicitGemmPositions:
      exports.convImage(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], scratch, a[8], a[9], 0, a[3], start, end, a[10]);
      return;
    case RangeKernel.winograd:
      exports.winogradImage(a[0], a[1], a[2], a[3], a[4], a[5], scratch, a[6], a[7], a[8], start, end, 0, a[2]);
      return;
    case RangeKernel.winogradRows:
      exports.winogradImage(a[0], a[1], a[2], a[3], a[4], a[5], scratch, a[6], a[7], a[8], 0, a[9], start, end);
      return;
    case RangeKernel.winogradInput:
      exports.winogradInput(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], start, end, a[9]);
      return;
    case RangeKernel.winogradProducts:
      exports.winogradProducts(a[0], a[1], a[2], a[3], a[4], a[5], scratch, a[6], a[7], a[8], start, end);
      return;
    case RangeKernel.depthwise:
      runDepthwise(exports, call, start, end, scratch);
      return;
    case RangeKernel.smallChannel:
      runSmallChannelRange(exports, call, start, end);
      return;
    case RangeKernel.pool:
      runPoolRange(exports, call, start, end, scratch);
      return;
    case RangeKernel.gemvPacked:
      exports.gemvPackedColumns(a[0], a[1], a[2], a[3], a[4], call.alpha, call.beta, start, end);
  }
}

/** Channels [start, end) of a depthwise call: the same kernel on shifted addresses, planes padded in `scratch` where the call pads. */
function runDepthwise(exports: ConvExports, call: RangeCall, start: number, end: number, scratch: number): void {
  const [x, multiplier, w, bias, y, act, residual, actAfter, h, width, top, left] = call.args;
  const win = call.window;
  const taps = win[2] * win[3];
  const outputs = (end - start) * multiplier;
  const outputBytes = win[8] * win[9] * 4;
  const firstOutput = start * multiplier;
  const yAt = y + firstOutput * outputBytes;
  const wAt = w + firstOutput * taps * 4, biasAt = bias === 0 ? 0 : bias + firstOutput * 4;
  if (h === 0) exports.depthwise(x + start * win[0] * win[1] * 4, end - start, multiplier, wAt, biasAt, yAt, act);
  else exports.depthwisePadded(x + start * h * width * 4, end - start, multiplier, wAt, biasAt, yAt, act, h, width, top, left, scratch);
  if (residual !== 0) exports.addResidual(yAt, residual + firstOutput * outputBytes, outputs * win[8] * win[9], actAfter);
}

/** setWindow's arguments for a window. */
export function windowArguments(p: PlaneWindow): number[] {
  return [p.planeH, p.planeW, p.kernelH, p.kernelW, p.strideH, p.strideW, p.dilationH, p.dilationW, p.outH, p.outW];
}

/**
 * `parts` ranges of near-equal size covering [0, total), each starting on a multiple of
 * `unit` (fewer where there are fewer units), with scratch at `scratch[i]`.
 */
export function cutRanges(total: number, unit: number, parts: number, scratch: readonly number[]): OutputRange[] {
  const units = Math.ceil(total / unit);
  const count = Math.max(1, Math.min(parts, units));
  return Array.from({ length: count }, (_, i) => ({
    start: Math.floor((i * units) / count) * unit,
    end: Math.min(total, Math.floor(((i + 1) * units) / count) * unit),
    scratch: scratch[i],
  }));
}
