/**
 * Element conversion between any two tensor types, as the Cast operator defines it:
 * float -> integer truncates toward zero and integer -> narrower integer keeps the low bits
 * (two's complement wrap-around, sub-byte types included); anything -> bool is "nonzero";
 * float16 / bfloat16 round to nearest even; float8 / float4 / e8m0 follow minifloat.ts with
 * the `saturate` and `round_mode` attributes. Non-finite floats become 0 in integer types
 * (the spec leaves them undefined). Strings parse and format as string-conversion.ts says.
 */
import { KernelInputError } from '../../errors/errors.js';
import { DenseTensor } from '../../tensor/dense-tensor.js';
import { allocateStorage, isBigIntType, isEncodedFloatType, type DataType, type TensorStorage } from '../../tensor/element-type.js';
import { numberToBfloat16Bits } from '../../tensor/numeric/bfloat16.js';
import { numberToFloat16Bits } from '../../tensor/numeric/float16.js';
import { encodeMinifloat, type E8M0Rounding, type MinifloatType } from '../../tensor/numeric/minifloat.js';
import { computesAsFloat } from '../support/elementwise.js';
import { computeValues, isBigIntArray, type ComputeArray, type NumberArray } from '../support/numeric.js';
import { formatFloat, parseFloatString, parseIntegerString } from './string-conversion.js';

export interface CastOptions {
  /** Float8 targets: clamp out-of-range values to the largest finite value instead of NaN/inf. */
  readonly saturate: boolean;
  /** e8m0 target: how to round to a power of two. */
  readonly roundMode: E8M0Rounding;
}

export const DEFAULT_CAST_OPTIONS: CastOptions = { saturate: true, roundMode: 'up' };

/** Targets whose storage takes numbers with the usual typed-array conversion (truncate, wrap). */
const TYPED_ARRAY_TARGETS: readonly DataType[] = ['float32', 'float64', 'int8', 'int16', 'int32', 'uint8', 'uint16', 'uint32'];
/** Integer targets that read only the low 32 bits of a value. */
const NARROW_INT_TARGETS: readonly DataType[] = ['int8', 'int16', 'int32', 'uint8', 'uint16', 'uint32', 'int4', 'uint4', 'int2', 'uint2'];
const SUB_BYTE_BITS: Partial<Record<DataType, { bits: number; signed: boolean }>> = {
  int4: { bits: 4, signed: true },
  uint4: { bits: 4, signed: false },
  int2: { bits: 2, signed: true },
  uint2: { bits: 2, signed: false },
};

function rejectComplex(type: DataType, role: string): void {
  if (type === 'complex64' || type === 'complex128') throw new KernelInputError(`Cast ${role} ${type} is not supported`);
}

/** Numbers in the storage of `to`; `values` holds JavaScript numbers (any float, any integer). */
function storeNumbers(to: DataType, values: NumberArray | Float64Array, options: CastOptions): TensorStorage {
  const n = values.length;
  if (TYPED_ARRAY_TARGETS.includes(to)) {
    const out = allocateStorage(to, n) as NumberArray;
    out.set(values);
    return out;
  }
  if (isBigIntType(to)) {
    const out = allocateStorage(to, n) as BigInt64Array | BigUint64Array;
    for (let i = 0; i < n; i++) {
      const v = values[i];
      out[i] = Number.isFinite(v) ? BigInt(Math.trunc(v)) : 0n;
    }
    return out;
  }
  const out = allocateStorage(to, n) as NumberArray;
  const subByte = SUB_BYTE_BITS[to];
  if (subByte) {
    // `| 0` truncates and keeps the low 32 bits; the shifts keep the low `bits`, sign-extended.
    const shift = 32 - subByte.bits;
    for (let i = 0; i < n; i++) out[i] = subByte.signed ? ((values[i] | 0) << shift) >> shift : ((values[i] | 0) << shift) >>> shift;
  } else if (to === 'bool') {
    for (let i = 0; i < n; i++) out[i] = values[i] !== 0 ? 1 : 0;
  } else if (to === 'float16') {
    for (let i = 0; i < n; i++) out[i] = numberToFloat16Bits(values[i]);
  } else if (to === 'bfloat16') {
    for (let i = 0; i < n; i++) out[i] = numberToBfloat16Bits(values[i]);
  } else if (isEncodedFloatType(to)) {
    for (let i = 0; i < n; i++) out[i] = encodeMinifloat(to as MinifloatType, values[i], options.saturate, options.roundMode);
  } else {
    throw new KernelInputError(`Cast to ${to} is not supported`);
  }
  return out;
}

function storeValues(to: DataType, values: ComputeArray, options: CastOptions): TensorStorage {
  if (!isBigIntArray(values)) return storeNumbers(to, values, options);
  if (isBigIntType(to)) {
    const out = allocateStorage(to, values.length) as BigInt64Array | BigUint64Array;
    out.set(values);
    return out;
  }
  // Narrow integer targets only see the low bits; asIntN keeps them exact past 2^53.
  const narrow = NARROW_INT_TARGETS.includes(to);
  const numbers = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) numbers[i] = narrow ? Number(BigInt.asIntN(32, values[i])) : Number(values[i]);
  return storeNumbers(to, numbers, options);
}

function parseStrings(strings: readonly string[], to: DataType): ComputeArray {
  if (computesAsFloat(to)) return Float64Array.from(strings, parseFloatString);
  const out = new BigInt64Array(strings.length);
  for (let i = 0; i < strings.length; i++) out[i] = BigInt.asIntN(64, parseIntegerString(strings[i]));
  return out;
}

function formatStrings(x: DenseTensor): string[] {
  if (x.type === 'string') return [...(x.data as string[])];
  const values = computeValues(x);
  const format: (v: number | bigint) => string = computesAsFloat(x.type) ? (v) => formatFloat(v as number) : String;
  return Array.from(values as ArrayLike<number | bigint>, format);
}

/** `x` converted to `to`; the input itself when the types already agree. */
export function castTensor(x: DenseTensor, to: DataType, options: CastOptions = DEFAULT_CAST_OPTIONS): DenseTensor {
  if (x.type === to) return x;
  rejectComplex(x.type, 'from');
  rejectComplex(to, 'to');
  if (to === 'string') return new DenseTensor(to, x.dims, formatStrings(x));
  const values = x.type === 'string' ? parseStrings(x.data as string[], to) : computeValues(x);
  return new DenseTensor(to, x.dims, storeValues(to, values, options));
}
