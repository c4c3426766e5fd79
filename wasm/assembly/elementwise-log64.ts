/**
 * ln x in double precision without lookup tables. The standard library's Math.log reads two
 * 2 KiB tables placed in static data; this module imports the GEMM module's memory, where
 * static data would overwrite whatever the heap keeps at that address, so it carries none.
 * Range reduction to m in [sqrt(1/2), sqrt(2)) and the series 2 atanh((m - 1) / (m + 1)),
 * which there converges below double rounding within 11 terms: within 2 ulps of ln x.
 */

/** ln 2 split so e * LN2_HI is exact for every exponent e of a double. */
const LN2_HI: f64 = 6.93147180369123816490e-01;
const LN2_LO: f64 = 1.90821492927058770002e-10;
const SMALLEST_NORMAL: f64 = 2.2250738585072014e-308;
/** 2^54: scales a subnormal to a normal double. */
const TWO_54: f64 = 18014398509481984;

/** ln x, with ln 0 = -Infinity, ln of a negative or NaN = NaN and ln Infinity = Infinity, as Math.log. */
export function logF64(x: f64): f64 {
  if (!(x > 0) || x == Infinity) return x == 0 ? -Infinity : x == Infinity ? x : NaN;
  let e: i64 = 0;
  if (x < SMALLEST_NORMAL) {
    x *= TWO_54;
    e = -54;
  }
  const bits = reinterpret<i64>(x);
  e += (bits >> 52) - 1023;
  let m = reinterpret<f64>((bits & 0x000fffffffffffff) | 0x3ff0000000000000);
  if (m > Math.SQRT2) {
    m *= 0.5;
    e++;
  }
  const t = (m - 1) / (m + 1);
  const t2 = t * t;
  let series: f64 = 1.0 / 23;
  for (let k = 10; k >= 0; k--) series = series * t2 + 1.0 / <f64>(2 * k + 1);
  const k = <f64>e;
  return k * LN2_HI + (k * LN2_LO + 2 * t * series);
}
