import { describe, expect, it } from 'vitest';
import { fastErf, fastExp, fastExpm1, fastSigmoid, fastTanh } from '../../../src/kernels/support/fast-math.js';
import { erf } from '../../../src/kernels/math/special-functions.js';

/** float32 values across [lo, hi], both ends included. */
function grid(lo: number, hi: number, n: number): Float32Array {
  return Float32Array.from({ length: n + 1 }, (_, i) => lo + ((hi - lo) * i) / n);
}

const SPECIALS = [NaN, Infinity, -Infinity, 0, -0, 1e-45, -1e-45, 1.1754942e-38, -1.1754942e-38, 3.4028235e38, -3.4028235e38, 1e-7, -1e-7];

/** Largest error of fn against ref after both round to float32, relative to max(|ref|, floor). */
function worstError(fn: (x: number) => number, ref: (x: number) => number, xs: Float32Array, floor: number): { error: number; at: number } {
  let worst = { error: 0, at: 0 };
  for (const x of xs) {
    const want = Math.fround(ref(x));
    const got = Math.fround(fn(x));
    const error = Math.abs(got - want) / Math.max(Math.abs(want), floor);
    if (error > worst.error) worst = { error, at: x };
  }
  return worst;
}

describe('fast-math against Math and the double-precision erf', () => {
  const cases: [string, (x: number) => number, (x: number) => number, number, number, number, number][] = [
    // name, fast, reference, lo, hi, relative bound, floor below which the bound is absolute
    ['exp', fastExp, Math.exp, -110, 90, 1.2e-7, 1e-37],
    ['exp near 0', fastExp, Math.exp, -1e-3, 1e-3, 1.2e-7, 1e-37],
    ['expm1', fastExpm1, Math.expm1, -30, 30, 1.2e-7, 1e-37],
    ['expm1 near 0', fastExpm1, Math.expm1, -0.02, 0.02, 1.2e-7, 1e-37],
    ['sigmoid', fastSigmoid, (x) => 1 / (1 + Math.exp(-x)), -110, 110, 1.2e-7, 1e-37],
    ['tanh', fastTanh, Math.tanh, -20, 20, 1.2e-7, 1e-37],
    ['tanh near 0', fastTanh, Math.tanh, -0.3, 0.3, 1.2e-7, 1e-37],
    ['erf', fastErf, erf, -7, 7, 3e-7, 1e-37],
  ];

  it.each(cases)('%s stays within float32 precision on a dense grid', (name, fast, ref, lo, hi, bound, floor) => {
    const { error, at } = worstError(fast, ref, grid(lo, hi, 400_001), floor);
    expect(error, `${name}: worst relative error at x = ${at}`).toBeLessThanOrEqual(bound);
  });

  it.each(cases.filter(([name]) => !name.includes('near')))('%s handles NaN, infinities, zeros, subnormals and extremes', (name, fast, ref) => {
    for (const x of SPECIALS) {
      const want = Math.fround(ref(x));
      const got = Math.fround(fast(x));
      if (Number.isNaN(want)) expect(got, `${name}(${x})`).toBeNaN();
      else if (!Number.isFinite(want)) expect(got, `${name}(${x})`).toBe(want);
      else expect(Math.abs(got - want), `${name}(${x}) = ${got}, want ${want}`).toBeLessThanOrEqual(Math.abs(want) * 3e-7 + 1e-44);
    }
  });

  it('keeps the sign of zero where the function is odd', () => {
    expect(Object.is(fastTanh(-0), -0)).toBe(true);
    expect(Object.is(fastErf(-0), -0)).toBe(true);
    expect(Object.is(fastExpm1(-0), -0)).toBe(true);
  });
});
