/**
 * Range: start + i * delta for i < max(ceil((limit - start) / delta), 0). The count is checked
 * before allocating: a zero delta, a non-finite bound or a huge span is an error, not a hang.
 * int64 is computed exactly with bigints. float16/bfloat16 (opset 27) compute in float32 by
 * default (stash_type=1) or, with stash_type set to their own type, accumulate in it.
 */
import { KernelInputError } from '../../errors/errors.js';
import { DenseTensor } from '../../tensor/dense-tensor.js';
import { dataTypeFromOnnx, type DataType } from '../../tensor/element-type.js';
import { bfloat16BitsToNumber, numberToBfloat16Bits } from '../../tensor/numeric/bfloat16.js';
import { float16BitsToNumber, numberToFloat16Bits } from '../../tensor/numeric/float16.js';
import { kernel, type KernelDefinition } from '../kernel.js';
import { tensorInput } from '../support/inputs.js';
import { computeBuffer, computeValues, tensorFromCompute, type NumberArray } from '../support/numeric.js';
import { MAX_ELEMENTS } from '../support/shape-input.js';

const NAMES = ['start', 'limit', 'delta'] as const;

function checkedCount(count: number | bigint, what: () => string): number {
  if (count > MAX_ELEMENTS) throw new KernelInputError(`${what()} would produce ${count} elements, more than the limit of ${MAX_ELEMENTS}`);
  return count > 0 ? Number(count) : 0;
}

function bigintRange(start: bigint, limit: bigint, delta: bigint): DenseTensor {
  if (delta === 0n) throw new KernelInputError('delta must not be zero');
  const span = limit - start;
  // Ceiling division: truncation rounds toward zero, so add one when the true quotient is positive and inexact.
  const quotient = span / delta + (span % delta !== 0n && span > 0n === delta > 0n ? 1n : 0n);
  const count = checkedCount(quotient, () => `range(${start}, ${limit}, ${delta})`);
  const out = new BigInt64Array(count);
  for (let i = 0; i < count; i++) out[i] = BigInt.asIntN(64, start + BigInt(i) * delta);
  return new DenseTensor('int64', [count], out);
}

/** Rounding to float16 or bfloat16, for accumulating in the narrow type. */
const NARROW_ROUNDING: Partial<Record<DataType, (v: number) => number>> = {
  float16: (v) => float16BitsToNumber(numberToFloat16Bits(v)),
  bfloat16: (v) => bfloat16BitsToNumber(numberToBfloat16Bits(v)),
};

function numberRange(type: DataType, start: number, limit: number, delta: number, stashType: DataType): DenseTensor {
  const span = Math.ceil((limit - start) / delta);
  if (delta === 0 || !Number.isFinite(span)) {
    throw new KernelInputError(`range(${start}, ${limit}, ${delta}) has no finite length`);
  }
  const count = checkedCount(span, () => `range(${start}, ${limit}, ${delta})`);
  const out = computeBuffer(type, count) as NumberArray;
  const narrow = NARROW_ROUNDING[type];
  if (narrow && stashType !== 'float32' && stashType !== type) {
    throw new KernelInputError(`stash_type ${stashType} does not apply to ${type} inputs (use float or ${type})`);
  }
  if (narrow && stashType === type) {
    for (let i = 0, v = start; i < count; i++, v = narrow(v + delta)) out[i] = v;
  } else if (narrow) {
    for (let i = 0; i < count; i++) out[i] = Math.fround(start + Math.fround(i * delta));
  } else {
    for (let i = 0; i < count; i++) out[i] = start + i * delta;
  }
  return tensorFromCompute(type, [count], out);
}

function rangeKernel(sinceVersion: number, untilVersion: number | undefined, types: readonly DataType[]): KernelDefinition {
  return kernel<DataType>({
    domain: '',
    opType: 'Range',
    sinceVersion,
    untilVersion,
    typeConstraints: NAMES.map((_, input) => ({ input, types })),
    parseAttributes(attrs) {
      const code = attrs.int('stash_type', 1);
      const stash = dataTypeFromOnnx(code);
      if (stash !== 'float32' && stash !== 'float16' && stash !== 'bfloat16') {
        throw new KernelInputError(`stash_type must be 1 (float), 10 (float16) or 16 (bfloat16), got ${code}`);
      }
      return stash;
    },
    run(inputs, stashType) {
      const [start, limit, delta] = NAMES.map((name, i) => {
        const t = tensorInput(inputs, i, name);
        if (t.size !== 1) throw new KernelInputError(`${name} must be a scalar, got ${t.describe()}`);
        return t;
      });
      if (limit.type !== start.type || delta.type !== start.type) {
        throw new KernelInputError(`start, limit and delta must share one type, got ${start.type}, ${limit.type}, ${delta.type}`);
      }
      if (start.type === 'int64') {
        const [s, l, d] = [start, limit, delta].map((t) => (t.data as BigInt64Array)[0]);
        return [bigintRange(s, l, d)];
      }
      const [s, l, d] = [start, limit, delta].map((t) => Number(computeValues(t)[0]));
      return [numberRange(start.type, s, l, d, stashType)];
    },
  });
}

export const rangeKernels: KernelDefinition[] = [
  rangeKernel(11, 26, ['float32', 'float64', 'int16', 'int32', 'int64']),
  rangeKernel(27, undefined, ['float32', 'float64', 'int16', 'int32', 'int64', 'float16', 'bfloat16']),
];
