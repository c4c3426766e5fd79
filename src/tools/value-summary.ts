/** One output (or input) value in a few numbers: type, shape, min/max/mean and its first values. */
import type { Tensor } from '../api/tensor.js';
import { denseFromPublic, type PublicValue } from '../api/value-conversion.js';
import { computeValues } from '../kernels/support/numeric.js';
import type { DataType } from '../tensor/element-type.js';

/** How many leading values a summary shows. */
export const FIRST_VALUES = 5;

export type SummaryScalar = number | bigint | boolean | string;

export interface TensorSummary {
  readonly name: string;
  readonly kind: 'tensor';
  readonly type: DataType;
  readonly shape: readonly number[];
  /** min, max and mean leave NaN out; they are absent for strings, bools and when no value is a number. */
  readonly min?: number;
  readonly max?: number;
  readonly mean?: number;
  /** Present when some values are NaN. */
  readonly nanCount?: number;
  readonly first: readonly SummaryScalar[];
}

export type ValueSummary =
  | TensorSummary
  | { readonly name: string; readonly kind: 'sequence'; readonly length: number }
  | { readonly name: string; readonly kind: 'map'; readonly size: number }
  | { readonly name: string; readonly kind: 'none' };

function numberStats(values: ArrayLike<number | bigint>): Pick<TensorSummary, 'min' | 'max' | 'mean' | 'nanCount'> {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let nanCount = 0;
  for (let i = 0; i < values.length; i++) {
    const v = Number(values[i]);
    if (Number.isNaN(v)) {
      nanCount++;
      continue;
    }
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
  }
  const counted = values.length - nanCount;
  return {
    ...(counted > 0 ? { min, max, mean: sum / counted } : {}),
    ...(nanCount > 0 ? { nanCount } : {}),
  };
}

export function summarizeTensor(name: string, tensor: Tensor): TensorSummary {
  const dense = denseFromPublic(tensor);
  const base = { name, kind: 'tensor' as const, type: dense.type, shape: [...dense.dims] };
  if (dense.type === 'string') return { ...base, first: (dense.data as string[]).slice(0, FIRST_VALUES) };
  if (dense.type === 'bool') return { ...base, first: Array.from((dense.data as Uint8Array).subarray(0, FIRST_VALUES), Boolean) };
  const values = computeValues(dense);
  return { ...base, ...numberStats(values), first: Array.from(values.subarray(0, FIRST_VALUES) as ArrayLike<number | bigint>) };
}

export function summarizeValue(name: string, value: PublicValue): ValueSummary {
  if (value === null) return { name, kind: 'none' };
  if (Array.isArray(value)) return { name, kind: 'sequence', length: value.length };
  if (value instanceof Map) return { name, kind: 'map', size: value.size };
  return summarizeTensor(name, value);
}
