/**
 * Where: condition ? X : Y with broadcasting over all three. It only moves elements, so it
 * copies storage as it is: every element type works (strings, encoded floats, complex pairs).
 * The three inputs are walked by strides over the broadcast shape with its size-1 dims dropped
 * and the dims all three walk alike merged, so a mask against a scalar is one flat loop and no
 * per-element index arrays are built.
 */
import { DenseTensor } from '../../tensor/dense-tensor.js';
import { ALL_TENSOR_TYPES, slotsPerElement } from '../../tensor/element-type.js';
import { sizeOf, type Shape } from '../../tensor/shape.js';
import { allocateOutput, kernel, type KernelContext, type KernelDefinition } from '../kernel.js';
import { wordsOf } from '../support/block-copy.js';
import { alignedStrides, broadcastShapes } from '../support/broadcast.js';
import { requireSameType, tensorInput } from '../support/inputs.js';

/**
 * The broadcast shape as merged dims, outermost first, and each input's element stride along
 * them (0 where it repeats). The innermost dim is `block`, along which every stride is 0 or 1.
 */
interface MergedWalk {
  readonly outer: number[];
  readonly strides: number[][];
  readonly block: number;
  readonly steps: number[];
}

function mergedWalk(shapes: readonly Shape[], dims: readonly number[]): MergedWalk {
  const all = shapes.map((shape) => alignedStrides(shape, dims));
  const outer: number[] = [];
  const strides: number[][] = shapes.map(() => []);
  for (let d = 0; d < dims.length; d++) {
    if (dims[d] === 1) continue;
    const last = outer.length - 1;
    // Merging keeps every input's walk when its outer stride is its inner one times the inner extent.
    if (last >= 0 && all.every((s, i) => strides[i][last] === s[d] * dims[d])) {
      outer[last] *= dims[d];
      all.forEach((s, i) => (strides[i][last] = s[d]));
    } else {
      outer.push(dims[d]);
      all.forEach((s, i) => strides[i].push(s[d]));
    }
  }
  const block = outer.pop() ?? 1;
  const steps = strides.map((s) => ((s.pop() ?? 1) === 0 ? 0 : 1));
  return { outer, strides, block, steps };
}

function where(condition: DenseTensor, x: DenseTensor, y: DenseTensor, context: KernelContext | undefined): DenseTensor {
  const type = requireSameType(x, y, 'X and Y');
  const dims = broadcastShapes(condition.dims, x.dims, y.dims);
  const size = sizeOf(dims);
  const output = allocateOutput(context, type, dims);
  if (size === 0) return output;
  const { outer, strides, block, steps } = mergedWalk([condition.dims, x.dims, y.dims], dims);
  const [cStrides, xStrides, yStrides] = strides;
  const [cStep, xStep, yStep] = steps;
  const c = condition.data as Uint8Array;
  // Word views (block-copy.ts) keep the element accesses below from going megamorphic.
  const { data: xWords, width } = wordsOf(x.data);
  const xs = xWords as Int32Array;
  const ys = wordsOf(y.data).data as Int32Array;
  const o = wordsOf(output.data).data as Int32Array;
  const slots = slotsPerElement(type) * width;
  const counter = new Array<number>(outer.length).fill(0);
  let ci = 0;
  let xi = 0;
  let yi = 0;
  for (let at = 0; at < size; at += block) {
    if (slots === 1) {
      for (let j = 0; j < block; j++) o[at + j] = c[ci + j * cStep] ? xs[xi + j * xStep] : ys[yi + j * yStep];
    } else {
      // 8-byte elements are word pairs; complex elements (real, imaginary) pairs of slots.
      for (let j = 0; j < block; j++) {
        const pick = c[ci + j * cStep];
        const from = pick ? xs : ys;
        const element = pick ? xi + j * xStep : yi + j * yStep;
        for (let s = 0; s < slots; s++) o[(at + j) * slots + s] = from[element * slots + s];
      }
    }
    for (let d = outer.length - 1; d >= 0; d--) {
      ci += cStrides[d];
      xi += xStrides[d];
      yi += yStrides[d];
      if (++counter[d] < outer[d]) break;
      ci -= cStrides[d] * outer[d];
      xi -= xStrides[d] * outer[d];
      yi -= yStrides[d] * outer[d];
      counter[d] = 0;
    }
  }
  return output;
}

export const whereKernels: KernelDefinition[] = [
  kernel({
    domain: '',
    opType: 'Where',
    sinceVersion: 9,
    typeConstraints: [{ input: 0, types: ['bool'] }, { input: 1, types: ALL_TENSOR_TYPES }, { input: 2, types: ALL_TENSOR_TYPES }],
    run: (inputs, _attributes, context) => [
      where(tensorInput(inputs, 0, 'condition'), tensorInput(inputs, 1, 'X'), tensorInput(inputs, 2, 'Y'), context),
    ],
  }),
];
