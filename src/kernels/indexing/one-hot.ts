/**
 * OneHot: a new axis of size `depth` holding on_value where it matches the index and off_value
 * elsewhere. Indices outside the valid range give all off_value; opset 11 made negative indices
 * count from the end (opset 9-10 treat them as out of range).
 */
import { KernelInputError } from '../../errors/errors.js';
import { DenseTensor } from '../../tensor/dense-tensor.js';
import { ALL_TENSOR_TYPES, allocateStorage, NUMERIC_TYPES, slotsPerElement } from '../../tensor/element-type.js';
import { sizeOf } from '../../tensor/shape.js';
import { kernel, type KernelDefinition } from '../kernel.js';
import { normalizeAxis, tensorInput } from '../support/inputs.js';
import { computeValues } from '../support/numeric.js';
import { fillElements, takeElements } from './element-copy.js';
import { checkedDims } from '../support/shape-input.js';
import { copyBlock } from '../support/block-copy.js';

function depthOf(tensor: DenseTensor): number {
  if (tensor.size !== 1) throw new KernelInputError(`depth must hold one value, got shape [${tensor.dims.join(',')}]`);
  const depth = Math.trunc(Number(computeValues(tensor)[0]));
  if (!(depth > 0)) throw new KernelInputError(`depth must be positive, got ${depth}`);
  return depth;
}

function oneHot(sinceVersion: number, untilVersion: number | undefined, negativeFromEnd: boolean): KernelDefinition {
  return kernel<{ axis: number }>({
    domain: '',
    opType: 'OneHot',
    sinceVersion,
    untilVersion,
    typeConstraints: [
      { input: 0, types: NUMERIC_TYPES },
      { input: 1, types: NUMERIC_TYPES },
      { input: 2, types: ALL_TENSOR_TYPES },
    ],
    parseAttributes: (attrs) => ({ axis: attrs.int('axis', -1) }),
    run(inputs, attrs) {
      const indices = tensorInput(inputs, 0, 'indices');
      const depth = depthOf(tensorInput(inputs, 1, 'depth'));
      const values = tensorInput(inputs, 2, 'values');
      if (values.size !== 2) throw new KernelInputError(`values must hold [off_value, on_value], got shape [${values.dims.join(',')}]`);
      const axis = normalizeAxis(attrs.axis, indices.rank + 1);
      const dims = [...indices.dims.slice(0, axis), depth, ...indices.dims.slice(axis)];
      checkedDims(dims, 'the one-hot output');
      const type = values.type;
      const slots = slotsPerElement(type);
      const out = allocateStorage(type, sizeOf(dims));
      fillElements(out, 0, sizeOf(dims), takeElements(type, values.data, [0]));
      const on = takeElements(type, values.data, [1]);
      const inner = sizeOf(indices.dims.slice(axis));
      const positions = computeValues(indices);
      for (let p = 0; p < positions.length; p++) {
        let index = Math.trunc(Number(positions[p]));
        if (index < 0 && negativeFromEnd) index += depth;
        if (!(index >= 0 && index < depth)) continue;
        const o = Math.floor(p / inner);
        const element = (o * depth + index) * inner + (p - o * inner);
        copyBlock(on, 0, out, element * slots, slots);
      }
      return [new DenseTensor(type, dims, out)];
    },
  });
}

export const oneHotKernels: KernelDefinition[] = [oneHot(9, 10, false), oneHot(11, undefined, true)];
