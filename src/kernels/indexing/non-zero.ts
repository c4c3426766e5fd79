/**
 * NonZero: the coordinates of the non-zero elements, as int64 [rank, count] in row-major order.
 * A scalar gives shape [0, count] (unlike numpy), per the spec.
 */
import { DenseTensor } from '../../tensor/dense-tensor.js';
import { ALL_TENSOR_TYPES, slotsPerElement } from '../../tensor/element-type.js';
import { stridesOf } from '../../tensor/shape.js';
import { kernel } from '../kernel.js';
import { tensorInput } from '../support/inputs.js';
import { computeValues } from '../support/numeric.js';

/** Flat positions of the non-zero elements; decoding first makes -0.0 in any float format zero. */
function nonZeroPositions(x: DenseTensor): number[] {
  const positions: number[] = [];
  if (x.type === 'string') {
    const data = x.data as string[];
    for (let i = 0; i < data.length; i++) if (data[i] !== '') positions.push(i);
    return positions;
  }
  const values = computeValues(x);
  const slots = slotsPerElement(x.type);
  for (let i = 0; i < x.size; i++) {
    for (let k = 0; k < slots; k++) {
      const v = values[i * slots + k];
      if (typeof v === 'bigint' ? v !== 0n : v !== 0) {
        positions.push(i);
        break;
      }
    }
  }
  return positions;
}

export const nonZero = kernel({
  domain: '',
  opType: 'NonZero',
  sinceVersion: 9,
  typeConstraints: [{ input: 0, types: ALL_TENSOR_TYPES }],
  run(inputs) {
    const x = tensorInput(inputs, 0, 'X');
    const positions = nonZeroPositions(x);
    const rank = x.rank;
    const count = positions.length;
    const strides = stridesOf(x.dims);
    const out = new BigInt64Array(rank * count);
    for (let j = 0; j < count; j++) {
      let rest = positions[j];
      for (let d = 0; d < rank; d++) {
        const c = Math.floor(rest / strides[d]);
        rest -= c * strides[d];
        out[d * count + j] = BigInt(c);
      }
    }
    return [new DenseTensor('int64', [rank, count], out)];
  },
});
