/**
 * Float32 1-D and 2-D convolution on the conv WebAssembly module (wasm/assembly/conv.ts): the
 * whole Conv, im2col included, runs in the module's memory. The module runs in the GEMM heap,
 * where a run's activations live (conv-module.ts): X, Y and the residual are addressed where
 * they lie there, and only operands from elsewhere (a model's input, tensors outside a
 * session) are copied in or out (conv-operands.ts).
 *
 * A constant W is prepared once per instance (packed into the implicit GEMM's panels,
 * transformed for Winograd, or, for depthwise groups, copied as is) and stays in the module's
 * memory (resident-conv-weights.ts); any other W is prepared per call. Per image the image is
 * padded inside the module where windows reach past it (by depthwise kernels a plane at a
 * time, as they come to it), and convolved: depthwise
 * groups (one input channel and few output channels each) by a direct SIMD kernel, 3x3
 * stride-1 single-group ones by Winograd F(2x2, 3x3) or F(4x4, 3x3), stride-2 ones by its
 * stride-2 form (wasm/assembly/winograd-s2.ts; which and when: winograd-choice.ts), single-group ones of small depth (input
 * channels x taps) by a direct kernel (small-channel-conv.ts, which it picks over Winograd too
 * where that pays), every other group by the implicit GEMM, which packs the column matrix
 * straight from the image. Bias, residual and activation are applied as the output is stored.
 *
 * Each kernel call goes through conv-ranges.ts; with a ConvSplitter (an instance on a memory
 * that helper threads share, backends/threads/gemm-pool.ts) it is cut into ranges of its output
 * that run at the same time, bit-identical to one call.
 */
import { env } from '../../config/env.js';
import type { SlidingWindow } from '../../kernels/conv/sliding-window.js';
import type { FloatArray } from '../../kernels/linalg/gemm-core.js';
import { activationCode, type ConvActivation } from './conv-activation.js';
import { convHeap } from './conv-heap.js';
import { convModule, instantiateConv, type ConvExports, type ConvModule } from './conv-module.js';
import { copyInto, copyOutOf, inHeap, notePlaced, overlaps } from './conv-operands.js';
import { cutRanges, RangeKernel, runRange, windowArguments, type OutputRange, type RangeCall } from './conv-ranges.js';
import { MR, NR } from './micro-tile.js';
import { planeWindow, setWindow, type PlaneWindow } from './plane-window.js';
import { residentWeightsOn, type ResidentConvWeights } from './resident-conv-weights.js';
import { smallChannelApplies, smallChannelConv, type SmallChannelHost } from './small-channel-conv.js';
import type { WasmHeap } from './wasm-heap.js';
import type { SimdVariant } from './wasm-instance.js';
import { tileSides, WINOGRAD_ROWS_4, winogradApplies, winogradTile, type WinogradTile } from './winograd-choice.js';

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

/** The operands once every array is known to be a Float32Array. */
interface Float32ConvOperands extends WasmConvOperands {
  readonly x: Float32Array;
  readonly w: Float32Array;
  readonly bias?: Float32Array;
  readonly y: Float32Array;
  readonly residual?: Float32Array;
}

/** `op` with its arrays typed as Float32Arrays, or undefined where one is of another type. */
function float32Operands(op: WasmConvOperands): Float32ConvOperands | undefined {
  const { x, w, bias, residual, y } = op;
  if (!(x instanceof Float32Array && w instanceof Float32Array && y instanceof Float32Array)) return undefined;
  if (bias !== undefined && !(bias instanceof Float32Array)) return undefined;
  if (residual !== undefined && !(residual instanceof Float32Array)) return undefined;
  return { ...op, x, w, bias, residual, y };
}

/**
 * What a constant W (an initializer) is known by: the caller keeps one object per constant W
 * and passes it with every call. Each instance prepares the forms of W it needs (GEMM panels,
 * Winograd transform, depthwise W) once, in its own memory (resident-conv-weights.ts), and
 * keeps them while the object lives.
 */
export type ConvWeightCache = object;

const DEPTHWISE_MAX_MULTIPLIER = 8;
/**
 * Input channels per unit of Winograd's first phase cut across threads: 16 channels' rows of a
 * V panel fill whole cache lines, so no two threads write the same line.
 */
const INPUT_CHANNEL_UNIT = 16;

/**
 * Runs the ranges of one kernel call at the same time, on this thread and on helper threads
 * whose instances of the module share this instance's memory (backends/threads/).
 */
