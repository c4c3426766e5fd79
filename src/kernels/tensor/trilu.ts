/**
 * Trilu keeps the upper (j >= i + k) or lower (j <= i + k) triangle of each trailing matrix
 * and zeroes the rest. The kept part of each row is contiguous, so it is one block copy.
 */
import { KernelInputError } from '../../errors/errors.js';
import { DenseTensor } from '../../tensor/dense-tensor.js';
import { ALL_TENSOR_TYPES, allocateStorage, slotsPerElement } from '../../tensor/element-type.js';
import { sizeOf } from '../../tensor/shape.js';
import { kernel } from '../kernel.js';
import { optionalTensorInput, scalarOf, tensorInput } from '../support/inputs.js';
import { copyBlock } from '../support/block-copy.js';

export const triluKernel = kernel<boolean>({
  domain: '',
  opType: 'Trilu',
  sinceVersion: 14,
  typeConstraints: [{ input: 0, types: ALL_TENSOR_TYPES }, { input: 1, types: ['int64'] }],
  parseAttributes: (attrs) => attrs.int('upper', 1) !== 0,
  run(inputs, upper) {
    const input = tensorInput(inputs, 0, 'input');
    if (input.rank < 2) throw new KernelInputError(`input must have rank 2 or more, got ${input.describe()}`);
    const kTensor = optionalTensorInput(inputs, 1, 'k');
    const k = kTensor ? scalarOf(kTensor, 'k') : 0;
    const rows = input.dims[input.rank - 2];
    const cols = input.dims[input.rank - 1];
    const totalRows = sizeOf(input.dims.slice(0, -1));
    const slots = slotsPerElement(input.type);
    const out = allocateStorage(input.type, input.size);
    // `row` counts rows across all matrices, `i` is the row index within the current matrix.
    for (let row = 0, i = 0; row < totalRows; row++, i = i + 1 === rows ? 0 : i + 1) {
      // Columns kept in this row, clamped to the matrix (a k beyond it keeps all or nothing).
      const from = upper ? Math.min(Math.max(i + k, 0), cols) : 0;
      const to = upper ? cols : Math.min(Math.max(i + k + 1, 0), cols);
      if (to > from) copyBlock(input.data, (row * cols + from) * slots, out, (row * cols + from) * slots, (to - from) * slots);
    }
    return [new DenseTensor(input.type, input.dims, out)];
  },
});
