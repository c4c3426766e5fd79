/**
 * The one copy loop behind Transpose, Slice, Expand, Tile and Split: gather a strided view of
 * a tensor into fresh row-major storage. Axes that are contiguous in both the view and the
 * source are merged first, so the innermost loop is as long as possible; a unit-stride
 * innermost axis becomes one block copy (typed-array set/subarray) per run, a zero stride
 * (broadcast) becomes a fill, and other strides walk element by element, in cache-sized tiles
 * when the copy transposes. Offsets advance incrementally, odometer-style, so no index is
 * ever divided. Where source and output are 4-byte words in the WebAssembly heap (a run's
 * arena), a batched matrix transpose (NCHW <-> NHWC), rows of contiguous runs and an
 * element-by-element walk of rank 3 or less run in the NHWC module instead
 * (wasm/assembly/nhwc-transpose.ts, nhwc-gather.ts).
 */
import type { DenseTensor } from '../../tensor/dense-tensor.js';
import { slotsPerElement, type TensorStorage } from '../../tensor/element-type.js';
import { sizeOf, stridesOf, type Shape } from '../../tensor/shape.js';
import { allocateOutput, type KernelContext } from '../kernel.js';
import { copyWords, wordsOf, type WordStorage } from '../support/block-copy.js';
import { wasmCopyRuns32, wasmGather32, wasmTranspose32 } from '../../backends/wasm/nhwc-wasm.js';

/** Where each output element comes from: source offset of element 0 and a stride per output axis. */
export interface StridedView {
  readonly dims: Shape;
  /** Source element strides per output axis: 0 repeats (broadcast), negative walks backwards. */
  readonly strides: readonly number[];
  readonly offset: number;
}

/**
 * A view's axes with size-1 axes dropped and mergeable neighbours merged; complex slots appended.
 * Index loops without per-axis pairs: every small Transpose, Slice and Split comes through here,
 * often before V8 has optimized it, where each iterator and pair costs.
 */
function simplify(view: StridedView, slots: number): { dims: number[]; strides: number[] } {
  const dims: number[] = [];
  const strides: number[] = [];
  const rank = view.dims.length;
  for (let i = 0; i < rank; i++) appendAxis(dims, strides, view.dims[i], view.strides[i] * slots);
  if (slots > 1) appendAxis(dims, strides, slots, 1);
  return { dims, strides };
}

function appendAxis(dims: number[], strides: number[], d: number, s: number): void {
  if (d === 1) return;
  const last = dims.length - 1;
  // Axis i folds into i-1 when stepping i-1 once equals stepping i across its whole length.
  if (last >= 0 && strides[last] === s * d) {
    dims[last] *= d;
    strides[last] = s;
  } else {
    dims.push(d);
    strides.push(s);
  }
}

/** A new tensor of `view.dims` (from the run's arena where `context` has one) holding source elements picked by the view. */
export function gatherStrided(source: DenseTensor, view: StridedView, context?: KernelContext): DenseTensor {
  const result = allocateOutput(context, source.type, view.dims);
  if (result.data.length > 0) copyStrided(source.data, view, slotsPerElement(source.type), result.data);
  return result;
}

/** Copies in words (see block-copy.ts): `slots` words per element, counting an 8-byte slot as two. */
function copyStrided(source: TensorStorage, view: StridedView, elementSlots: number, target: TensorStorage): void {
  const { data: src, width } = wordsOf(source);
  const out = wordsOf(target).data;
  const slots = elementSlots * width;
  const { dims, strides } = simplify(view, slots);
  const base = view.offset * slots;
  if (dims.length === 0) {
    copyWords(src, base, out, 0, 1);
    return;
  }
  const innerStride = strides[dims.length - 1];
  const contiguousAxis = strides.indexOf(1);
  const walks = innerStride !== 0 && innerStride !== 1;
  // 4-byte words in the heap: the WebAssembly transpose or gather where one applies.
  const words = slots === 1 && src instanceof Int32Array && out instanceof Int32Array;
  if (words && (transposeWords(src, dims, strides, base, out) || runsOfWords(src, dims, strides, base, out))) return;
  if (walks && contiguousAxis >= 0) copyTiled(src, dims, strides, base, contiguousAxis, out);
  else if (!(words && walks && wasmGather32(src, base, out, dims, strides))) copyRows(src, dims, strides, base, out);
}

/**
 * A copy that transposes matrices of 4-byte words (a simplified view [batches?, cols, rows] with
 * strides [rows * cols, 1, cols]: NCHW <-> NHWC, a batched matrix transpose) by the
 * WebAssembly transpose; false where the view is another kind or the module cannot run it.
 */
