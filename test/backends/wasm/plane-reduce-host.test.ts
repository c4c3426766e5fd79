import { describe, expect, it } from 'vitest';
import { wasmPlaneReduceF32 } from '../../../src/backends/wasm/plane-reduce-host.js';
import { Rng } from '../../support/random.js';

function randomPlanes(rng: Rng, planes: number, planeSize: number): Float32Array {
  return Float32Array.from({ length: planes * planeSize }, () => rng.next() * 8 - 4);
}

function meanOf(x: Float32Array, from: number, size: number): number {
  let sum = 0;
  for (let i = from; i < from + size; i++) sum += x[i];
  return sum / size;
}

/** NaN never replaces a maximum, as in the TypeScript kernel. */
function maxOf(x: Float32Array, from: number, size: number): number {
  let max = -Infinity;
  for (let i = from; i < from + size; i++) if (x[i] > max) max = x[i];
  return max;
}

describe('plane reductions on the elementwise module', () => {
  const rng = new Rng(31);
  // Plane sizes around the 8- and 4-wide vectors, odd and even, small and large.
  const cases = [[1, 16], [3, 17], [5, 23], [2, 31], [4, 64], [7, 163], [3, 640], [1, 1001], ...Array.from({ length: 8 }, () => [rng.int(1, 9), rng.int(16, 400)])];
  it.each(cases)('%i planes of %i: mean and max match the double-precision loop', (planes, planeSize) => {
    const x = randomPlanes(new Rng(planes * 1000 + planeSize), planes, planeSize);
    const mean = new Float32Array(planes);
    const max = new Float32Array(planes);
    expect(wasmPlaneReduceF32('mean', x, mean, planes, planeSize), 'the module runs here').toBe(true);
    expect(wasmPlaneReduceF32('max', x, max, planes, planeSize)).toBe(true);
    for (let p = 0; p < planes; p++) {
      // Float32 partial sums of values in [-4, 4): within 1e-5 of the exact mean.
      expect(Math.abs(mean[p] - meanOf(x, p * planeSize, planeSize)), `mean of plane ${p}`).toBeLessThan(1e-5);
      expect(max[p], `max of plane ${p}`).toBe(maxOf(x, p * planeSize, planeSize));
    }
  });

  it('reads only its planes: values past the last plane change nothing', () => {
    const planes = 3;
    const planeSize = 21;
    const x = randomPlanes(new Rng(5), planes + 1, planeSize);
    x.fill(1e30, planes * planeSize);
    const y = new Float32Array(planes);
    expect(wasmPlaneReduceF32('max', x, y, planes, planeSize)).toBe(true);
    for (let p = 0; p < planes; p++) expect(y[p]).toBe(maxOf(x, p * planeSize, planeSize));
  });

  it('max skips NaN and keeps infinities; mean carries NaN', () => {
    const planeSize = 19;
    const x = randomPlanes(new Rng(9), 3, planeSize);
    x[3] = NaN;
    x[planeSize + 18] = Infinity;
    x.fill(NaN, 2 * planeSize, 3 * planeSize);
    const max = new Float32Array(3);
    const mean = new Float32Array(3);
    expect(wasmPlaneReduceF32('max', x, max, 3, planeSize)).toBe(true);
    expect(wasmPlaneReduceF32('mean', x, mean, 3, planeSize)).toBe(true);
    expect(max[0]).toBe(maxOf(x, 0, planeSize));
    expect(max[1]).toBe(Infinity);
    expect(max[2]).toBe(-Infinity);
    expect(mean[0]).toBeNaN();
    expect(mean[2]).toBeNaN();
  });

  it('declines planes too small for the call to pay, and empty input', () => {
    const y = new Float32Array(4);
    expect(wasmPlaneReduceF32('mean', new Float32Array(60), y, 4, 15)).toBe(false);
    expect(wasmPlaneReduceF32('mean', new Float32Array(0), y, 0, 16)).toBe(false);
  });

  it('copies in chunks of whole planes where X lies outside the heap and is large', () => {
    const planes = 40;
    const planeSize = 3001;
    const x = randomPlanes(new Rng(77), planes, planeSize);
    const y = new Float32Array(planes);
    expect(wasmPlaneReduceF32('mean', x, y, planes, planeSize)).toBe(true);
    for (let p = 0; p < planes; p++) expect(Math.abs(y[p] - meanOf(x, p * planeSize, planeSize))).toBeLessThan(1e-5);
  });
});
