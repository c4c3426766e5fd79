/**
 * "All tensor types" as the resampling ops' specs list them: every type but the 8-bit and
 * sub-byte floats and integers, with bfloat16 joining at each op's later versions.
 */
import type { DataType } from '../../tensor/element-type.js';

export const STANDARD_TYPES: readonly DataType[] = [
  'uint8', 'uint16', 'uint32', 'uint64', 'int8', 'int16', 'int32', 'int64',
  'float16', 'float32', 'float64', 'string', 'bool', 'complex64', 'complex128',
];

export const STANDARD_TYPES_WITH_BFLOAT16: readonly DataType[] = [...STANDARD_TYPES, 'bfloat16'];
