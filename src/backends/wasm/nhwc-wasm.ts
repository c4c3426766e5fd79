/**
 * The NHWC kernels on the WebAssembly module, over the GEMM heap: operands that live there (a
 * run's activation arena) are passed by address, any other (weights, bias, tensors outside a
 * session) is copied into the heap's scratch for the call, and an output that lives outside is
 * copied back out. False, with nothing written, where the module is off, not loaded yet, or
 * the scratch cannot grow (during a run); the caller then computes in TypeScript.
 */
import { activationCode, type ConvActivation } from './conv-activation.js';
import { wasmGemmHeap } from './wasm-gemm.js';
import type { WasmHeap } from './wasm-heap.js';
import { nhwcModuleOn, type NhwcExports } from './nhwc-module.js';

/** Per-channel bias, a residual Z of the output's shape, and an activation, applied in that order. */
export interface NhwcEpilogue {
  readonly bias?: Float32Array;
  readonly residual?: Float32Array;
  readonly activation?: ConvActivation;
}

export interface NhwcDepthwiseOperands extends NhwcEpilogue {
  /** [batch, inH, inW, channels] */
  readonly x: Float32Array;
  /** [kernelH * kernelW, channels]: tap-major. */
  readonly taps: Float32Array;
  /** [batch, outH, outW, channels]: overwritten. */
  readonly y: Float32Array;
  readonly batch: number;
  readonly channels: number;
  readonly inH: number;
  readonly inW: number;
  readonly outH: number;
  readonly outW: number;
  readonly kernel: readonly [number, number];
  readonly strides: readonly [number, number];
  readonly padsBegin: readonly [number, number];
  readonly dilations: readonly [number, number];
}

interface Placed {
  readonly exports: NhwcExports;
  readonly heap: WasmHeap;
  /** Byte address of each operand, in the order given; 0 for an absent one. */
  readonly at: readonly number[];
}

/** Addresses of `operands` in the heap, copying in those that lie outside (`inputs` only: outputs are not read). */
function place(operands: readonly (Float32Array | undefined)[], outputs: ReadonlySet<number>): Placed | undefined {
  const heap = wasmGemmHeap();
  const exports = heap && nhwcModuleOn(heap.memory);
  if (!heap || !exports) return undefined;
  const outside = operands.map((v) => (v !== undefined && !heap.holds(v) ? v.length : 0));
  const scratch = heap.scratch(outside);
  if (!scratch) return undefined;
  const memory = heap.f32;
  const at = operands.map((v, i) => {
    if (v === undefined) return 0;
    if (heap.holds(v)) return v.byteOffset;
    if (!outputs.has(i)) memory.set(v, scratch[i] / 4);
    return scratch[i];
  });
  return { exports, heap, at };
}

/** Copies an output computed in scratch back to its own storage. */
function copyBack(placed: Placed, view: Float32Array, at: number): void {
  if (!placed.heap.holds(view)) view.set(placed.heap.f32.subarray(at / 4, at / 4 + view.length));
}

/** y[r, c] = activation(y[r, c] + bias[c] + z[r, c]) over y's rows of `channels`, in place. */
export function wasmNhwcEpilogue(y: Float32Array, channels: number, epilogue: NhwcEpilogue): boolean {
  const placed = place([y, epilogue.bias, epilogue.residual], new Set());
  if (!placed) return false;
  const [yAt, biasAt, zAt] = placed.at;
  const { code, alpha, beta } = activationCode(epilogue.activation);
  placed.exports.nhwcEpilogue(yAt, y.length / channels, channels, biasAt, zAt, code, alpha, beta);
  copyBack(placed, y, yAt);
  return true;
}

export function wasmNhwcDepthwise(op: NhwcDepthwiseOperands): boolean {
  const placed = place([op.x, op.taps, op.bias, op.residual, op.y], new Set([4]));
  if (!placed) return false;
  const [xAt, tapsAt, biasAt, zAt, yAt] = placed.at;
  const { code, alpha, beta } = activationCode(op.activation);
  placed.exports.nhwcDepthwise(
    xAt, op.batch, op.inH, op.inW, op.channels, tapsAt, biasAt, zAt, yAt, op.outH, op.outW,
    op.kernel[0], op.kernel[1], op.strides[0], op.strides[1], op.padsBegin[0], op.padsBegin[1],
    op.dilations[0], op.dilations[1], code, alpha, beta,
  );
  copyBack(placed, op.y, yAt);
  return true;
}
