/**
 * JSON for reports: bigints become numbers when exact and decimal strings otherwise, and NaN
 * and infinities become the strings "NaN", "Infinity", "-Infinity" (JSON has no spelling for them).
 */
export function toJsonText(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'bigint') return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
    if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
    return v;
  }, 2);
}
