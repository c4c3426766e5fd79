/**
 * What each Reduce* op folds and how it finishes. Number-stored integer types accumulate in
 * float64 (exact up to 2^53, and storing the result wraps like the integer arithmetic would),
 * except products and squares of 32-bit integers, which use Math.imul to keep the low bits;
 * int64/uint64 accumulate as bigint where the op is exact in integers.
 */
import type { DataType } from '../../tensor/element-type.js';
import type { Reduction } from './reduce-engine.js';

const INTEGER_LIMITS: Partial<Record<DataType, readonly [number | bigint, number | bigint]>> = {
  bool: [0, 1],
  int8: [-128, 127],
  uint8: [0, 255],
  int16: [-32768, 32767],
  uint16: [0, 65535],
  int32: [-2147483648, 2147483647],
  uint32: [0, 4294967295],
  int64: [-0x8000000000000000n, 0x7fffffffffffffffn],
  uint64: [0n, 0xffffffffffffffffn],
};

/** -inf where the type has it, else the type's smallest value (the spec's ReduceMax identity). */
function lowest(type: DataType): number | bigint {
  return INTEGER_LIMITS[type]?.[0] ?? -Infinity;
}

function highest(type: DataType): number | bigint {
  return INTEGER_LIMITS[type]?.[1] ?? Infinity;
}

const zero = (): number => 0;

export const sum: Reduction = {
  identity: zero,
  step: { float: (acc: number, x: number) => acc + x, bigint: (acc: bigint, x: bigint) => acc + x },
};

/** The spec leaves the mean of an empty set undefined; it is 0 here, as in onnxruntime. */
export const mean: Reduction = {
  ...sum,
  finish: {
    float: (acc: number, n: number) => (n === 0 ? 0 : acc / n),
    bigint: (acc: bigint, n: number) => (n === 0 ? 0n : acc / BigInt(n)),
  },
};

export const prod: Reduction = {
  identity: () => 1,
  step: {
    float: (acc: number, x: number) => acc * x,
    int32: (acc: number, x: number) => Math.imul(acc, x),
    bigint: (acc: bigint, x: bigint) => acc * x,
  },
};

// Math.max/min propagate NaN, as numpy and onnxruntime do; wrapped so `shift` is not compared.
const larger = (acc: number, x: number): number => Math.max(acc, x);
const smaller = (acc: number, x: number): number => Math.min(acc, x);

export const max: Reduction = {
  identity: lowest,
  step: { float: larger, bigint: (acc: bigint, x: bigint) => (x > acc ? x : acc) },
};

export const min: Reduction = {
  identity: highest,
  step: { float: smaller, bigint: (acc: bigint, x: bigint) => (x < acc ? x : acc) },
};

export const l1: Reduction = {
  identity: zero,
  step: { float: (acc: number, x: number) => acc + Math.abs(x), bigint: (acc: bigint, x: bigint) => acc + (x < 0n ? -x : x) },
};

export const sumSquare: Reduction = {
  identity: zero,
  step: {
    float: (acc: number, x: number) => acc + x * x,
    int32: (acc: number, x: number) => acc + Math.imul(x, x),
    bigint: (acc: bigint, x: bigint) => acc + x * x,
  },
};

/** Squares of values scaled by the largest magnitude cannot overflow or underflow to 0. */
export const l2: Reduction = {
  identity: zero,
  step: { float: (acc: number, x: number, scale: number) => acc + (x / scale) * (x / scale) },
  finish: { float: (acc: number, _n: number, scale: number) => scale * Math.sqrt(acc) },
  prepass: {
    neutral: 1,
    reduction: {
      identity: zero,
      step: { float: (acc: number, x: number) => Math.max(acc, Math.abs(x)) },
      finish: { float: (m: number) => (m > 0 && Number.isFinite(m) ? m : 1) },
    },
  },
};

export const logSum: Reduction = {
  identity: zero,
  step: { float: sum.step.float },
  finish: { float: Math.log },
};

/** exp(x - max) stays within [0, 1], so the sum neither overflows nor loses every term. */
export const logSumExp: Reduction = {
  identity: zero,
  step: { float: (acc: number, x: number, m: number) => acc + Math.exp(x - m) },
  finish: { float: (acc: number, _n: number, m: number) => m + Math.log(acc) },
  prepass: {
    neutral: 0,
    reduction: {
      identity: lowest,
      step: { float: larger },
      // An infinite or NaN max makes exp(x - max) NaN; shifting by 0 keeps ±inf and NaN exact.
      finish: { float: (m: number) => (Number.isFinite(m) ? m : 0) },
    },
  },
};
