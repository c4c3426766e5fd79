/**
 * The 8- and 4-bit float formats (float8 e4m3fn / e4m3fnuz / e5m2 / e5m2fnuz, float4 e2m1,
 * float8 e8m0). Decoding is a table per format. Encoding follows the Cast operator: round to
 * nearest even over the format's finite values, then the format's overflow rule (saturate to
 * the largest finite value, or NaN / infinity when `saturate` is off). e8m0 (a bare power of
 * two) has its own rounding modes.
 */
export type MinifloatType = 'float8e4m3fn' | 'float8e4m3fnuz' | 'float8e5m2' | 'float8e5m2fnuz' | 'float4e2m1' | 'float8e8m0';

/**
 * How a format spends its special codes:
 * - 'fn': no infinity; the all-ones code (each sign) is NaN (e4m3fn).
 * - 'fnuz': no infinity, no negative zero; the negative-zero code is the only NaN.
 * - 'ieee': infinity and NaN as in IEEE 754 (e5m2).
 * - 'finite': neither (float4e2m1); overflow always saturates.
 */
type Specials = 'fn' | 'fnuz' | 'ieee' | 'finite';

interface Format {
  readonly decode: Float32Array;
  /** Finite non-negative values ascending, and their codes (parallel arrays). */
  readonly values: Float64Array;
  readonly codes: Uint8Array;
  readonly nanCode: number;
  /** Code for +infinity, when the format has one. */
  readonly infCode?: number;
  readonly signBit: number;
  readonly specials: Specials;
}

function decodeIeeeLike(code: number, expBits: number, manBits: number, bias: number, specials: Specials): number {
  const signBit = 1 << (expBits + manBits);
  const maxExp = (1 << expBits) - 1;
  const manMask = (1 << manBits) - 1;
  const sign = code & signBit ? -1 : 1;
  const e = (code >> manBits) & maxExp;
  const m = code & manMask;
  if (specials === 'fnuz' && code === signBit) return NaN;
  if (specials === 'fn' && e === maxExp && m === manMask) return NaN;
  if (specials === 'ieee' && e === maxExp) return m === 0 ? sign * Infinity : NaN;
  if (e === 0) return sign * m * 2 ** (1 - bias - manBits);
  return sign * (1 + m / (1 << manBits)) * 2 ** (e - bias);
}

function buildIeeeLike(expBits: number, manBits: number, bias: number, specials: Specials): Format {
  const signBit = 1 << (expBits + manBits);
  const decode = new Float32Array(signBit * 2);
  for (let code = 0; code < decode.length; code++) decode[code] = decodeIeeeLike(code, expBits, manBits, bias, specials);
  const positives: number[] = [];
  for (let code = 0; code < signBit; code++) if (Number.isFinite(decode[code])) positives.push(code);
  positives.sort((a, b) => decode[a] - decode[b]);
  const maxExp = (1 << expBits) - 1;
  // 'finite' has no NaN; NaN encodes as the negative-zero pattern, as the ONNX reference does.
  const nanCode = specials === 'fnuz' || specials === 'finite' ? signBit
    : specials === 'ieee' ? (maxExp << manBits) | (1 << (manBits - 1))
    : signBit - 1;
  return {
    decode,
    values: Float64Array.from(positives, (c) => decode[c]),
    codes: Uint8Array.from(positives),
    nanCode,
    infCode: specials === 'ieee' ? maxExp << manBits : undefined,
    signBit,
    specials,
  };
}

const IEEE_LIKE = {
  float8e4m3fn: buildIeeeLike(4, 3, 7, 'fn'),
  float8e4m3fnuz: buildIeeeLike(4, 3, 8, 'fnuz'),
  float8e5m2: buildIeeeLike(5, 2, 15, 'ieee'),
  float8e5m2fnuz: buildIeeeLike(5, 2, 16, 'fnuz'),
  float4e2m1: buildIeeeLike(2, 1, 1, 'finite'),
} as const;

