/**
 * ReverseSequence: for each batch entry, the first sequence_lens[b] steps along the time axis in
 * reverse order, the remaining steps as they were. Batch and time are axes 0 and 1 in some order.
 */
import { KernelInputError } from '../../errors/errors.js';
import { DenseTensor } from '../../tensor/dense-tensor.js';
import { ALL_TENSOR_TYPES, allocateStorage, slotsPerElement } from '../../tensor/element-type.js';
import { formatShape, sizeOf } from '../../tensor/shape.js';
import { kernel } from '../kernel.js';
import { integersOf, tensorInput } from '../support/inputs.js';
import { copyBlock } from '../support/block-copy.js';

export const reverseSequence = kernel<{ batchAxis: number; timeAxis: number }>({
  domain: '',
  opType: 'ReverseSequence',
  sinceVersion: 10,
  typeConstraints: [{ input: 0, types: ALL_TENSOR_TYPES }, { input: 1, types: ['int64', 'int32'] }],
  parseAttributes: (attrs) => {
    const batchAxis = attrs.int('batch_axis', 1);
    const timeAxis = attrs.int('time_axis', 0);
    if (!((batchAxis === 0 && timeAxis === 1) || (batchAxis === 1 && timeAxis === 0))) {
      throw new KernelInputError(`attributes batch_axis and time_axis must be 0 and 1 in some order, got ${batchAxis} and ${timeAxis}`);
    }
    return { batchAxis, timeAxis };
  },
  run(inputs, { batchAxis, timeAxis }) {
    const x = tensorInput(inputs, 0, 'input');
    if (x.rank < 2) throw new KernelInputError(`input must have rank >= 2, got shape ${formatShape(x.dims)}`);
    const batch = x.dims[batchAxis];
    const time = x.dims[timeAxis];
    const lengths = integersOf(tensorInput(inputs, 1, 'sequence_lens'), 'sequence_lens');
    if (lengths.length !== batch) throw new KernelInputError(`sequence_lens must hold ${batch} values (the batch size), got ${lengths.length}`);
    for (const length of lengths) {
      if (length < 0 || length > time) throw new KernelInputError(`sequence_lens value ${length} is outside 0..${time} (the time axis size)`);
    }
    const block = sizeOf(x.dims.slice(2)) * slotsPerElement(x.type);
    // Flat block position of (b, t) in the [axis 0, axis 1] grid.
    const blockAt = batchAxis === 0 ? (b: number, t: number) => b * time + t : (b: number, t: number) => t * batch + b;
    const out = allocateStorage(x.type, x.size);
    for (let b = 0; b < batch; b++) {
      for (let t = 0; t < time; t++) {
        const from = t < lengths[b] ? lengths[b] - 1 - t : t;
        copyBlock(x.data, blockAt(b, from) * block, out, blockAt(b, t) * block, block);
      }
    }
    return [new DenseTensor(x.type, x.dims, out)];
  },
});
