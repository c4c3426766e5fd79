/**
 * Float32 1-D and 2-D convolution on the conv WebAssembly module (wasm/assembly/conv.ts): the
 * whole Conv, im2col included, runs in the module's memory, so the only JavaScript work is
 * copying W, the bias and each image in and each output out (plain memcpy).
 *
 * Per call: W is packed once (or, for depthwise groups, copied as is), then per image the
 * image is copied in, padded inside the module where windows reach past it, and convolved:
 * depthwise groups (one input channel and few output channels each) by a direct SIMD kernel,
 * 3x3 stride-1 single-group ones by Winograd F(2x2, 3x3) or F(4x4, 3x3), every other group by the
 * implicit GEMM, which packs the column matrix straight from the image. Bias, residual and
 * activation are applied as the output is stored.
 *
 * Each kernel call goes through conv-ranges.ts; with a ConvSplitter (an instance on a memory
 * that helper threads share, backends/threads/gemm-pool.ts) it is cut into ranges of its output
 * that run at the same time, bit-identical to one call.
 */
import { env } from '../../config/env.js';
import type { SlidingWindow } from '../../kernels/conv/sliding-window.js';
import type { FloatArray } from '../../kernels/linalg/gemm-core.js';
import { activationCode, type ConvActivation } from './conv-activation.js';
import { convModule, type ConvExports, type ConvModule } from './conv-module.js';
import { cutRanges, RangeKernel, runRange, windowArguments, type OutputRange, type RangeCall } from './conv-ranges.js';
import { LinearMemory } from './linear-memory.js';
import { MR, NR } from './micro-tile.js';
import { planeWindow, setWindow, type PlaneWindow } from './plane-window.js';
import type { SimdVariant } from './wasm-instance.js';

export interface WasmConvOperands {
  /** [batch, group * inPerGroup, ...image] */
  readonly x: FloatArray;
  /** [group * outPerGroup, inPerGroup, ...kernel] */
  readonly w: FloatArray;
  /** One per output channel. */
  readonly bias?: FloatArray;
  /** [batch, group * outPerGroup, ...grid]: overwritten. */
  readonly y: FloatArray;
  readonly batch: number;
  readonly group: number;
  readonly inPerGroup: number;
  readonly outPerGroup: number;
  /** Z, of Y's shape: added to every output after the bias, before the activation. */
  readonly residual?: FloatArray;
  /** Applied to every output, after the bias and the residual. */
  readonly activation?: ConvActivation;
}

/** W packed once, for a constant W, in the implicit GEMM's panel layout. */
export interface PackedConvWeights {
  readonly group: number;
  readonly outPerGroup: number;
  /** inPerGroup times the kernel's taps. */
  readonly depth: number;
  readonly panels: Float32Array;
}

/** W of a 3x3 convolution transformed by winogradWeights for one tile size, for the Winograd path. */
export interface WinogradWeights {
  readonly inPerGroup: number;
  readonly outPerGroup: number;
  readonly tile: WinogradTile;
  readonly transformed: Float32Array;
}

/** The output tile of Winograd F(tile x tile, 3x3). */
export type WinogradTile = 2 | 4;

/**
 * F(4x4, 3x3) where the image is wide and tall enough for its 4x4 tiles to waste little at the
 * edges and the products are large enough to pay for its larger transforms; F(2x2, 3x3) below
 * that. Measured on one core (resnet-like layers): F(4x4) is 1.3x F(2x2) at 56x56 and 64
 * channels, 1.2x at 28x28 and 128, 0.8x at 12x12 and 64, 0.9x at 56x56 and 16. At 14x14 and 256
 * it gains 1.1x, too little for its transformed W, 36/16 the size of F(2x2)'s, to be kept.
 */
export function winogradTile(plane: PlaneWindow, op: Pick<WasmConvOperands, 'inPerGroup' | 'outPerGroup'>): WinogradTile {
  const wide = plane.outH >= WINOGRAD_F4_MIN_SIDE && plane.outW >= WINOGRAD_F4_MIN_SIDE;
  return wide && op.inPerGroup >= WINOGRAD_F4_MIN_CHANNELS && op.outPerGroup >= WINOGRAD_F4_MIN_CHANNELS ? 4 : 2;
}

const WINOGRAD_F4_MIN_SIDE = 20;
const WINOGRAD_F4_MIN_CHANNELS = 32;

/**
 * What the convolution derives from a W that does not change between calls (an initializer):
 * its GEMM panels or its Winograd transform. The caller keeps one per constant W and passes it
 * with every call; the first call that needs a form fills it in, later ones copy it in as is.
 */
export interface ConvWeightCache {
  panels?: PackedConvWeights;
  winograd?: WinogradWeights;
}

