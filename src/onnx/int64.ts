import type { Int64 } from './proto-types.js';

/** An int64 wire value as a JS number; throws past 2^53 where a number would silently round. */
export function int64ToNumber(value: Int64 | undefined | null): number {
  if (value === undefined || value === null) return 0;
  if (typeof value === 'number') return value;
  const n = value.toNumber();
  if (!Number.isSafeInteger(n)) throw new RangeError(`int64 value ${value.toString()} is beyond 2^53`);
  return n;
}

/** An int64 wire value as a bigint, exactly. */
export function int64ToBigInt(value: Int64 | undefined | null, unsigned = false): bigint {
  if (value === undefined || value === null) return 0n;
  if (typeof value === 'number') return BigInt(value);
  const big = (BigInt(value.high >>> 0) << 32n) | BigInt(value.low >>> 0);
  return unsigned ? big : BigInt.asIntN(64, big);
}

/**
 * An int64 as the nearest number. For attributes, where exporters write INT64_MAX as "to the
 * end" (Slice ends, for instance) and kernels clamp anyway.
 */
export function int64ToNearestNumber(value: Int64 | undefined | null): number {
  if (value === undefined || value === null) return 0;
  return typeof value === 'number' ? value : value.toNumber();
}
