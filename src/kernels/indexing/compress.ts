/**
 * Compress: the slices along an axis (or the elements of the flattened input when no axis is
 * given) whose condition entry is true. A condition shorter than the axis drops the rest.
 */
import { KernelInputError } from '../../errors/errors.js';
import { DenseTensor } from '../../tensor/dense-tensor.js';
import { ALL_TENSOR_TYPES, allocateStorage, slotsPerElement } from '../../tensor/element-type.js';
import { formatShape, sizeOf } from '../../tensor/shape.js';
import { kernel } from '../kernel.js';
import { normalizeAxis, tensorInput } from '../support/inputs.js';
import { axisLayout, withAxisSize } from './axis-layout.js';
import { copyBlock } from '../support/block-copy.js';

export const compress = kernel<{ axis: number | undefined }>({
  domain: '',
  opType: 'Compress',
  sinceVersion: 9,
  typeConstraints: [{ input: 0, types: ALL_TENSOR_TYPES }, { input: 1, types: ['bool'] }],
  parseAttributes: (attrs) => ({ axis: attrs.int('axis') }),
  run(inputs, attrs) {
    const input = tensorInput(inputs, 0, 'input');
    const condition = tensorInput(inputs, 1, 'condition');
    if (condition.rank !== 1) throw new KernelInputError(`condition must be 1-d, got shape ${formatShape(condition.dims)}`);
    const x = attrs.axis === undefined ? input.reshaped([input.size]) : input;
    if (x.rank === 0) throw new KernelInputError('input must have rank >= 1 when an axis is given, got a scalar');
    const axis = attrs.axis === undefined ? 0 : normalizeAxis(attrs.axis, x.rank);
    const { outer, size, inner } = axisLayout(x.dims, axis);
    const flags = condition.data as Uint8Array;
    const kept: number[] = [];
    for (let j = 0; j < flags.length; j++) {
      if (!flags[j]) continue;
      if (j >= size) throw new KernelInputError(`condition selects entry ${j}, beyond the ${size} entries of axis ${axis}`);
      kept.push(j);
    }
    const dims = withAxisSize(x.dims, axis, kept.length);
    const out = allocateStorage(x.type, sizeOf(dims));
    const block = inner * slotsPerElement(x.type);
    let dst = 0;
    for (let o = 0; o < outer; o++) {
      for (const j of kept) {
        copyBlock(x.data, (o * size + j) * block, out, dst, block);
        dst += block;
      }
    }
    return [new DenseTensor(x.type, dims, out)];
  },
});
