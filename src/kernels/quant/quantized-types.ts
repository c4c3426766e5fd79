/**
 * The element types quantized tensors use and how a real value becomes one of their codes:
 * integer types round half to even and saturate to their range; the float8/float4 types round
 * to their nearest value with the Cast operator's overflow rule.
 */
import type { DataType } from '../../tensor/element-type.js';
import { encodeMinifloat, type MinifloatType } from '../../tensor/numeric/minifloat.js';

const INTEGER_RANGES: Partial<Record<DataType, readonly [number, number]>> = {
  int8: [-128, 127],
  uint8: [0, 255],
  int16: [-32768, 32767],
  uint16: [0, 65535],
  int4: [-8, 7],
  uint4: [0, 15],
  int2: [-2, 1],
  uint2: [0, 3],
};

export const INT8_TYPES: readonly DataType[] = ['int8', 'uint8'];
export const FLOAT8_QUANT_TYPES: readonly DataType[] = ['float8e4m3fn', 'float8e4m3fnuz', 'float8e5m2', 'float8e5m2fnuz'];

/** [min, max] of an integer quantized type, or undefined for the float ones. */
export function integerRange(type: DataType): readonly [number, number] | undefined {
  return INTEGER_RANGES[type];
}

/**
 * Adding then subtracting 1.5 * 2^52 leaves a double with no fraction bits, so the hardware's
 * round-half-to-even does the rounding; exact for |value| < 2^51, and larger values saturate
 * anyway. This runs once per output element of every quantized op, where Math-based rounding
 * costs several times as much.
 */
const ROUNDING_SHIFT = 6755399441055744;

/** Rounds half to even, adds the zero point and saturates to [min, max]. */
export function saturateRound(value: number, zeroPoint: number, min: number, max: number): number {
  const q = value + ROUNDING_SHIFT - ROUNDING_SHIFT + zeroPoint;
  return q < min ? min : q > max ? max : q;
}

/**
 * The code of `value + zeroPoint` in `type` (value already divided by the scale). NaN has no
 * integer code; as in the ONNX reference it lands on the low end of the range.
 */
export type Quantizer = (value: number, zeroPoint: number) => number;

export function quantizerFor(type: DataType, saturate: boolean): Quantizer {
  const range = integerRange(type);
  if (range) {
    const [min, max] = range;
    return (value, zeroPoint) => (Number.isNaN(value) ? min : saturateRound(value, zeroPoint, min, max));
  }
  const format = type as MinifloatType;
  return (value, zeroPoint) => encodeMinifloat(format, value + zeroPoint, saturate);
}
