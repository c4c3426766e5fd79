/**
 * Gate activations in place: the float32 rational approximations against Math within their
 * stated bounds (3e-8 for tanh, 2e-8 for sigmoid), and activateInPlace / activateGates on runs
 * shorter and longer than the WebAssembly threshold (64), float32 and float64, touching nothing
 * outside the run.
 */
import { describe, expect, it } from 'vitest';
import { fastSigmoid, fastTanh } from '../../../src/kernels/support/fast-math.js';
import { activateGates, activateInPlace, float32Sigmoid, float32Tanh } from '../../../src/kernels/recurrent/gate-activations.js';
import { Rng } from '../../support/random.js';

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

describe('float32 gate approximations', () => {
  it('stay within 3e-8 (tanh) and 2e-8 (sigmoid) of Math on [-40, 40]', () => {
    let tanhError = 0;
    let sigmoidError = 0;
    for (let x = -40; x <= 40; x += 0.00037) {
      tanhError = Math.max(tanhError, Math.abs(float32Tanh(x) - Math.tanh(x)));
      sigmoidError = Math.max(sigmoidError, Math.abs(float32Sigmoid(x) - sigmoid(x)));
    }
    expect(tanhError).toBeLessThan(3e-8);
    expect(sigmoidError).toBeLessThan(2e-8);
  });

  it('saturate at the infinities and pass NaN through', () => {
    expect(float32Tanh(Infinity)).toBeCloseTo(1, 7);
    expect(float32Tanh(-Infinity)).toBeCloseTo(-1, 7);
    expect(float32Sigmoid(Infinity)).toBeCloseTo(1, 7);
    expect(float32Sigmoid(-Infinity)).toBeCloseTo(0, 7);
    expect(float32Tanh(NaN)).toBeNaN();
    expect(float32Sigmoid(NaN)).toBeNaN();
  });
});

describe.each([
  ['sigmoid', fastSigmoid, sigmoid],
  ['tanh', fastTanh, Math.tanh],
  ['a custom function', (x: number) => 0.5 * x + 1, (x: number) => 0.5 * x + 1],
] as const)('activateInPlace with %s', (name, f, reference) => {
  it.each([1, 7, 63, 64, 65, 203])('float32 and float64 runs of %i inside a larger array', (count) => {
    const rng = new Rng(700 + count);
    const from = 5;
    const values = Array.from({ length: from + count + 3 }, () => rng.uniform(-12, 12));
    for (const [Ctor, tol] of [[Float32Array, 1e-6], [Float64Array, 1e-12]] as const) {
      const data = Ctor.from(values);
      const before = Ctor.from(data);
      activateInPlace(f, data, from, count);
      for (let i = 0; i < data.length; i++) {
        const inside = i >= from && i < from + count;
        const expected = inside ? reference(before[i]) : before[i];
        expect(Math.abs(data[i] - expected), `${name} ${Ctor.name}[${i}] of a run of ${count}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(expected)));
      }
    }
  });
});

describe('activateGates', () => {
  it('clamps to the clip bound before the activation, and not at all without one', () => {
    const inputs = [-9, -1, 0.5, 3, 9];
    const data = Float32Array.from(inputs);
    activateGates(fastTanh, data, 0, 5, 2);
    inputs.forEach((x, i) => expect(data[i], `tanh(clamp(${x}, 2))`).toBeCloseTo(Math.tanh(Math.max(-2, Math.min(2, x))), 6));
    const unclipped = Float32Array.from([-9, 9]);
    activateGates((x) => x, unclipped, 0, 2, Infinity);
    expect(Array.from(unclipped)).toEqual([-9, 9]);
  });
});
