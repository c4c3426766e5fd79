/**
 * Where: condition ? X : Y with broadcasting over all three. It only moves elements, so it
 * copies storage as it is: every element type works (strings, encoded floats, complex pairs).
 */
import { DenseTensor } from '../../tensor/dense-tensor.js';
import { ALL_TENSOR_TYPES, allocateStorage, slotsPerElement } from '../../tensor/element-type.js';
import { sizeOf } from '../../tensor/shape.js';
import { kernel, type KernelDefinition } from '../kernel.js';
import { wordsOf } from '../support/block-copy.js';
import { broadcastIndex, broadcastShapes } from '../support/broadcast.js';
import { requireSameType, tensorInput } from '../support/inputs.js';

function where(condition: DenseTensor, x: DenseTensor, y: DenseTensor): DenseTensor {
  const type = requireSameType(x, y, 'X and Y');
  const dims = broadcastShapes(condition.dims, x.dims, y.dims);
  const size = sizeOf(dims);
  const ic = broadcastIndex(condition.dims, dims);
  const ix = broadcastIndex(x.dims, dims);
  const iy = broadcastIndex(y.dims, dims);
  const c = condition.data as Uint8Array;
  // Word views (block-copy.ts) keep the element accesses below from going megamorphic.
  const { data: xWords, width } = wordsOf(x.data);
  const xs = xWords as Int32Array;
  const ys = wordsOf(y.data).data as Int32Array;
  const out = allocateStorage(type, size);
  const o = wordsOf(out).data as Int32Array;
  const slots = slotsPerElement(type) * width;
  if (slots === 1) {
    for (let i = 0; i < size; i++) o[i] = c[ic ? ic[i] : i] ? xs[ix ? ix[i] : i] : ys[iy ? iy[i] : i];
  } else {
    // Complex elements are (real, imaginary) pairs of slots.
    for (let i = 0; i < size; i++) {
      const pick = c[ic ? ic[i] : i];
      const from = pick ? xs : ys;
      const at = pick ? (ix ? ix[i] : i) : iy ? iy[i] : i;
      for (let s = 0; s < slots; s++) o[i * slots + s] = from[at * slots + s];
    }
  }
  return new DenseTensor(type, dims, out);
}

export const whereKernels: KernelDefinition[] = [
  kernel({
    domain: '',
    opType: 'Where',
    sinceVersion: 9,
    typeConstraints: [{ input: 0, types: ['bool'] }, { input: 1, types: ALL_TENSOR_TYPES }, { input: 2, types: ALL_TENSOR_TYPES }],
    run: (inputs) => [where(tensorInput(inputs, 0, 'condition'), tensorInput(inputs, 1, 'X'), tensorInput(inputs, 2, 'Y'))],
  }),
];
