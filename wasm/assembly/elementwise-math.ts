/**
 * Vector (f32x4) transcendental functions for the elementwise module, each within a few float32
 * ulps of the exact value: e^x by range reduction to |r| <= ln2/2 and a degree-6 minimax
 * polynomial, e^-a (a >= 0) the same way with one power of two where e^x needs two (sigmoid
 * and tanh take it), e^x - 1 by a Taylor polynomial near 0, tanh by the Cephes tanhf
 * polynomial near 0 and through e^-2|x| elsewhere, erf by the rational approximation Eigen and
 * XLA use for float32, ln x as Cephes logf. NaN in gives NaN out. Polynomials use madd, which
 * the relaxed-SIMD build fuses.
 */

/** a * b + c: one fused instruction in the relaxed-SIMD build (rounding once, where the engine fuses). */
@inline function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

/** e^x is +Infinity in float32 past 89 and rounds to 0 below -104: the clamp keeps 2^n finite. */
const EXP_HI: f32 = 89;
const EXP_LO: f32 = -104;
const LOG2E: f32 = 1.44269504088896341;
/** ln 2 split so n * LN2_HI is exact for the n that occur. */
const LN2_HI: f32 = 0.693359375;
const LN2_LO: f32 = -2.12194440e-4;

/** Adding 1.5 * 2^23 rounds a float32 below 2^22 in magnitude to an integer, which then sits in the low mantissa bits. */
const ROUND_MAGIC: f32 = 12582912;
const ROUND_MAGIC_BITS: i32 = 0x4b400000;

/** 2^k for integers k in [-126, 127] (a normal float32), from its exponent bits. */
@inline function pow2(k: v128): v128 {
  return i32x4.shl(i32x4.add(k, i32x4.splat(127)), 23);
}

/**
 * e^r for |r| <= ln2/2 is 1 + r + r^2 (EXP_C2 + EXP_C3 r + ... + EXP_C6 r^4): fitted for least
 * maximum relative error, 3e-9 before float32 rounding (a degree-6 polynomial where the Cephes
 * one has degree 7; in float32 both stay within one ulp of e^r).
 */
const EXP_C2: f32 = 4.9999994040e-1;
const EXP_C3: f32 = 1.6666521132e-1;
const EXP_C4: f32 = 4.1668388993e-2;
const EXP_C5: f32 = 8.3687100559e-3;
const EXP_C6: f32 = 1.3814613922e-3;

@inline function expReduced(r: v128): v128 {
  let p = f32x4.splat(EXP_C6);
  p = madd(p, r, f32x4.splat(EXP_C5));
  p = madd(p, r, f32x4.splat(EXP_C4));
  p = madd(p, r, f32x4.splat(EXP_C3));
  p = madd(p, r, f32x4.splat(EXP_C2));
  return f32x4.add(f32x4.mul(f32x4.mul(p, r), r), f32x4.add(r, f32x4.splat(1)));
}

@inline export function exp4(x: v128): v128 {
  // pmin/pmax (b < a ? b : a, a < b ? b : a) are one instruction each where min/max take about
  // eight; with x first they pass NaN through as min/max do, and NaN propagates through the rest.
  const c = f32x4.pmax(f32x4.pmin(x, f32x4.splat(EXP_HI)), f32x4.splat(EXP_LO));
  const shifted = f32x4.add(f32x4.mul(c, f32x4.splat(LOG2E)), f32x4.splat(ROUND_MAGIC));
  const n = f32x4.sub(shifted, f32x4.splat(ROUND_MAGIC));
  let r = f32x4.sub(c, f32x4.mul(n, f32x4.splat(LN2_HI)));
  r = f32x4.sub(r, f32x4.mul(n, f32x4.splat(LN2_LO)));
  const p = expReduced(r);
  // n reaches 129 and -150, beyond one float32 exponent: scale by 2^h and 2^(n - h), h = n >> 1.
  const k = i32x4.sub(shifted, i32x4.splat(ROUND_MAGIC_BITS));
  const h = i32x4.shr_s(k, 1);
  return f32x4.mul(f32x4.mul(p, pow2(h)), pow2(i32x4.sub(k, h)));
}

/**
 * ROUND_MAGIC plus 151, the float32 exponent bias and 24: the rounded integer n sits in the low
 * mantissa bits as n + 151, so shifting the bits up 23 places gives 2^(n + 24), a normal float32
 * for every n in [-150, 0] that e^-|x| takes.
 */
const ROUND_MAGIC_BIASED: f32 = 12583063;
/** The polynomial for e^r carries the 2^-24 back, exactly: scaling by a power of two rounds nothing. */
const TWO_TO_MINUS_24: f32 = 5.9604644775390625e-8;