/**
 * Whether a convolution takes the Winograd path: 3x3, stride 1, no dilation, one group, and
 * enough channels that the 16 products are real matrix products (below that the transforms
 * cost more than the multiplies they save).
 */
export function winogradApplies(plane: PlaneWindow, op: Pick<WasmConvOperands, 'group' | 'inPerGroup' | 'outPerGroup'>): boolean {
  return plane.kernelH === 3 && plane.kernelW === 3 && plane.strideH === 1 && plane.strideW === 1 &&
    plane.dilationH === 1 && plane.dilationW === 1 && op.group === 1 &&
    op.inPerGroup >= WINOGRAD_MIN_CHANNELS && op.outPerGroup >= WINOGRAD_MIN_CHANNELS;
}

const WINOGRAD_MIN_CHANNELS = 8;
const DEPTHWISE_MAX_MULTIPLIER = 8;

/**
 * Runs the ranges of one kernel call at the same time, on this thread and on helper threads
 * whose instances of the module share this instance's memory (backends/threads/).
 */
export interface ConvSplitter {
  /** How many ranges a call of `work` multiply-adds is worth cutting into; 1 runs it whole, here. */
  parts(work: number): number;
  /** Runs every range, the first on this thread, and returns once all are done; false (none run) where it cannot now. */
  run(call: RangeCall, ranges: readonly OutputRange[]): boolean;
}

/** The conv entry points on one instance of the module, which owns that instance's memory. */
export class WasmConv {
  private readonly exports: ConvExports;
  private readonly memory: LinearMemory;
  readonly variant: SimdVariant;

  constructor(module: ConvModule, private readonly splitter?: ConvSplitter) {
    this.exports = module.exports;
    this.variant = module.variant;
    this.memory = new LinearMemory(module.exports.memory, module.exports.heapBase());
  }

  /** As wasmConv2dF32, on this instance. */
  conv2dF32(op: WasmConvOperands, win: SlidingWindow, cache?: ConvWeightCache): boolean {
    const { x, w, bias, residual, y } = op;
    if (!(x instanceof Float32Array && w instanceof Float32Array && y instanceof Float32Array)) return false;
    if ((bias && !(bias instanceof Float32Array)) || (residual && !(residual instanceof Float32Array))) return false;
    const plane = planeWindow(win);
    if (!plane || op.inPerGroup === 0) return false;
    if (y.length === 0) return true;
    const { exports, memory } = this;
    const channels = op.group * op.inPerGroup;
    const outputs = op.group * op.outPerGroup;
    const k = op.inPerGroup * plane.kernelH * plane.kernelW;
    const imageSize = channels * plane.h * plane.w;
    const outputSize = outputs * plane.outH * plane.outW;
    if (winogradApplies(plane, op)) return this.winograd(op, plane, cache);
    // One input channel and many outputs (a 1-channel image's first layer) is a GEMM with k = taps.
    const depthwise = op.inPerGroup === 1 && op.outPerGroup < DEPTHWISE_MAX_MULTIPLIER;
    // Depthwise kernels read W as it is; the implicit GEMM packs it here unless the cache has it.
    let prepacked: PackedConvWeights | undefined;
    if (cache && !depthwise) {
      const cached = cache.panels;
      const fits = cached && cached.group === op.group && cached.outPerGroup === op.outPerGroup && cached.depth === k;
      prepacked = fits ? cached : (cache.panels = this.packWeights(w, op.group, op.outPerGroup, k));
    }
    setWindow(exports, plane);
    const act = activationCode(op.activation);
    exports.setActivation(act.alpha, act.beta);
    const slack = exports.imageSlack();
    // The implicit GEMM adds onto a residual copied into Y; depthwise kernels add it after.
    const residualApart = residual !== undefined && depthwise;
    const positions = plane.outH * plane.outW;
    const parts = this.splitter?.parts(depthwise ? outputSize * plane.kernelH * plane.kernelW : outputs * k * positions) ?? 1;
    const patchesLength = alignedFloats(exports.threadScratchBytes() / 4 + (depthwise ? 0 : exports.packedPatchesLength()));
    const { offsets: [wAt, packedAt, tapsAt, biasAt, xAt, paddedAt, yAt, patchesAt, zAt], end } = memory.layout([
      prepacked ? 0 : w.length, // W as given
      depthwise ? 0 : exports.packedWeightsLength(op.group, op.outPerGroup, k), // W packed
      depthwise ? 0 : k, // tap offsets, i32
      bias ? outputs : 0,
      imageSize + slack, // one image as given
      plane.padded ? channels * plane.planeH * plane.planeW + slack : 0, // the image padded
      outputSize, // one image's output
      parts * patchesLength, // a block of packed patches per range
      residualApart ? outputSize : 0, // one image's residual
    ]);
    if (!memory.reserve(end)) return false;
    const heap = memory.f32;
    if (prepacked) heap.set(prepacked.panels, packedAt / 4);
    else copyFlushed(exports, heap, w, wAt);
    if (bias) copyFlushed(exports, heap, bias, biasAt);
    if (!depthwise) {
      if (!prepacked) exports.packWeights(wAt, op.group, op.outPerGroup, k, packedAt);
      exports.fillTapOffsets(op.inPerGroup, tapsAt);
    }
    const image = plane.padded ? paddedAt : xAt;
    const window = windowArguments(plane);
    const scratch = Array.from({ length: parts }, (_, i) => patchesAt + i * patchesLength * 4);
    const biasArg = bias ? biasAt : 0;
    for (let n = 0; n < op.batch; n++) {
      heap.set(x.subarray(n * imageSize, (n + 1) * imageSize), xAt / 4);
      if (plane.padded) exports.padImage(xAt, channels, plane.h, plane.w, plane.top, plane.left, 0, paddedAt);
      const z = residual?.subarray(n * outputSize, (n + 1) * outputSize);
      if (z) heap.set(z, (residualApart ? zAt : yAt) / 4);
      if (depthwise) {
        const args = [image, channels, op.outPerGroup, wAt, biasArg, yAt, residualApart ? 0 : act.code, residualApart ? zAt : 0, act.code];
        this.runCall({ kernel: RangeKernel.depthwise, window, alpha: act.alpha, beta: act.beta, args }, channels, 1, scratch);
      } else {
        const args = [image, op.group, op.inPerGroup, op.outPerGroup, packedAt, tapsAt, biasArg, yAt, act.code, z ? 1 : 0];
        // Cutting rows repeats the patch packing in every range, cutting positions reads all of W in each.
        const byRows = op.outPerGroup >= positions;
        const kernel = byRows ? RangeKernel.implicitGemmRows : RangeKernel.implicitGemmPositions;
        const [total, unit] = byRows ? [op.outPerGroup, MR] : [positions, NR];
        this.runCall({ kernel, window, alpha: act.alpha, beta: act.beta, args }, total, unit, scratch);
      }
      y.set(heap.subarray(yAt / 4, yAt / 4 + outputSize), n * outputSize);
    }
    return true;
  }

