/** Scalar functions JavaScript's Math lacks. */

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);
const ONE_OVER_SQRT_PI = 1 / Math.sqrt(Math.PI);
/** Below this the series needs fewer terms than the continued fraction (about 40 each here). */
const SERIES_LIMIT = 2.5;
/** erfc(6) is about 2e-17: past it erf is 1 in double precision. */
const SATURATION = 6;

/** erf(z) for 0 <= z < SERIES_LIMIT: 2/sqrt(pi) e^-z^2 sum_n (2z^2)^n z / (1*3*...*(2n+1)), all terms positive. */
function erfSeries(z: number): number {
  const twoZ2 = 2 * z * z;
  let term = z;
  let sum = z;
  for (let k = 3; term > sum * 1e-17; k += 2) {
    term *= twoZ2 / k;
    sum += term;
  }
  return TWO_OVER_SQRT_PI * Math.exp(-z * z) * sum;
}

/**
 * erfc(z) for z >= SERIES_LIMIT from its continued fraction
 * e^-z^2 / sqrt(pi) / (z + (1/2) / (z + 1 / (z + (3/2) / (z + ...)))), by the modified Lentz method.
 */
function erfcContinuedFraction(z: number): number {
  let f = z;
  let c = z;
  let d = 0;
  for (let k = 1; k < 100; k++) {
    const a = k / 2;
    d = 1 / (z + a * d);
    c = z + a / c;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return (Math.exp(-z * z) * ONE_OVER_SQRT_PI) / f;
}

/** The error function to double precision (relative error about 1e-15). */
export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const z = Math.abs(x);
  const r = z < SERIES_LIMIT ? erfSeries(z) : z < SATURATION ? 1 - erfcContinuedFraction(z) : 1;
  return x < 0 ? -r : r;
}

/** Round half to even, as ONNX Round specifies; keeps the sign of a zero result. */
export function roundHalfEven(x: number): number {
  if (!Number.isFinite(x)) return x;
  const floor = Math.floor(x);
  const diff = x - floor;
  const rounded = diff < 0.5 ? floor : diff > 0.5 ? floor + 1 : floor % 2 === 0 ? floor : floor + 1;
  return rounded === 0 && (x < 0 || Object.is(x, -0)) ? -0 : rounded;
}
