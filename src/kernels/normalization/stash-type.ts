/** The `stash_type` attribute of the normalizations: the element type stage one computes in. */
import { KernelInputError } from '../../errors/errors.js';
import { dataTypeFromOnnx, FLOAT_TYPES, type DataType } from '../../tensor/element-type.js';
import type { AttributeReader } from '../attributes.js';

export function stashTypeOf(attrs: AttributeReader): DataType {
  const code = attrs.int('stash_type', 1);
  const type = dataTypeFromOnnx(code);
  if (type === undefined || !FLOAT_TYPES.includes(type)) {
    throw new KernelInputError(`attribute 'stash_type' must name a float type (1 float, 10 float16, 11 double, 16 bfloat16), got ${code}`);
  }
  return type;
}