  /** One group of 3x3 stride-1 convolution by Winograd F(tile x tile, 3x3) (wasm/assembly/winograd.ts). */
  private winograd(op: WasmConvOperands, plane: PlaneWindow, cache: ConvWeightCache | undefined): boolean {
    const { x, w, bias, residual, y } = op;
    const { exports, memory } = this;
    const c = op.inPerGroup, m = op.outPerGroup;
    const tile = winogradTile(plane, op);
    const imageSize = c * plane.h * plane.w;
    const outputSize = m * plane.outH * plane.outW;
    // Planes of whole tiles: every tile x tile output block reads the (tile + 2)^2 block under it.
    const planeH = tile * Math.ceil(plane.outH / tile) + 2, planeW = tile * Math.ceil(plane.outW / tile) + 2;
    exports.setWindow(planeH, planeW, 3, 3, 1, 1, 1, 1, plane.outH, plane.outW);
    const act = activationCode(op.activation);
    exports.setActivation(act.alpha, act.beta);
    const tiles = exports.tileCount(tile);
    const parts = this.splitter?.parts(c * m * tiles * (tile + 2) ** 2) ?? 1;
    const scratchLength = alignedFloats(exports.threadScratchBytes() / 4 + exports.winogradScratchLength(c, m, tile));
    const cached = cache?.winograd;
    const fits = cached && cached.inPerGroup === c && cached.outPerGroup === m && cached.tile === tile;
    const transformed = fits ? cached.transformed : undefined;
    const transformedLength = exports.winogradWeightsLength(c, m, tile);
    const { offsets: [wAt, rawAt, uAt, biasAt, xAt, paddedAt, yAt, scratchAt], end } = memory.layout([
      transformed ? 0 : w.length, // W as given
      transformed ? 0 : (tile + 2) ** 2 * m * c, // W transformed, before packing
      transformedLength, // W transformed and packed
      bias ? m : 0,
      imageSize, // one image as given
      c * planeH * planeW, // the image padded
      outputSize, // one image's output
      parts * scratchLength, // per range
    ]);
    if (!memory.reserve(end)) return false;
    const heap = memory.f32;
    if (transformed) heap.set(transformed, uAt / 4);
    else {
      copyFlushed(exports, heap, w, wAt);
      exports.winogradWeights(wAt, c, m, rawAt, uAt, tile);
      if (cache) cache.winograd = { inPerGroup: c, outPerGroup: m, tile, transformed: heap.slice(uAt / 4, uAt / 4 + transformedLength) };
    }
    if (bias) copyFlushed(exports, heap, bias, biasAt);
    const window = [planeH, planeW, 3, 3, 1, 1, 1, 1, plane.outH, plane.outW];
    const scratch = Array.from({ length: parts }, (_, i) => scratchAt + i * scratchLength * 4);
    for (let n = 0; n < op.batch; n++) {
      heap.set(x.subarray(n * imageSize, (n + 1) * imageSize), xAt / 4);
      exports.padImage(xAt, c, plane.h, plane.w, plane.top, plane.left, 0, paddedAt);
      const z = residual?.subarray(n * outputSize, (n + 1) * outputSize);
      if (z) heap.set(z, yAt / 4);
      const args = [paddedAt, c, m, uAt, bias ? biasAt : 0, yAt, act.code, z ? 1 : 0, tile];
      this.runCall({ kernel: RangeKernel.winograd, window, alpha: act.alpha, beta: act.beta, args }, tiles, 1, scratch);
      y.set(heap.subarray(yAt / 4, yAt / 4 + outputSize), n * outputSize);
    }
    return true;
  }