/**
 * e^-a for a >= 0 (NaN gives NaN), where e^x would need two clamps and two powers of two: n is
 * in [-150, 0], so one power of two, 2^(n + 24), serves, and e rounds once, when it scales the
 * polynomial (times 2^-24) into a subnormal. Past a = 104, e^-a is 0 in float32.
 */
@inline function expNegative(a: v128): v128 {
  const c = f32x4.pmin(a, f32x4.splat(-EXP_LO));
  const shifted = madd(c, f32x4.splat(-LOG2E), f32x4.splat(ROUND_MAGIC_BIASED));
  const n = f32x4.sub(shifted, f32x4.splat(ROUND_MAGIC_BIASED));
  // t = -r = c + n ln2 (n <= 0), so each step is one madd: c + n LN2_HI is exact, fused or not.
  let t = madd(n, f32x4.splat(LN2_HI), c);
  t = madd(n, f32x4.splat(LN2_LO), t);
  // e^r = e^-t: expReduced's polynomial with its odd coefficients negated, in Horner form, every
  // coefficient times 2^-24 (bit for bit the Horner form in r, signs aside).
  let p = f32x4.splat(EXP_C6 * TWO_TO_MINUS_24);
  p = madd(p, t, f32x4.splat(-EXP_C5 * TWO_TO_MINUS_24));
  p = madd(p, t, f32x4.splat(EXP_C4 * TWO_TO_MINUS_24));
  p = madd(p, t, f32x4.splat(-EXP_C3 * TWO_TO_MINUS_24));
  p = madd(p, t, f32x4.splat(EXP_C2 * TWO_TO_MINUS_24));
  p = madd(p, t, f32x4.splat(-TWO_TO_MINUS_24));
  p = madd(p, t, f32x4.splat(TWO_TO_MINUS_24));
  return f32x4.mul(p, i32x4.shl(shifted, 23));
}

/** |x| by its mask: one instruction, where f32x4.abs builds the mask each time. */
@inline function magnitude(x: v128): v128 {
  return v128.and(x, i32x4.splat(0x7fffffff));
}

/**
 * 1 / (1 + e^-x), through e = e^-|x| in [0, 1] alone: x >= 0 gives 1 / (1 + e), x < 0 gives
 * e / (1 + e). Within 2.5 float32 ulps for x >= -87 (normal results), within 2^-149 below.
 * NaN gives NaN; +-Infinity give 1 and 0.
 */
@inline export function sigmoid4(x: v128): v128 {
  const e = expNegative(magnitude(x));
  // The numerator, e for x < 0 and 1 otherwise, from x's sign bit: pmax(e, 0) is e, pmax(e, 1) is 1 (e <= 1).
  const one = f32x4.splat(1);
  const numerator = f32x4.pmax(e, v128.andnot(one, i32x4.shr_s(x, 31)));
  return f32x4.div(numerator, f32x4.add(one, e));
}

/** Below this |x|, (1 - e^-2|x|) / (1 + e^-2|x|) cancels; the odd polynomial serves instead. */
const TANH_POLY_LIMIT: f32 = 0.625;

@inline export function tanh4(x: v128): v128 {
  const a = magnitude(x);
  const z = f32x4.mul(x, x);
  let p = f32x4.splat(-5.70498872745e-3);
  p = madd(p, z, f32x4.splat(2.06390887954e-2));
  p = madd(p, z, f32x4.splat(-5.37397155531e-2));
  p = madd(p, z, f32x4.splat(1.33314422036e-1));
  p = madd(p, z, f32x4.splat(-3.33332819422e-1));
  const small = f32x4.add(x, f32x4.mul(f32x4.mul(p, z), x));
  const one = f32x4.splat(1);
  const e = expNegative(f32x4.add(a, a));
  const large = f32x4.div(f32x4.sub(one, e), f32x4.add(one, e));
  // Copy x's sign onto the large-|x| form; NaN fails the comparison and takes it (NaN again).
  const signed = v128.or(large, v128.and(x, i32x4.splat(0x80000000)));
  return v128.bitselect(small, signed, f32x4.lt(a, f32x4.splat(TANH_POLY_LIMIT)));
}

/** erf saturates to ±1 in float32 beyond this. */
const ERF_LIMIT: f32 = 4;

@inline export function erf4(x: v128): v128 {
  const c = f32x4.max(f32x4.min(x, f32x4.splat(ERF_LIMIT)), f32x4.splat(-ERF_LIMIT));
  const z = f32x4.mul(c, c);
  let p = f32x4.splat(-2.72614225801306e-10);
  p = madd(p, z, f32x4.splat(2.77068142495902e-8));
  p = madd(p, z, f32x4.splat(-2.10102402082508e-6));
  p = madd(p, z, f32x4.splat(-5.69250639462346e-5));
  p = madd(p, z, f32x4.splat(-7.34990630326855e-4));
  p = madd(p, z, f32x4.splat(-2.95459980854025e-3));
  p = madd(p, z, f32x4.splat(-1.60960333262415e-2));
  let q = f32x4.splat(-1.45660718464996e-5);
  q = madd(q, z, f32x4.splat(-2.13374055278905e-4));
  q = madd(q, z, f32x4.splat(-1.68282697438203e-3));
  q = madd(q, z, f32x4.splat(-7.37332916720468e-3));
  q = madd(q, z, f32x4.splat(-1.42647390514189e-2));
  const r = f32x4.div(f32x4.mul(c, p), q);
  return f32x4.max(f32x4.min(r, f32x4.splat(1)), f32x4.splat(-1));
}