export interface ConvSplitter {
  /** How many ranges a call of `work` multiply-adds is worth cutting into; 1 runs it whole, here. */
  parts(work: number): number;
  /** Runs every range, the first on this thread, and returns once all are done; false (none run) where it cannot now. */
  run(call: RangeCall, ranges: readonly OutputRange[]): boolean;
  /** Bytes of the conv module's thread scratch that start each range's scratch (runRange). */
  readonly threadScratchBytes: number;
}

/** The conv entry points on one instance of the module, which owns that instance's memory. */
export class WasmConv {
  private readonly exports: ConvExports;
  private readonly heap: WasmHeap;
  private readonly resident: ResidentConvWeights;
  readonly variant: SimdVariant;

  constructor(module: ConvModule, private readonly splitter?: ConvSplitter) {
    this.exports = module.exports;
    this.variant = module.variant;
    this.heap = convHeap(module);
    this.resident = residentWeightsOn(this.heap);
  }

  /** Whether a call may have been refused because runs hold this instance's heap (it may not grow now). */
  heldBack(): boolean {
    return this.heap.growthHeld();
  }

  /** Bytes of constant weights this instance keeps in its memory (measurement and tests). */
  get residentWeightBytes(): number {
    return this.resident.residentBytes;
  }

  /** As wasmConv2dF32, on this instance. */
  conv2dF32(operands: WasmConvOperands, win: SlidingWindow, cache?: ConvWeightCache): boolean {
    const op = float32Operands(operands);
    if (!op) return false;
    const { x, w, bias, residual, y } = op;
    const plane = planeWindow(win);
    if (!plane || op.inPerGroup === 0) return false;
    if (y.length === 0) return true;
    const { exports, heap } = this;
    const channels = op.group * op.inPerGroup;
    const outputs = op.group * op.outPerGroup;
    const k = op.inPerGroup * plane.kernelH * plane.kernelW;
    const imageSize = channels * plane.h * plane.w;
    const outputSize = outputs * plane.outH * plane.outW;
    const winograd = winogradApplies(plane, op);
    if (smallChannelApplies(plane, op, winograd)) return smallChannelConv(this.smallChannelHost(), op, plane, cache);
    if (winograd) return this.winograd(op, w, plane, cache);
    // One input channel and many outputs (a 1-channel image's first layer) is a GEMM with k = taps.
    const depthwise = op.inPerGroup === 1 && op.outPerGroup < DEPTHWISE_MAX_MULTIPLIER;
    // Depthwise kernels read W as it is, the implicit GEMM its panels: kept in memory for a constant W, else prepared here.
    const given = w.subarray(0, outputs * k);
    const packedLength = depthwise ? 0 : exports.packedWeightsLength(op.group, op.outPerGroup, k);
    const kept = cache && (depthwise
      ? this.resident.address(cache, `depthwise ${outputs} ${k}`, given.length, (at) => this.copyInto(given, at))
      : this.resident.address(cache, `panels ${op.group} ${op.outPerGroup} ${k}`, packedLength, (at) => this.packInto(given, op.group, op.outPerGroup, k, at)));
    setWindow(exports, plane);
    const act = activationCode(op.activation);
    exports.setActivation(act.alpha, act.beta);
    const slack = exports.imageSlack();
    const images = op.batch * imageSize, outputsSize = op.batch * outputSize;
    // Windows read an unpadded X where it is, and the slack past it; a padded one only padImage reads.
    const xHere = inHeap(heap, x, images, plane.padded ? 0 : slack);
    const yHere = inHeap(heap, y, outputsSize) && !overlaps(x, images, y, outputsSize);
    // The implicit GEMM adds a residual as it stores each tile, read where it lies (or from Y, where
    // the host copies it in from outside the heap); depthwise kernels add it after writing Y. Either
    // way a residual that shares Y's bytes but is not Y itself is copied apart first.
    const residualApart = residual !== undefined && depthwise;
    const zHere = residual !== undefined && inHeap(heap, residual, outputsSize) &&
      (!(yHere && overlaps(residual, outputsSize, y, outputsSize)) || (!depthwise && residual.byteOffset === y.byteOffset));
    const positions = plane.outH * plane.outW;
    const parts = this.splitter?.parts(depthwise ? outputSize * plane.kernelH * plane.kernelW : outputs * k * positions) ?? 1;
    // Depthwise kernels pad plane by plane, into their range's scratch, just before they read it.
    const padsPlanes = plane.padded && depthwise;
    const kernelScratch = depthwise ? (padsPlanes ? plane.planeH * plane.planeW + slack : 0) : exports.packedPatchesLength();
    const patchesLength = alignedFloats(exports.threadScratchBytes() / 4 + kernelScratch);
    const offsets = heap.scratch([
      kept === undefined ? given.length : 0, // W as given
      kept === undefined ? packedLength : 0, // W packed
      depthwise ? 0 : k, // tap offsets, i32
      bias ? outputs : 0,
      xHere ? 0 : imageSize + slack, // one image as given
      plane.padded && !padsPlanes ? channels * plane.planeH * plane.planeW + slack : 0, // the image padded
      yHere ? 0 : outputSize, // one image's output
      parts > 1 ? 0 : patchesLength, // the kernel's (packed patches, or a padded plane), where the call is not cut
      residualApart && !zHere ? outputSize : 0, // one image's residual
    ]);
    const rangesAt = rangeScratch(heap, parts, patchesLength);
    if (!offsets || rangesAt === undefined) return false;
    const [wScratch, packedScratch, tapsAt, biasAt, xAt, paddedAt, yAt, onePatchBlock, zAt] = offsets;
    const patchesAt = parts > 1 ? rangesAt : onePatchBlock;
    const memory = heap.f32;
    let wAt = kept ?? wScratch;
    if (kept === undefined) {
      copyFlushed(exports, memory, given, wScratch);
      if (!depthwise) {
        exports.packWeights(wScratch, op.group, op.outPerGroup, k, packedScratch);
        wAt = packedScratch;
      }
    }
    if (bias) copyFlushed(exports, memory, bias, biasAt);
    if (!depthwise) exports.fillTapOffsets(op.inPerGroup, tapsAt);
    const window = windowArguments(plane);
    const scratch = Array.from({ length: parts }, (_, i) => patchesAt + i * patchesLength * 4);
    const biasArg = bias ? biasAt : 0;
    notePlaced(op.batch * (Number(xHere) + Number(yHere) + Number(zHere)));
    for (let n = 0; n < op.batch; n++) {
      const xn = xHere ? x.byteOffset + n * imageSize * 4 : xAt;
      if (!xHere) copyInto(memory, xAt, x.subarray(n * imageSize, (n + 1) * imageSize));
      if (plane.padded && !padsPlanes) exports.padImage(xn, channels, plane.h, plane.w, plane.top, plane.left, 0, paddedAt);
      const image = plane.padded && !padsPlanes ? paddedAt : xn;
      const yn = yHere ? y.byteOffset + n * outputSize * 4 : yAt;
      const z = residual?.subarray(n * outputSize, (n + 1) * outputSize);
      const zn = z ? (zHere ? z.byteOffset : residualApart ? zAt : 0) : 0;
      if (z && !zHere) copyInto(memory, residualApart ? zAt : yn, z);
      if (depthwise) {
        const padding = padsPlanes ? [plane.h, plane.w, plane.top, plane.left] : [0, 0, 0, 0];
        const args = [image, op.outPerGroup, wAt, biasArg, yn, residualApart ? 0 : act.code, zn, act.code, ...padding];
        this.runCall({ kernel: RangeKernel.depthwise, window, alpha: act.alpha, beta: act.beta, args }, channels, 1, scratch);
      } else {
        const args = [image, op.group, op.inPerGroup, op.outPerGroup, wAt, tapsAt, biasArg, yn, act.code, z ? 1 : 0, zn];
        // Cutting rows repeats the patch packing in every range, cutting positions reads all of W in each.
        const byRows = op.outPerGroup >= positions;
        const kernel = byRows ? RangeKernel.implicitGemmRows : RangeKernel.implicitGemmPositions;
        const [total, unit] = byRows ? [op.outPerGroup, MR] : [positions, NR];
        this.runCall({ kernel, window, alpha: act.alpha, beta: act.beta, args }, total, unit, scratch);
      }
      if (!yHere) copyOutOf(memory, yAt, outputSize, y, n * outputSize);
    }
    return true;
  }

