import { describe, expect, it } from 'vitest';
import { wasmUnaryF32, type WasmUnaryOp } from '../../../src/backends/wasm/elementwise-host.js';
import { erf } from '../../../src/kernels/math/special-functions.js';

/** float32 values across [lo, hi], both ends included. */
function grid(lo: number, hi: number, n: number): Float32Array {
  return Float32Array.from({ length: n + 1 }, (_, i) => lo + ((hi - lo) * i) / n);
}

const softplus = (x: number): number => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)));

/**
 * op, reference in double precision, range, parameters, bound on |got - want| / max(|want|, floor),
 * floor. The floors cover subnormal results (fewer bits) and, for gelu, the cancellation in
 * 1 + erf(x) for negative x that float32 evaluation shares with onnxruntime (about 1e-6 absolute);
 * tanhGelu and swish round their exponent's argument to float32 first, which costs a few ulps
 * of e^u where |u| is large.
 */
const CASES: [WasmUnaryOp, (x: number) => number, number, number, number, number, number, number][] = [
  ['exp', Math.exp, -104, 89, 0, 0, 3e-7, 1e-30],
  ['sigmoid', (x) => 1 / (1 + Math.exp(-x)), -90, 90, 0, 0, 3e-7, 1e-30],
  ['tanh', Math.tanh, -12, 12, 0, 0, 3e-7, 1e-38],
  ['tanh', Math.tanh, -1, 1, 0, 0, 3e-7, 1e-38],
  ['erf', erf, -5, 5, 0, 0, 6e-7, 1e-6],
  ['gelu', (x) => 0.5 * x * (1 + erf(x * Math.SQRT1_2)), -8, 8, 0, 0, 1.5e-6, 1],
  ['tanhGelu', (x) => 0.5 * x * (1 + Math.tanh(0.7978845608028654 * (x + 0.044715 * x * x * x))), -8, 8, 0, 0, 3e-6, 1e-6],
  ['swish', (x) => x / (1 + Math.exp(-1.702 * x)), -40, 40, 1.702, 0, 1e-5, 1e-30],
  ['mish', (x) => x * Math.tanh(softplus(x)), -40, 40, 0, 0, 5e-7, 1e-30],
  ['log', Math.log, 1e-3, 1e3, 0, 0, 3e-7, 1e-6],
  ['log', Math.log, 0.5, 2, 0, 0, 3e-7, 1e-7],
  ['softplus', softplus, -90, 30, 0, 0, 3e-7, 1e-30],
  ['elu', (x) => (x < 0 ? 0.7 * Math.expm1(x) : x), -20, 2, 0.7, 0, 5e-7, 1e-30],
  ['selu', (x) => (x > 0 ? 1.05 * x : 1.05 * 1.67 * Math.expm1(x)), -20, 2, 1.67, 1.05, 5e-7, 1e-30],
  ['softsign', (x) => x / (1 + Math.abs(x)), -50, 50, 0, 0, 3e-7, 1e-30],
];

describe('elementwise module accuracy on dense grids', () => {
  it.each(CASES)('%s stays within float32 precision', (op, ref, lo, hi, p0, p1, bound, floor) => {
    const x = grid(lo, hi, 200_003);
    const out = new Float32Array(x.length);
    expect(wasmUnaryF32(op, x, out, p0, p1), 'the module runs here').toBe(true);
    let worst = 0;
    let at = 0;
    for (let i = 0; i < x.length; i++) {
      const want = Math.fround(ref(x[i]));
      if (!Number.isFinite(want)) {
        expect(out[i], `${op}(${x[i]})`).toBe(want);
        continue;
      }
      const error = Math.abs(out[i] - want) / Math.max(Math.abs(want), floor);
      if (error > worst) [worst, at] = [error, x[i]];
    }
    expect(worst, `${op}: worst relative error at x = ${at}`).toBeLessThanOrEqual(bound);
  });

  it('log handles zero, negatives, subnormals, infinity and NaN', () => {
    const specials = [0, -0, -1, 1e-45, 1e-40, 1.1754942e-38, Infinity, -Infinity, NaN, 1];
    const x = Float32Array.from({ length: 64 }, (_, i) => specials[i % specials.length]);
    const out = new Float32Array(x.length);
    expect(wasmUnaryF32('log', x, out)).toBe(true);
    for (let i = 0; i < x.length; i++) {
      const want = Math.fround(Math.log(x[i]));
      if (Number.isNaN(want)) expect(out[i], `log(${x[i]})`).toBeNaN();
      else if (!Number.isFinite(want)) expect(out[i], `log(${x[i]})`).toBe(want);
      else expect(Math.abs(out[i] - want), `log(${x[i]}) = ${out[i]}`).toBeLessThanOrEqual(Math.abs(want) * 3e-7);
    }
  });
});