/** e^x - 1: a Taylor polynomial where e^x - 1 would cancel, e^x - 1 elsewhere. */
const EXPM1_POLY_LIMIT: f32 = 0.25;

@inline export function expm14(x: v128): v128 {
  let p = f32x4.splat(1.0 / 720);
  p = madd(p, x, f32x4.splat(1.0 / 120));
  p = madd(p, x, f32x4.splat(1.0 / 24));
  p = madd(p, x, f32x4.splat(1.0 / 6));
  p = madd(p, x, f32x4.splat(0.5));
  const small = madd(f32x4.mul(p, x), x, x);
  const large = f32x4.sub(exp4(x), f32x4.splat(1));
  return v128.bitselect(small, large, f32x4.lt(f32x4.abs(x), f32x4.splat(EXPM1_POLY_LIMIT)));
}

/** Below the least normal float32: scaled by 2^23 before the exponent bits are read. */
const LEAST_NORMAL: f32 = 1.17549435e-38;
const SQRT_HALF: f32 = 0.707106781186547524;

/**
 * ln x as the Cephes logf does it: x = 2^e m with m in [sqrt(1/2), sqrt 2), ln m from a
 * degree-8 polynomial in m - 1. Negative x gives NaN, 0 gives -Infinity, Infinity and NaN
 * give themselves.
 */
@inline export function log4(x: v128): v128 {
  const subnormal = f32x4.lt(x, f32x4.splat(LEAST_NORMAL));
  const scaled = v128.bitselect(f32x4.mul(x, f32x4.splat(8388608)), x, subnormal);
  const bits = scaled;
  let e = f32x4.convert_i32x4_s(i32x4.sub(i32x4.shr_u(bits, 23), i32x4.splat(126)));
  e = v128.bitselect(f32x4.sub(e, f32x4.splat(23)), e, subnormal);
  // m in [0.5, 1); below sqrt(1/2) it doubles (and e drops by one) so m - 1 stays small.
  let m = v128.or(v128.and(bits, i32x4.splat(0x007fffff)), i32x4.splat(0x3f000000));
  const low = f32x4.lt(m, f32x4.splat(SQRT_HALF));
  e = f32x4.sub(e, v128.and(low, f32x4.splat(1)));
  m = f32x4.sub(f32x4.add(m, v128.and(low, m)), f32x4.splat(1));
  const z = f32x4.mul(m, m);
  let p = f32x4.splat(7.0376836292e-2);
  p = madd(p, m, f32x4.splat(-1.1514610310e-1));
  p = madd(p, m, f32x4.splat(1.1676998740e-1));
  p = madd(p, m, f32x4.splat(-1.2420140846e-1));
  p = madd(p, m, f32x4.splat(1.4249322787e-1));
  p = madd(p, m, f32x4.splat(-1.6668057665e-1));
  p = madd(p, m, f32x4.splat(2.0000714765e-1));
  p = madd(p, m, f32x4.splat(-2.4999993993e-1));
  p = madd(p, m, f32x4.splat(3.3333331174e-1));
  let y = f32x4.mul(f32x4.mul(p, m), z);
  y = madd(e, f32x4.splat(LN2_LO), y);
  y = madd(z, f32x4.splat(-0.5), y);
  let r = madd(e, f32x4.splat(LN2_HI), f32x4.add(m, y));
  r = v128.bitselect(f32x4.splat(-Infinity), r, f32x4.eq(x, f32x4.splat(0)));
  r = v128.bitselect(f32x4.splat(NaN), r, f32x4.lt(x, f32x4.splat(0)));
  // Infinity and NaN are their own logarithms.
  return v128.bitselect(x, r, v128.or(f32x4.eq(x, f32x4.splat(Infinity)), f32x4.ne(x, x)));
}

/** ln(1 + x) for x >= 0, accurate for small x: ln(u) x / (u - 1) with u = 1 + x rounded (Goldberg). */
@inline export function log1pNonNegative4(x: v128): v128 {
  const u = f32x4.add(x, f32x4.splat(1));
  const d = f32x4.sub(u, f32x4.splat(1));
  const r = f32x4.mul(log4(u), f32x4.div(x, d));
  return v128.bitselect(x, r, f32x4.eq(d, f32x4.splat(0)));
}
