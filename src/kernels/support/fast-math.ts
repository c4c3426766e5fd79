/**
 * Transcendental functions for float32 results, fast enough for per-element loops. Math.exp
 * and friends are calls into C++ that V8 does not inline; these are small enough to inline.
 * They compute in double precision, so what limits accuracy is the approximation alone:
 * exp, sigmoid and tanh are good to about 1e-13 relative, erf to about 2e-7 absolute (below
 * float32 resolution near erf's saturation at ±1). Overflow and underflow give Infinity and
 * 0 as Math.exp does; NaN in gives NaN out.
 */

/** 2^52 + 2^51: adding then subtracting it rounds a double of magnitude below 2^51 to an integer. */
const ROUND_SHIFTER = 6755399441055744;
const TABLE_BITS = 6;
const TABLE_SIZE = 1 << TABLE_BITS;
const SCALED_LOG2E = TABLE_SIZE / Math.LN2;
const SCALED_LN2 = Math.LN2 / TABLE_SIZE;
/** e^x saturates past these to Infinity and 0, as in double precision. */
const EXP_HIGH = 1000;
const EXP_LOW = -1000;
const EXP_TABLE = Float64Array.from({ length: TABLE_SIZE }, (_, j) => 2 ** (j / TABLE_SIZE));
/** 2^m for every m that k >> TABLE_BITS reaches in [EXP_LOW, EXP_HIGH], offset so the index is not negative. */
const POW2_OFFSET = Math.ceil((-EXP_LOW * SCALED_LOG2E) / TABLE_SIZE) + 1;
const POW2_TABLE = Float64Array.from({ length: POW2_OFFSET + Math.ceil((EXP_HIGH * SCALED_LOG2E) / TABLE_SIZE) + 2 }, (_, i) => 2 ** (i - POW2_OFFSET));

/**
 * e^x as e^x = 2^m * 2^(j/64) * e^r with x = (64m + j) ln2/64 + r, |r| <= ln2/128, where a
 * degree-5 Taylor polynomial for e^r is exact to about 1e-15.
 */
export function fastExp(x: number): number {
  // The comparisons are false for NaN, which flows through to the result.
  const c = x > EXP_HIGH ? EXP_HIGH : x < EXP_LOW ? EXP_LOW : x;
  const kf = c * SCALED_LOG2E + ROUND_SHIFTER - ROUND_SHIFTER;
  const k = kf | 0;
  const r = c - kf * SCALED_LN2;
  const p = 1 + r * (1 + r * (0.5 + r * (1 / 6 + r * (1 / 24 + r * (1 / 120)))));
  return EXP_TABLE[k & (TABLE_SIZE - 1)] * POW2_TABLE[(k >> TABLE_BITS) + POW2_OFFSET] * p;
}

/** Below this |x|, e^x - 1 cancels; the Taylor series is used instead. */
const EXPM1_SERIES_LIMIT = 0.01;

/** e^x - 1, accurate relative to the result near 0 too. */
export function fastExpm1(x: number): number {
  if (x > -EXPM1_SERIES_LIMIT && x < EXPM1_SERIES_LIMIT) {
    return x * (1 + x * (0.5 + x * (1 / 6 + x * (1 / 24 + x * (1 / 120)))));
  }
  return fastExp(x) - 1;
}

/** 1 / (1 + e^-x); no cancellation on either side. */
export function fastSigmoid(x: number): number {
  return 1 / (1 + fastExp(-x));
}

/** Below this |x|, (1 - e^-2x) / (1 + e^-2x) cancels; the odd Taylor series (to x^9) is exact to 1e-11. */
const TANH_SERIES_LIMIT = 0.125;

export function fastTanh(x: number): number {
  const a = x < 0 ? -x : x;
  if (a < TANH_SERIES_LIMIT) {
    const x2 = x * x;
    return x * (1 + x2 * (-1 / 3 + x2 * (2 / 15 + x2 * (-17 / 315 + x2 * (62 / 2835)))));
  }
  const e = fastExp(-2 * a);
  const t = (1 - e) / (1 + e);
  return x < 0 ? -t : t;
}

/** erf saturates to ±1 in float32 beyond this. */
const ERF_LIMIT = 4;

/**
 * erf(x) as x P(x^2) / Q(x^2) on [-4, 4] (the rational approximation Eigen and XLA use for
 * float32), exactly ±1 outside.
 */
export function fastErf(x: number): number {
  if (x >= ERF_LIMIT) return 1;
  if (x <= -ERF_LIMIT) return -1;
  const z = x * x;
  const p =
    -1.60960333262415e-2 +
    z * (-2.95459980854025e-3 + z * (-7.34990630326855e-4 + z * (-5.69250639462346e-5 + z * (-2.10102402082508e-6 + z * (2.77068142495902e-8 + z * -2.72614225801306e-10)))));
  const q = -1.42647390514189e-2 + z * (-7.37332916720468e-3 + z * (-1.68282697438203e-3 + z * (-2.13374055278905e-4 + z * -1.45660718464996e-5)));
  const r = (x * p) / q;
  return r > 1 ? 1 : r < -1 ? -1 : r;
}
