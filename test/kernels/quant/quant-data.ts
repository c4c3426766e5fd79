/** Seeded inputs for the quantization tests: float tensors that hit rounding ties, and quantized tensors and parameters. */
import { Tensor } from '../../../src/index.js';
import { DenseTensor } from '../../../src/tensor/dense-tensor.js';
import { allocateStorage, type DataType } from '../../../src/tensor/element-type.js';
import { numberToBfloat16Bits } from '../../../src/tensor/numeric/bfloat16.js';
import { numberToFloat16Bits } from '../../../src/tensor/numeric/float16.js';
import { sizeOf } from '../../../src/tensor/shape.js';
import type { Rng } from '../../support/random.js';

/**
 * Float32 values over about ±`range` quantization steps of `step`; every other one an exact
 * half step, so x / scale lands on .5 and round-half-to-even decides.
 */
export function floatFeed(dims: readonly number[], rng: Rng, step: number, range = 200): Tensor {
  const data = Float32Array.from({ length: sizeOf(dims) }, (_, i) =>
    i % 2 === 0 ? (rng.int(-range, range) + 0.5) * step : rng.uniform(-range, range) * step);
  return new Tensor('float32', data, [...dims]);
}

/** A tensor of `type` holding `values` (float16 and bfloat16 given as numbers, stored as bits). */
export function constant(type: DataType, dims: readonly number[], values: readonly number[]): DenseTensor {
  const data = allocateStorage(type, values.length) as unknown as number[];
  const encode = type === 'float16' ? numberToFloat16Bits : type === 'bfloat16' ? numberToBfloat16Bits : (v: number) => v;
  values.forEach((v, i) => { data[i] = encode(v); });
  return new DenseTensor(type, dims, data as never);
}

/** Random integers of `type` in [min, max]. */
export function integerConstant(type: DataType, dims: readonly number[], rng: Rng, min: number, max: number): DenseTensor {
  return constant(type, dims, Array.from({ length: sizeOf(dims) }, () => rng.int(min, max)));
}

/** Scales that are powers of two (so divisions are exact and ties stay ties) or arbitrary. */
export function scales(count: number, rng: Rng, exact: boolean): number[] {
  return Array.from({ length: count }, () => (exact ? 2 ** rng.int(-4, 1) : Math.fround(rng.uniform(0.01, 0.2))));
}

export const RANGES: Partial<Record<DataType, [number, number]>> = {
  int8: [-128, 127], uint8: [0, 255], int16: [-32768, 32767], uint16: [0, 65535], int4: [-8, 7], uint4: [0, 15], int2: [-2, 1], uint2: [0, 3],
};
