/**
 * int32 accumulators to 8-bit codes the way onnxruntime's requantization does it, so results
 * agree code for code: the multiplier (input scale x weight scale / output scale) is a
 * float32, the accumulator is converted to float32 and multiplied in float32, then the
 * product is rounded half to even, shifted by the zero point and saturated.
 */
import { KernelInputError } from '../../errors/errors.js';
import type { DataType } from '../../tensor/element-type.js';
import type { NumberArray } from '../support/numeric.js';
import { integerRange, saturateRound } from './quantized-types.js';

export interface QuantTarget {
  readonly type: DataType;
  readonly zeroPoint: number;
  readonly min: number;
  readonly max: number;
}

export function quantTarget(type: DataType, zeroPoint: number): QuantTarget {
  const range = integerRange(type);
  if (!range) throw new KernelInputError(`the quantized output type must be an integer type, got ${type}`);
  return { type, zeroPoint, min: range[0], max: range[1] };
}

export function requantizeValue(acc: number, multiplier: number, target: QuantTarget): number {
  return saturateRound(Math.fround(Math.fround(acc) * multiplier), target.zeroPoint, target.min, target.max);
}

/** Requantizes acc[start, start + count) into out with one multiplier. */
export function requantizeRun(acc: Int32Array, out: NumberArray, start: number, count: number, multiplier: number, target: QuantTarget): void {
  const { zeroPoint, min, max } = target;
  for (let i = start; i < start + count; i++) out[i] = saturateRound(Math.fround(Math.fround(acc[i]) * multiplier), zeroPoint, min, max);
}

/** Input scale x weight scale / output scale, each step rounded to float32 as onnxruntime computes it. */
export function outputMultiplier(inputScale: number, weightScale: number, outputScale: number): number {
  return Math.fround(Math.fround(inputScale * weightScale) / outputScale);
}
