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

export interface NhwcPointwiseOperands extends NhwcEpilogue {
  /** [rows, k] */
  readonly x: Float32Array;
  /** W as pointwisePanels lays it out: [ceil(n / 8)][k][8]. */
  readonly panels: Float32Array;
  /** The bias padded to ceil(n / 8) * 8 floats (zeros past n), or undefined. */
  readonly bias?: Float32Array;
  /** [rows, n]: overwritten. */
  readonly y: Float32Array;
  readonly rows: number;
  readonly k: number;
  readonly n: number;
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

export function wasmNhwcPointwise(op: NhwcPointwiseOperands): boolean {
  const placed = place([op.x, op.panels, op.bias, op.residual, op.y], new Set([4]));
  if (!placed) return false;
  const [xAt, panelsAt, biasAt, zAt, yAt] = placed.at;
  const { code, alpha, beta } = activationCode(op.activation);
  placed.exports.nhwcPointwise(xAt, op.rows, op.k, panelsAt, op.n, biasAt, zAt, yAt, code, alpha, beta);
  copyBack(placed, op.y, yAt);
  return true;
}

/**
 * out [batches, cols, rows] = the transpose of each [rows, cols] matrix of 4-byte words in
 * `source` from word `from` on, bit for bit; false, with nothing written, unless both lie in the
 * heap (a run's arena) and the module is loaded.
 */
export function wasmTranspose32(source: Int32Array, from: number, out: Int32Array, batches: number, rows: number, cols: number): boolean {
  const heap = wasmGemmHeap();
  if (!heap || !heap.holds(source) || !heap.holds(out)) return false;
  const exports = nhwcModuleOn(heap.memory);
  if (!exports) return false;
  exports.transpose32(source.byteOffset + from * 4, out.byteOffset, batches, rows, cols);
  return true;
}

/**
 * out = the words of `source` that a strided view of rank 3 or less picks (dims, element strides
 * of any sign, the first element at word `from`), densely; false, with nothing written, unless
 * both lie in the heap and the module is loaded.
 */
export function wasmGather32(source: Int32Array, from: number, out: Int32Array, dims: readonly number[], strides: readonly number[]): boolean {
  const heap = wasmGemmHeap();
  if (!heap || !heap.holds(source) || !heap.holds(out) || dims.length > 3) return false;
  const exports = nhwcModuleOn(heap.memory);
  if (!exports) return false;
  const pad = 3 - dims.length;
  const d = [...new Array<number>(pad).fill(1), ...dims];
  const s = [...new Array<number>(pad).fill(0), ...strides];
  exports.gather32(source.byteOffset + from * 4, out.byteOffset, d[0], s[0], d[1], s[1], d[2], s[2]);
  return true;
}

/**
 * Longest run copyRuns32 takes from a heap that is not shared: a typed array's set() (the
 * engine's memmove) copies longer ones faster than its vector loop (a 614 KB Concat block: 0.11
 * ms by set, 0.15 ms in the module). Over a shared heap (a SharedArrayBuffer, where threads
 * work), set() and copyWithin between its views are about 10x slower than the module at every
 * length (Node 20: 16 runs of 330 words 4.2 us against 0.49, one run of 614 KB 175 us against
 * 13), so there it takes runs of any length.
 */
const MAX_RUN_WORDS = 255;

/**
 * `rows` runs of `words` words from `source` (word `from` on, runs `sourceStride` apart) to
 * `target` (word `to` on, `targetStride` apart), bit for bit; false, with nothing written,
 * where runs are longer than MAX_RUN_WORDS in a heap that is not shared, or unless both are
 * 4-byte views in the heap and the module is loaded.
 */
export function wasmCopyRuns32(
  source: ArrayBufferView, from: number, sourceStride: number, target: ArrayBufferView, to: number, targetStride: number, rows: number, words: number,
): boolean {
  const heap = wasmGemmHeap();
  if (!heap || (words > MAX_RUN_WORDS && !heap.shared) || !heap.holds(source) || !heap.holds(target)) return false;
  const exports = nhwcModuleOn(heap.memory);
  if (!exports) return false;
  exports.copyRuns32(source.byteOffset + from * 4, target.byteOffset + to * 4, rows, words, sourceStride, targetStride);
  return true;
}
