/**
 * One keys_* or values_* attribute of LabelEncoder as typed scalars: list attributes give
 * strings, int64 (as bigint, like int64 tensor elements) or float32, a tensor attribute its own
 * type. Keys must compare equal to tensor elements, so each is stored as its tensor would hold it.
 */
import { KernelInputError } from '../../errors/errors.js';
import type { DataType } from '../../tensor/element-type.js';
import type { AttributeReader } from '../attributes.js';

export interface LabelColumn {
  readonly type: DataType;
  readonly values: readonly (string | number | bigint)[];
}

const TENSOR_TYPES: readonly DataType[] = ['string', 'int64', 'int32', 'int16', 'float32', 'float64'];

export function labelColumn(attrs: AttributeReader, name: string): LabelColumn | undefined {
  if (name.endsWith('_tensor')) {
    const tensor = attrs.tensor(name);
    if (!tensor) return undefined;
    if (!TENSOR_TYPES.includes(tensor.type) || tensor.rank > 1) throw new KernelInputError(`${name} must be a 1-D tensor of ${TENSOR_TYPES.join(', ')}, got ${tensor.describe()}`);
    return { type: tensor.type, values: Array.from(tensor.data as unknown as ArrayLike<string | number | bigint>) };
  }
  if (name.endsWith('_strings')) {
    const values = attrs.strings(name);
    return values && { type: 'string', values };
  }
  if (name.endsWith('_int64s')) {
    const values = attrs.ints(name);
    return values && { type: 'int64', values: values.map((v) => BigInt(v)) };
  }
  const values = attrs.floats(name);
  return values && { type: 'float32', values: values.map(Math.fround) };
}
