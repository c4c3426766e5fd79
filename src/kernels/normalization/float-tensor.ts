/** Results computed in doubles, stored as a tensor of any float type (encoding as needed). */
import type { DenseTensor } from '../../tensor/dense-tensor.js';
import type { DataType } from '../../tensor/element-type.js';
import type { Shape } from '../../tensor/shape.js';
import { computeBuffer, tensorFromCompute, type NumberArray } from '../support/numeric.js';

export function floatTensor(type: DataType, dims: Shape, values: Float64Array): DenseTensor {
  if (type === 'float64') return tensorFromCompute(type, dims, values);
  const buffer = computeBuffer(type, values.length) as NumberArray;
  buffer.set(values);
  return tensorFromCompute(type, dims, buffer);
}