function transposeWords(src: Int32Array, dims: readonly number[], strides: readonly number[], base: number, out: Int32Array): boolean {
  if (dims.length < 2 || dims.length > 3) return false;
  const [cols, rows] = dims.slice(-2);
  if (strides[dims.length - 2] !== 1 || strides[dims.length - 1] !== cols) return false;
  if (dims.length === 3 && strides[0] !== rows * cols) return false;
  return wasmTranspose32(src, base, out, dims.length === 3 ? dims[0] : 1, rows, cols);
}

/** Rows of 4-byte words, each a contiguous run (a Slice stepping over rows), in one WebAssembly call; false where the view is another kind. */
function runsOfWords(src: Int32Array, dims: readonly number[], strides: readonly number[], base: number, out: Int32Array): boolean {
  if (dims.length !== 2 || strides[1] !== 1 || strides[0] < 0) return false;
  return wasmCopyRuns32(src, base, strides[0], out, 0, dims[1], dims[0], dims[1]);
}

/** Row by row: each innermost run is a block copy, a fill or a strided walk. */
function copyRows(src: WordStorage, dims: readonly number[], strides: readonly number[], base: number, out: WordStorage): void {
  const rank = dims.length;
  const inner = dims[rank - 1];
  const innerStride = strides[rank - 1];
  const input = src as Int32Array;
  const output = out as Int32Array;
  const counter = new Array<number>(rank - 1).fill(0);
  let from = base;
  for (let to = 0; to < out.length; to += inner) {
    if (innerStride === 1) copyWords(src, from, out, to, inner);
    else if (innerStride === 0 && !Array.isArray(out)) output.fill(input[from], to, to + inner);
    else for (let i = 0, s = from; i < inner; i++, s += innerStride) output[to + i] = input[s];
    for (let axis = rank - 2; axis >= 0; axis--) {
      from += strides[axis];
      if (++counter[axis] < dims[axis]) break;
      from -= strides[axis] * dims[axis];
      counter[axis] = 0;
    }
  }
}

/** Side of the square tiles a transposing copy works through; 32 x 32 floats stay in L1. */
const TILE = 32;

/**
 * A transposing copy: the source's contiguous axis is not the output's innermost one, so
 * row-by-row reading would touch a new cache line per element. Working in TILE x TILE tiles
 * of (contiguous axis, innermost axis) reuses each line loaded for the whole tile.
 */
function copyTiled(src: WordStorage, dims: readonly number[], strides: readonly number[], base: number, rowAxis: number, out: WordStorage): void {
  const rank = dims.length;
  const input = src as Int32Array;
  const output = out as Int32Array;
  const outStrides = stridesOf(dims);
  const rows = dims[rowAxis];
  const rowStep = outStrides[rowAxis];
  const cols = dims[rank - 1];
  const colStep = strides[rank - 1];
  const outer = dims.map((_, axis) => axis).filter((axis) => axis !== rowAxis && axis !== rank - 1);
  const counter = new Array<number>(outer.length).fill(0);
  let from = base;
  let to = 0;
  for (let plane = sizeOf(outer.map((axis) => dims[axis])); plane > 0; plane--) {
    for (let r0 = 0; r0 < rows; r0 += TILE) {
      const r1 = Math.min(r0 + TILE, rows);
      for (let c0 = 0; c0 < cols; c0 += TILE) {
        const c1 = Math.min(c0 + TILE, cols);
        let r = r0;
        // Four rows at a time: each source step reads four neighbouring words, one cache line.
        for (; r + 4 <= r1; r += 4) {
          let t0 = to + r * rowStep + c0;
          let t1 = t0 + rowStep;
          let t2 = t1 + rowStep;
          let t3 = t2 + rowStep;
          for (let c = c0, s = from + r + c0 * colStep; c < c1; c++, s += colStep) {
            output[t0++] = input[s];
            output[t1++] = input[s + 1];
            output[t2++] = input[s + 2];
            output[t3++] = input[s + 3];
          }
        }
        for (; r < r1; r++) {
          let t = to + r * rowStep + c0;
          for (let c = c0, s = from + r + c0 * colStep; c < c1; c++, s += colStep) output[t++] = input[s];
        }
      }
    }
    for (let k = outer.length - 1; k >= 0; k--) {
      const axis = outer[k];
      from += strides[axis];
      to += outStrides[axis];
      if (++counter[k] < dims[axis]) break;
      from -= strides[axis] * dims[axis];
      to -= outStrides[axis] * dims[axis];
      counter[k] = 0;
    }
  }
}