  /** Runs a call over [0, total) cut into one range per scratch buffer, through the splitter where there are several. */
  private runCall(call: RangeCall, total: number, unit: number, scratch: readonly number[]): void {
    const ranges = cutRanges(total, unit, scratch.length, scratch);
    if (ranges.length > 1 && this.splitter?.run(call, ranges)) return;
    runRange(this.exports, call, { start: 0, end: total, scratch: scratch[0] });
  }

  /** W ([group * outPerGroup, depth], depth = inPerGroup * kernel taps) as the implicit GEMM's panels, a copy; undefined for an empty W or memory that will not grow. */
  packWeights(w: Float32Array, group: number, outPerGroup: number, depth: number): PackedConvWeights | undefined {
    if (outPerGroup === 0 || depth === 0) return undefined;
    const { exports, memory } = this;
    const length = exports.packedWeightsLength(group, outPerGroup, depth);
    const { offsets: [packedAt, wAt], end } = memory.layout([length, group * outPerGroup * depth]);
    if (!memory.reserve(end)) return undefined;
    const heap = memory.f32;
    copyFlushed(exports, heap, w.subarray(0, group * outPerGroup * depth), wAt);
    exports.packWeights(wAt, group, outPerGroup, depth, packedAt);
    return { group, outPerGroup, depth, panels: heap.slice(packedAt / 4, packedAt / 4 + length) };
  }
}

/**
 * Copies weights or biases into the module at byte offset `at` with subnormals flushed to zero
 * (wasm/assembly/denormals.ts: they slow every multiply they enter by two orders of magnitude).
 */
function copyFlushed(exports: ConvExports, heap: Float32Array, values: FloatArray, at: number): void {
  heap.set(values, at / 4);
  exports.flushDenormals(at, values.length);
}

/** Floats rounded up to whole cache lines, so ranges' scratch buffers never share one. */
function alignedFloats(count: number): number {
  return Math.ceil(count / 16) * 16;
}

let shared: WasmConv | undefined;
let threaded: (() => WasmConv | undefined) | undefined;

/**
 * Sets where wasmConv2dF32 first looks for an instance that runs on several threads
 * (backends/threads/intra-op.ts); it answers undefined where the running kernel has one thread.
 */
export function useThreadedConv(provider: (() => WasmConv | undefined) | undefined): void {
  threaded = provider;
}

/** The instance Conv uses, unless the user turned WebAssembly kernels off (env.wasm.simd = false) or none is loaded. */
function sharedConv(): WasmConv | undefined {
  if (env.wasm.simd === false) return undefined;
  if (shared) return shared;
  const module = convModule();
  if (module) shared = new WasmConv(module);
  return shared;
}

/** Which build convolutions run on here, or undefined when they stay in TypeScript. */
export function wasmConvVariant(): SimdVariant | undefined {
  return sharedConv()?.variant;
}

/**
 * Y = activation(conv(X, W) + bias + residual) for a 1-D or 2-D window when X, W, Y (and the
 * bias and residual) are all Float32Arrays; Y is overwritten whole. False, with Y untouched,
 * when it cannot: another element type, 3-D or higher, a W with no input channels, wasm off or
 * not loaded (yet), or memory that will not grow. With a `cache` (one per constant W, see
 * ConvWeightCache), W is packed or transformed on the first call only.
 */
export function wasmConv2dF32(op: WasmConvOperands, win: SlidingWindow, cache?: ConvWeightCache): boolean {
  const conv = sharedConv();
  const parallel = conv && threaded?.();
  return (parallel ?? conv)?.conv2dF32(op, win, cache) ?? false;
}

