import { describe, expect, it } from 'vitest';
import type { ConvActivation } from '../../../src/backends/wasm/conv-activation.js';
import { instantiateConv } from '../../../src/backends/wasm/conv-module.js';
import { wasmUnaryF32 } from '../../../src/backends/wasm/elementwise-host.js';
import { WasmConv } from '../../../src/backends/wasm/wasm-conv.js';
import type { SimdVariant } from '../../../src/backends/wasm/wasm-instance.js';
import { slideWindow } from '../../../src/kernels/conv/sliding-window.js';

/**
 * sigmoid4 and tanh4 (wasm/assembly/elementwise-math.ts) against float64, in float32 ulps of the
 * exact value: sigmoid within 2.5 ulps wherever its result is a normal float32 (x >= -87.3) and
 * within 2^-149 below; SiLU (x sigmoid(x), the conv epilogue's QuickGelu at alpha 1) within
 * 3.5 ulps plus |x| 2^-149; tanh within 2 ulps. Measured: 2.25, 3.0 and 1.5.
 */
const LEAST_NORMAL = 2 ** -126;
const LEAST_SUBNORMAL = 2 ** -149;

/** The spacing of float32 values at |v| (v rounded to float32 first). */
function ulp(v: number): number {
  const f = new Float32Array([Math.abs(v)]);
  const bits = new Uint32Array(f.buffer);
  const at = f[0];
  bits[0] += 1;
  return f[0] - at;
}

/** float32 values across [lo, hi], both ends included. */
function grid(lo: number, hi: number, n: number): Float32Array {
  return Float32Array.from({ length: n + 1 }, (_, i) => lo + ((hi - lo) * i) / n);
}

/** float32 values of every magnitude up to `limit`, from random bit patterns (a seeded LCG). */
function randomBits(count: number, limit: number): Float32Array {
  const out = new Float32Array(count);
  const bits = new Uint32Array(out.buffer);
  let state = 12345;
  for (let i = 0; i < count; ) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    bits[i] = state;
    if (Math.abs(out[i]) <= limit) i++;
  }
  return out;
}

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));
const SPECIALS = [NaN, Infinity, -Infinity, 0, -0, 1e-45, -1e-45, 1e30, -1e30, 200, -200, 104.5, -104.5, -104, -103.9, -88.5, -87.5, -87, 87, 16.6, -16.6];

/** The worst error of `got` against ref in units of `allowed(x, want)`: at most 1 passes. */
function worstRatio(x: Float32Array, got: Float32Array, ref: (v: number) => number, allowed: (v: number, want: number) => number): { ratio: number; at: number } {
  let ratio = 0;
  let at = 0;
  for (let i = 0; i < x.length; i++) {
    const want = ref(x[i]);
    if (Number.isNaN(want)) {
      expect(got[i], `f(${x[i]})`).toBeNaN();
      continue;
    }
    if (!Number.isFinite(want)) {
      expect(got[i], `f(${x[i]})`).toBe(want);
      continue;
    }
    const r = Math.abs(got[i] - want) / allowed(x[i], want);
    if (r > ratio) [ratio, at] = [r, x[i]];
  }
  return { ratio, at };
}

const sigmoidBound = (_x: number, want: number): number => (want >= LEAST_NORMAL ? 2.5 * ulp(want) : LEAST_SUBNORMAL);

describe('wasm sigmoid (elementwise module)', () => {
  it.each([
    ['a dense grid over [-100, 100]', grid(-100, 100, 2_000_000)],
    ['random float32 bit patterns up to 100 in magnitude', randomBits(500_000, 100)],
    ['NaN, infinities, zeros, saturation and underflow edges', Float32Array.from({ length: 64 }, (_, i) => SPECIALS[i % SPECIALS.length])],
  ])('stays within 2.5 ulps (2^-149 for subnormal results) on %s', (_name, x) => {
    const out = new Float32Array(x.length);
    expect(wasmUnaryF32('sigmoid', x, out), 'the module runs here').toBe(true);
    const { ratio, at } = worstRatio(x, out, sigmoid, sigmoidBound);
    expect(ratio, `sigmoid: worst error at x = ${at}`).toBeLessThanOrEqual(1);
  });

  it('saturates exactly: 1 for large x, 0 past e^-x underflow, 0.5 at zero', () => {
    const x = Float32Array.from({ length: 64 }, (_, i) => [Infinity, 200, 1e30, -Infinity, -200, -1e30, -104.5, 0, -0, 1e-45][i % 10]);
    const out = new Float32Array(x.length);
    expect(wasmUnaryF32('sigmoid', x, out)).toBe(true);
    out.forEach((y, i) => expect(y, `sigmoid(${x[i]})`).toBe(Math.fround(sigmoid(x[i]))));
  });
});

describe('wasm tanh (elementwise module)', () => {
  it.each([
    ['a dense grid over [-12, 12]', grid(-12, 12, 1_000_000)],
    ['random float32 bit patterns up to 20 in magnitude', randomBits(500_000, 20)],
    ['NaN, infinities, zeros and large values', Float32Array.from({ length: 64 }, (_, i) => SPECIALS[i % SPECIALS.length])],
  ])('stays within 2 ulps on %s', (_name, x) => {
    const out = new Float32Array(x.length);
    expect(wasmUnaryF32('tanh', x, out)).toBe(true);
    const { ratio, at } = worstRatio(x, out, Math.tanh, (_v, want) => 2 * ulp(Math.max(Math.abs(want), LEAST_NORMAL)));
    expect(ratio, `tanh: worst error at x = ${at}`).toBeLessThanOrEqual(1);
  });
});

const variants: SimdVariant[] = ['simd', 'relaxed-simd'];
for (const variant of variants) {
  describe(`wasm Conv epilogue Sigmoid and SiLU, ${variant} build`, () => {
    const module = instantiateConv(variant);
    const cases: [string, ConvActivation, (v: number) => number, (v: number, want: number) => number][] = [
      ['Sigmoid', { kind: 'Sigmoid' }, sigmoid, sigmoidBound],
      ['SiLU', { kind: 'QuickGelu', alpha: 1 }, (v) => v * sigmoid(v), (v, want) => 3.5 * ulp(Math.max(Math.abs(want), LEAST_NORMAL)) + Math.abs(v) * LEAST_SUBNORMAL],
    ];
    it.skipIf(!module).each(cases)('%s matches float64 over [-100, 100] and at the edges', (_name, activation, ref, allowed) => {
      const kernel = new WasmConv(module!);
      const dense = grid(-100, 100, 200_001);
      const x = new Float32Array(dense.length + SPECIALS.length);
      x.set(dense);
      x.set(SPECIALS, dense.length);
      const win = slideWindow({ autoPad: 'NOTSET', kernelShape: [1], strides: [1], dilations: [1], pads: [0, 0] }, [x.length], [1]);
      const y = new Float32Array(x.length);
      expect(kernel.conv2dF32({ x, w: Float32Array.of(1), y, batch: 1, group: 1, inPerGroup: 1, outPerGroup: 1, activation }, win)).toBe(true);
      const { ratio, at } = worstRatio(x, y, ref, allowed);
      expect(ratio, `${activation.kind}: worst error at x = ${at}`).toBeLessThanOrEqual(1);
    });
  });
}
