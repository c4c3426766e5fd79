/**
 * The generator ops (the windows, MelWeightMatrix) compute in double precision and emit the
 * numeric type their output_datatype attribute names. Integer outputs take the value truncated
 * toward zero, as a C++ cast (and numpy's astype) would.
 */
import { KernelInputError } from '../../errors/errors.js';
import { DenseTensor } from '../../tensor/dense-tensor.js';
import { allocateStorage, dataTypeFromOnnx, FLOAT_TYPES, isBigIntType, NUMERIC_TYPES, type DataType } from '../../tensor/element-type.js';
import type { Shape } from '../../tensor/shape.js';
import type { AttributeReader } from '../attributes.js';
import { computeBuffer, tensorFromCompute, type BigIntArray, type NumberArray } from '../support/numeric.js';

/** The output_datatype attribute (a TensorProto code, default 1 = float) as a numeric type. */
export function outputDatatype(attrs: AttributeReader): DataType {
  const code = attrs.int('output_datatype', 1);
  const type = dataTypeFromOnnx(code);
  if (type === undefined || !NUMERIC_TYPES.includes(type)) {
    throw new KernelInputError(`attribute 'output_datatype' must name a numeric type, got ${code}${type ? ` (${type})` : ''}`);
  }
  return type;
}

export function tensorOfValues(type: DataType, dims: Shape, values: Float64Array): DenseTensor {
  if (FLOAT_TYPES.includes(type)) {
    const out = computeBuffer(type, values.length) as NumberArray;
    out.set(values);
    return tensorFromCompute(type, dims, out);
  }
  const storage = allocateStorage(type, values.length);
  if (isBigIntType(type)) {
    const big = storage as BigIntArray;
    for (let i = 0; i < values.length; i++) big[i] = BigInt(Math.trunc(values[i]));
  } else {
    const ints = storage as NumberArray;
    for (let i = 0; i < values.length; i++) ints[i] = Math.trunc(values[i]);
  }
  return new DenseTensor(type, dims, storage);
}