  /** This instance as the host of the direct kernel for few input channels. */
  private smallChannelHost(): SmallChannelHost {
    return {
      exports: this.exports, heap: this.heap, resident: this.resident,
      parts: (work) => this.splitter?.parts(work) ?? 1,
      run: (call, total, unit, scratch) => this.runCall(call, total, unit, scratch),
      copyFlushed: (values, at) => copyFlushed(this.exports, this.heap.f32, values, at),
    };
  }

  /** One group of 3x3 convolution by Winograd (wasm/assembly/winograd.ts). */
  private winograd(op: Float32ConvOperands, w: Float32Array, plane: PlaneWindow, cache: ConvWeightCache | undefined): boolean {
    const { x, bias, residual, y } = op;
    const { exports, heap } = this;
    const c = op.inPerGroup, m = op.outPerGroup;
    const tile = winogradTile(plane, op);
    const imageSize = c * plane.h * plane.w;
    const outputSize = m * plane.outH * plane.outW;
    const given = w.subarray(0, m * c * 9);
    const transformedLength = exports.winogradWeightsLength(c, m, tile);
    const kept = cache && this.resident.address(cache, `winograd ${c} ${m} ${tile}`, transformedLength, (at) => this.transformInto(given, c, m, tile, at));
    // Planes of whole tiles: every output tile reads the block under it, blocks `step` apart.
    const sides = tileSides(tile);
    const step = sides.out * plane.strideH;
    const planeH = step * Math.ceil(plane.outH / sides.out) + sides.block - step;
    const planeW = step * Math.ceil(plane.outW / sides.out) + sides.block - step;
    exports.setWindow(planeH, planeW, 3, 3, 1, 1, 1, 1, plane.outH, plane.outW);
    const act = activationCode(op.activation);
    exports.setActivation(act.alpha, act.beta);
    const tiles = exports.tileCount(tile);
    const parts = this.splitter?.parts(c * m * tiles * sides.block ** 2) ?? 1;
    // Only padImage reads X; Y (onto a residual copied into it) is written where it lies in the heap.
    const images = op.batch * imageSize, outputsSize = op.batch * outputSize;
    const xHere = inHeap(heap, x, images);
    const yHere = inHeap(heap, y, outputsSize) && !overlaps(x, images, y, outputsSize);
    // Cutting tiles reads all of U in every range; cutting output channels would transform the whole
    // input in each, so the threads first share that transform out by input channels (two phases).
    // Tiles as the products' rows: output channels are their columns, cut in units of NR.
    const tileRows = tile === WINOGRAD_ROWS_4;
    const byRows = tileRows || Math.ceil(m / MR) * MR > Math.ceil(tiles / NR) * NR;
    const twoPhase = parts > 1 && byRows && !tileRows;
    const kernelScratch = twoPhase ? exports.winogradProductsLength(c, m, tile) : exports.winogradScratchLength(c, m, tile);
    const scratchLength = alignedFloats(exports.threadScratchBytes() / 4 + kernelScratch);
    const offsets = heap.scratch([
      kept === undefined ? given.length : 0, // W as given
      kept === undefined ? exports.winogradWeightsScratchLength(c, m, tile) : 0, // W transformed, before packing
      kept === undefined ? transformedLength : 0, // W transformed and packed
      bias ? m : 0,
      xHere ? 0 : imageSize, // one image as given
      c * planeH * planeW, // the image padded
      yHere ? 0 : outputSize, // one image's output
      parts > 1 ? 0 : scratchLength, // the kernel's, where the call is not cut
      twoPhase ? exports.winogradInputLength(c, m, tile) : 0, // V of every tile, between the two phases
    ]);
    const rangesAt = rangeScratch(heap, parts, scratchLength);
    if (!offsets || rangesAt === undefined) return false;
    const [wAt, rawAt, uScratch, biasAt, xAt, paddedAt, yAt, oneScratch, vAt] = offsets;
    const scratchAt = parts > 1 ? rangesAt : oneScratch;
    const memory = heap.f32;
    if (kept === undefined) {
      copyFlushed(exports, memory, given, wAt);
      // The first range's thread scratch is free until the kernel runs.
      exports.setThreadScratch(scratchAt);
      exports.winogradWeights(wAt, c, m, rawAt, uScratch, tile);
    }
    if (bias) copyFlushed(exports, memory, bias, biasAt);
    const window = [planeH, planeW, 3, 3, 1, 1, 1, 1, plane.outH, plane.outW];
    const scratch = Array.from({ length: parts }, (_, i) => scratchAt + i * scratchLength * 4);
    notePlaced(op.batch * (Number(xHere) + Number(yHere)));
    for (let n = 0; n < op.batch; n++) {
      const xn = xHere ? x.byteOffset + n * imageSize * 4 : xAt;
      if (!xHere) copyInto(memory, xAt, x.subarray(n * imageSize, (n + 1) * imageSize));
      const yn = yHere ? y.byteOffset + n * outputSize * 4 : yAt;
      const z = residual?.subarray(n * outputSize, (n + 1) * outputSize);
      if (z) copyInto(memory, yn, z);
      const u = kept ?? uScratch, biasArg = bias ? biasAt : 0, accumulate = z ? 1 : 0;
      const { alpha, beta } = act;
      if (twoPhase) {
        const input = [xn, c, m, plane.h, plane.w, plane.top, plane.left, paddedAt, tile, vAt];
        this.runCall({ kernel: RangeKernel.winogradInput, window, alpha, beta, args: input }, c, INPUT_CHANNEL_UNIT, scratch);
        const products = [vAt, c, m, u, biasArg, yn, act.code, accumulate, tile];
        this.runCall({ kernel: RangeKernel.winogradProducts, window, alpha, beta, args: products }, m, MR, scratch);
      } else {
        exports.padImage(xn, c, plane.h, plane.w, plane.top, plane.left, 0, paddedAt);
        const args = [paddedAt, c, m, u, biasArg, yn, act.code, accumulate, tile, tiles];
        const call = { kernel: byRows ? RangeKernel.winogradRows : RangeKernel.winograd, window, alpha, beta, args };
        // Ranges of whole NR-tile panels: a range's blocks then leave no more than one panel part empty.
        this.runCall(call, byRows ? m : tiles, byRows && !tileRows ? MR : NR, scratch);
      }
      if (!yHere) copyOutOf(memory, yAt, outputSize, y, n * outputSize);
    }
    return true;
  }

