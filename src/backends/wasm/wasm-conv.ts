/**
 * Float32 1-D and 2-D convolution on the conv WebAssembly module (wasm/assembly/conv.ts): the
 * whole Conv, im2col included, runs in the module's memory, so the only JavaScript work is
 * copying W, the bias and each image in and each output out (plain memcpy).
 *
 * Per call: W is packed once (or, for depthwise groups, copied as is), then per image the
 * image is copied in, padded inside the module where windows reach past it, and convolved:
 * depthwise groups (one input channel each) by a direct SIMD kernel, every other group by the
 * implicit GEMM, which packs the column matrix straight from the image. Bias and activation are
 * applied as the output is stored.
 */
import { env } from '../../config/env.js';
import { KernelInputError } from '../../errors/errors.js';
import type { SlidingWindow } from '../../kernels/conv/sliding-window.js';
import type { FloatArray } from '../../kernels/linalg/gemm-core.js';
import { activationCode, type ConvActivation } from './conv-activation.js';
import { convModule, type ConvExports, type ConvModule } from './conv-module.js';
import { LinearMemory } from './linear-memory.js';
import { planeWindow, setWindow } from './plane-window.js';
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
  /** Applied to every output, after the bias. */
  readonly activation?: ConvActivation;
}

/** W packed once by packConvWeightsF32, for a constant W, in the implicit GEMM's panel layout. */
export interface PackedConvWeights {
  readonly group: number;
  readonly outPerGroup: number;
  /** inPerGroup times the kernel's taps. */
  readonly depth: number;
  readonly panels: Float32Array;
}

/** The conv entry points on one instance of the module, which owns that instance's memory. */
export class WasmConv {
  private readonly exports: ConvExports;
  private readonly memory: LinearMemory;
  readonly variant: SimdVariant;

  constructor(module: ConvModule) {
    this.exports = module.exports;
    this.variant = module.variant;
    this.memory = new LinearMemory(module.exports.memory, module.exports.heapBase());
  }

  /** As wasmConv2dF32, on this instance. */
  conv2dF32(op: WasmConvOperands, win: SlidingWindow, packedW?: PackedConvWeights): boolean {
    const { x, w, bias, y } = op;
    if (!(x instanceof Float32Array && w instanceof Float32Array && y instanceof Float32Array)) return false;
    if (bias && !(bias instanceof Float32Array)) return false;
    const plane = planeWindow(win);
    if (!plane || op.inPerGroup === 0) return false;
    if (y.length === 0) return true;
    const { exports, memory } = this;
    const channels = op.group * op.inPerGroup;
    const outputs = op.group * op.outPerGroup;
    const k = op.inPerGroup * plane.kernelH * plane.kernelW;
    const imageSize = channels * plane.h * plane.w;
    const outputSize = outputs * plane.outH * plane.outW;
    const depthwise = op.inPerGroup === 1;
    // Depthwise kernels read W as it is; the implicit GEMM packs it here unless it comes packed.
    const prepacked = depthwise ? undefined : packedW;
    if (prepacked && (prepacked.group !== op.group || prepacked.outPerGroup !== op.outPerGroup || prepacked.depth !== k)) {
      throw new KernelInputError(
        `packed W is for ${prepacked.group} groups of ${prepacked.outPerGroup} x ${prepacked.depth}, the convolution needs ${op.group} of ${op.outPerGroup} x ${k}`,
      );
    }
    setWindow(exports, plane);
    const act = activationCode(op.activation);
    exports.setActivation(act.alpha, act.beta);
    const slack = exports.imageSlack();
    const { offsets: [wAt, packedAt, tapsAt, biasAt, xAt, paddedAt, yAt, patchesAt], end } = memory.layout([
      prepacked ? 0 : w.length, // W as given
      depthwise ? 0 : exports.packedWeightsLength(op.group, op.outPerGroup, k), // W packed
      depthwise ? 0 : k, // tap offsets, i32
      bias ? outputs : 0,
      imageSize + slack, // one image as given
      plane.padded ? channels * plane.planeH * plane.planeW + slack : 0, // the image padded
      outputSize, // one image's output
      depthwise ? 0 : exports.packedPatchesLength(), // a block of packed patches
    ]);
    if (!memory.reserve(end)) return false;
    const heap = memory.f32;
    if (prepacked) heap.set(prepacked.panels, packedAt / 4);
    else heap.set(w, wAt / 4);
    if (bias) heap.set(bias, biasAt / 4);
    if (!depthwise) {
      if (!prepacked) exports.packWeights(wAt, op.group, op.outPerGroup, k, packedAt);
      exports.fillTapOffsets(op.inPerGroup, tapsAt);
    }
    const image = plane.padded ? paddedAt : xAt;
    for (let n = 0; n < op.batch; n++) {
      heap.set(x.subarray(n * imageSize, (n + 1) * imageSize), xAt / 4);
      if (plane.padded) exports.padImage(xAt, channels, plane.h, plane.w, plane.top, plane.left, 0, paddedAt);
      if (depthwise) exports.depthwise(image, channels, op.outPerGroup, wAt, bias ? biasAt : 0, yAt, act.code);
      else {
        exports.convImage(image, op.group, op.inPerGroup, op.outPerGroup, packedAt, tapsAt, bias ? biasAt : 0, yAt, patchesAt, act.code);
      }
      y.set(heap.subarray(yAt / 4, yAt / 4 + outputSize), n * outputSize);
    }
    return true;
  }

  /** As packConvWeightsF32, on this instance. */
  packWeights(w: Float32Array, group: number, outPerGroup: number, depth: number): PackedConvWeights | undefined {
    if (outPerGroup === 0 || depth === 0) return undefined;
    const { exports, memory } = this;
    const length = exports.packedWeightsLength(group, outPerGroup, depth);
    const { offsets: [packedAt, wAt], end } = memory.layout([length, group * outPerGroup * depth]);
    if (!memory.reserve(end)) return undefined;
    const heap = memory.f32;
    heap.set(w.subarray(0, group * outPerGroup * depth), wAt / 4);
    exports.packWeights(wAt, group, outPerGroup, depth, packedAt);
    return { group, outPerGroup, depth, panels: heap.slice(packedAt / 4, packedAt / 4 + length) };
  }
}

let shared: WasmConv | undefined;

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
 * Y = activation(conv(X, W) + bias) for a 1-D or 2-D window when X, W, Y (and the bias) are all
 * Float32Arrays; Y is overwritten whole. False, with Y untouched, when it cannot: another
 * element type, 3-D or higher, a W with no input channels, wasm off or not loaded (yet), or
 * memory that will not grow. With `packedW` (from packConvWeightsF32, for the same group,
 * outPerGroup and depth) op.w is not read, except by depthwise convolutions, which need no
 * packing and ignore it.
 */
export function wasmConv2dF32(op: WasmConvOperands, win: SlidingWindow, packedW?: PackedConvWeights): boolean {
  return sharedConv()?.conv2dF32(op, win, packedW) ?? false;
}

/**
 * Packs W ([group * outPerGroup, depth], depth = inPerGroup * kernel taps) for repeated
 * convolutions with wasmConv2dF32: each call then copies the panels in one block instead of
 * copying and packing W. Undefined where wasmConv2dF32 would not run (wasm off or not loaded,
 * an empty W). Only for a W that does not change between the calls (an initializer): the
 * panels are a copy.
 */
export function packConvWeightsF32(w: Float32Array, group: number, outPerGroup: number, depth: number): PackedConvWeights | undefined {
  return sharedConv()?.packWeights(w, group, outPerGroup, depth);
}
