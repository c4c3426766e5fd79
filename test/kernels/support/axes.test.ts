import { describe, expect, it } from 'vitest';
import { KernelInputError } from '../../../src/errors/errors.js';
import { normalizeAxes } from '../../../src/kernels/support/axes.js';

describe('normalizeAxes', () => {
  it('makes negative axes non-negative and keeps the order given', () => {
    expect(normalizeAxes([-1, 0, -3], 5, 'axes')).toEqual([4, 0, 2]);
    expect(normalizeAxes([2, -5, 1], 5, 'axes')).toEqual([2, 0, 1]);
  });

  it('takes an empty list, and axis 0 of a scalar', () => {
    expect(normalizeAxes([], 3, 'axes')).toEqual([]);
    expect(normalizeAxes([0], 0, 'axes')).toEqual([0]);
  });

  it('rejects an axis named twice, directly or through a negative alias', () => {
    expect(() => normalizeAxes([1, 1], 3, 'axes')).toThrow(new KernelInputError('axes [1,1] names axis 1 twice'));
    expect(() => normalizeAxes([0, 2, -1], 3, 'axes')).toThrow(new KernelInputError('axes [0,2,-1] names axis 2 twice'));
    expect(() => normalizeAxes([0, 2, -1], 3, 'axes')).toThrow(KernelInputError);
  });

  it('rejects axes out of range with the range in the message', () => {
    expect(() => normalizeAxes([0, 3], 3, 'axes')).toThrow(new KernelInputError('axes 3 is out of range for rank 3 (expected -3..2)'));
    expect(() => normalizeAxes([-4], 3, 'starts')).toThrow(new KernelInputError('starts -4 is out of range for rank 3 (expected -3..2)'));
  });

  it('rejects negative axes where the opset allows none, before any other check', () => {
    expect(() => normalizeAxes([0, -1], 3, 'axes', false)).toThrow(new KernelInputError('axes must be non-negative at this opset, got -1'));
    expect(normalizeAxes([2, 0], 3, 'axes', false)).toEqual([2, 0]);
  });

  it('agrees with a Set-based reference on random lists', () => {
    let seed = 7;
    const next = (n: number) => (seed = (seed * 1103515245 + 12345) % 2147483648) % n;
    for (let i = 0; i < 200; i++) {
      const rank = next(6) + 1;
      const axes = Array.from({ length: next(rank + 1) }, () => next(2 * rank) - rank);
      const seen = new Set(axes.map((a) => (a < 0 ? a + rank : a)));
      if (seen.size === axes.length) expect(normalizeAxes(axes, rank, 'axes')).toEqual(axes.map((a) => (a < 0 ? a + rank : a)));
      else expect(() => normalizeAxes(axes, rank, 'axes')).toThrow(/names axis \d twice/);
    }
  });
});