const E8M0_DECODE = Float32Array.from({ length: 256 }, (_, code) => (code === 255 ? NaN : 2 ** (code - 127)));

export function minifloatDecodeTable(type: MinifloatType): Float32Array {
  return type === 'float8e8m0' ? E8M0_DECODE : IEEE_LIKE[type].decode;
}

export function decodeMinifloat(type: MinifloatType, code: number): number {
  return minifloatDecodeTable(type)[code];
}

export type E8M0Rounding = 'up' | 'down' | 'nearest';

/**
 * Index in `format.values` of |x| rounded to nearest even, or -1 when the rounded value lies
 * beyond the largest finite value (so the overflow rule applies).
 */
function roundToNearestEven(format: Format, magnitude: number): number {
  const v = format.values;
  const top = v.length - 1;
  if (magnitude >= v[top]) {
    // The value one step above the largest finite one is the first that overflows; the
    // midpoint between them rounds to whichever has the even code (the mantissa's last bit).
    const halfStep = (v[top] - v[top - 1]) / 2;
    const limit = v[top] + halfStep;
    if (magnitude < limit || (magnitude === limit && (format.codes[top] & 1) === 0)) return top;
    return -1;
  }
  let lo = 0;
  let hi = top;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (v[mid] <= magnitude) lo = mid;
    else hi = mid;
  }
  const mid = (v[lo] + v[hi]) / 2;
  if (magnitude < mid) return lo;
  if (magnitude > mid) return hi;
  return (format.codes[lo] & 1) === 0 ? lo : hi;
}

function encodeIeeeLike(format: Format, value: number, saturate: boolean): number {
  if (Number.isNaN(value)) return format.nanCode;
  const negative = value < 0 || Object.is(value, -0);
  const sign = negative ? format.signBit : 0;
  const index = Number.isFinite(value) ? roundToNearestEven(format, Math.abs(value)) : -1;
  if (index < 0) {
    if (saturate || format.specials === 'finite') return sign | format.codes[format.codes.length - 1];
    if (format.infCode !== undefined) return sign | format.infCode;
    return format.specials === 'fnuz' ? format.nanCode : sign | format.nanCode;
  }
  const code = format.codes[index];
  // fnuz formats have no negative zero: -0 and tiny negatives become +0.
  return code === 0 && format.specials === 'fnuz' ? 0 : sign | code;
}

/** floor(log2(a)) for a finite a > 0, exact where Math.log2 rounds near powers of two. */
function exponentOf(a: number): number {
  let e = Math.floor(Math.log2(a));
  if (2 ** e > a) e--;
  else if (2 ** (e + 1) <= a) e++;
  return e;
}

/**
 * float -> e8m0 (2^(code-127), 255 = NaN). Like the ONNX reference the value is taken at
 * float32 precision and its sign is ignored (negative inputs are unspecified); zero,
 * infinity and out-of-range values follow the Cast operator's table: the nearest bound when
 * saturating, NaN otherwise.
 */
function encodeE8M0(value: number, saturate: boolean, rounding: E8M0Rounding): number {
  if (Number.isNaN(value)) return 255;
  const a = Math.fround(Math.abs(value));
  if (a === Infinity) return saturate ? 254 : 255;
  if (a === 0) return saturate ? 0 : 255;
  let e = exponentOf(a);
  const lower = 2 ** e;
  if (a !== lower && (rounding === 'up' || (rounding === 'nearest' && a >= 1.5 * lower))) e++;
  const code = e + 127;
  if (code > 254) return saturate ? 254 : 255;
  if (code < 0) return saturate ? 0 : 255;
  return code;
}

/** float -> minifloat code with the Cast operator's saturate rule (and e8m0 rounding mode). */
export function encodeMinifloat(type: MinifloatType, value: number, saturate = true, rounding: E8M0Rounding = 'up'): number {
  if (type === 'float8e8m0') return encodeE8M0(value, saturate, rounding);
  return encodeIeeeLike(IEEE_LIKE[type], value, saturate);
}