  /** Runs a call over [0, total) cut into one range per scratch buffer, through the splitter where there are several. */
  private runCall(call: RangeCall, total: number, unit: number, scratch: readonly number[]): void {
    const ranges = cutRanges(total, unit, scratch.length, scratch);
    if (ranges.length > 1 && this.splitter?.run(call, ranges)) return;
    runRange(this.exports, call, { start: 0, end: total, scratch: scratch[0] });
  }

  /** W as given, subnormals flushed, at `at`. */
  private copyInto(w: Float32Array, at: number): boolean {
    copyFlushed(this.exports, this.heap.f32, w, at);
    return true;
  }

  /** W ([group * outPerGroup, depth]) as the implicit GEMM's panels at `at`; false where scratch for W will not fit. */
  private packInto(w: Float32Array, group: number, outPerGroup: number, depth: number, at: number): boolean {
    const offsets = this.heap.scratch([w.length]);
    if (!offsets) return false;
    copyFlushed(this.exports, this.heap.f32, w, offsets[0]);
    this.exports.packWeights(offsets[0], group, outPerGroup, depth, at);
    return true;
  }

  /** W ([m, c, 3, 3]) transformed for Winograd F(tile x tile, 3x3) at `at`; false where scratch for W will not fit. */
  private transformInto(w: Float32Array, c: number, m: number, tile: WinogradTile, at: number): boolean {
    const { exports } = this;
    const offsets = this.heap.scratch([w.length, exports.winogradWeightsScratchLength(c, m, tile), exports.threadScratchBytes() / 4]);
    if (!offsets) return false;
    copyFlushed(exports, this.heap.f32, w, offsets[0]);
    exports.setThreadScratch(offsets[2]);
    exports.winogradWeights(offsets[0], c, m, offsets[1], at, tile);
    return true;
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

/**
 * Scratch slot of the ranges of a call cut for several threads: no kernel of this thread writes
 * it while a helper the caller gave up waiting for may still be using its range's part.
 */
const RANGES_SLOT = 1;

/** Where the scratch of a call cut into `parts` ranges of `length` floats each starts: 0 where it is not cut, undefined where there is no room now. */
function rangeScratch(heap: WasmHeap, parts: number, length: number): number | undefined {
  return parts > 1 ? heap.scratch([parts * length], RANGES_SLOT)?.[0] : 0;
}

/** Floats rounded up to whole cache lines, so ranges' scratch buffers never share one. */
function alignedFloats(count: number): number {
  return Math.ceil(count / 16) * 16;
}

let shared: WasmConv | undefined;
let overflow: WasmConv | undefined;
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

/**
 * An instance on a memory of its own for calls the shared one cannot take while runs hold the
 * GEMM heap (its scratch or weights would need growth): it copies every operand in and out.
 */
function overflowConv(): WasmConv | undefined {
  const variant = shared?.variant;
  if (!overflow && variant) {
    const module = instantiateConv(variant);
    if (module) overflow = new WasmConv(module);
  }
  return overflow;
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
 * ConvWeightCache), W is prepared on the first call only and read in place after.
 */
export function wasmConv2dF32(op: WasmConvOperands, win: SlidingWindow, cache?: ConvWeightCache): boolean {
  const conv = sharedConv();
  if (!conv) return false;
  const parallel = threaded?.();
  if ((parallel ?? conv).conv2dF32(op, win, cache)) return true;
  return conv.heldBack() && (overflowConv()?.conv2dF32(op, win, cache) ?? false);
}

