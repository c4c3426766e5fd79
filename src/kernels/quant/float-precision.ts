/**
 * Rounding a double to the precision of a float type, so arithmetic done in doubles gives what
 * the same operation done in that type gives: one operation on two values of a binary format
 * with p bits, computed in double (53 >= 2p + 2) and rounded once, is correctly rounded.
 */
import { KernelInputError } from '../../errors/errors.js';
import { dataTypeFromOnnx, FLOAT_TYPES, type DataType } from '../../tensor/element-type.js';
import { bfloat16BitsToNumber, numberToBfloat16Bits } from '../../tensor/numeric/bfloat16.js';
import { float16BitsToNumber, numberToFloat16Bits } from '../../tensor/numeric/float16.js';

export type Rounding = (value: number) => number;

const identity: Rounding = (value) => value;
const toFloat16: Rounding = (value) => float16BitsToNumber(numberToFloat16Bits(value));
const toBfloat16: Rounding = (value) => bfloat16BitsToNumber(numberToBfloat16Bits(value));

export function roundingOf(type: DataType): Rounding {
  switch (type) {
    case 'float32': return Math.fround;
    case 'float16': return toFloat16;
    case 'bfloat16': return toBfloat16;
    default: return identity;
  }
}

/** A float type named by an attribute holding a TensorProto code (0 = absent). */
export function floatTypeAttribute(code: number, name: string): DataType | undefined {
  if (code === 0) return undefined;
  const type = dataTypeFromOnnx(code);
  if (type === undefined || !FLOAT_TYPES.includes(type)) {
    throw new KernelInputError(`attribute '${name}' must name a float type (${FLOAT_TYPES.join(', ')}), got element type code ${code}`);
  }
  return type;
}
