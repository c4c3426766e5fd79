import { describe, expect, it } from 'vitest';
import { float16BitsToNumber, numberToFloat16Bits } from '../../src/tensor/numeric/float16.js';
import { bfloat16BitsToNumber, numberToBfloat16Bits } from '../../src/tensor/numeric/bfloat16.js';
import { Rng } from '../support/random.js';

describe('float16', () => {
  it('round-trips every bit pattern that is not NaN', () => {
    for (let bits = 0; bits < 0x10000; bits++) {
      const v = float16BitsToNumber(bits);
      if (Number.isNaN(v)) expect(Number.isNaN(float16BitsToNumber(numberToFloat16Bits(v)))).toBe(true);
      else expect(numberToFloat16Bits(v), `bits 0x${bits.toString(16)}`).toBe(bits);
    }
  });

  it('rounds to nearest even, overflows to infinity, underflows to signed zero', () => {
    expect(numberToFloat16Bits(1 + 2 ** -11)).toBe(0x3c00);
    expect(numberToFloat16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02);
    expect(numberToFloat16Bits(65520)).toBe(0x7c00);
    expect(numberToFloat16Bits(65519)).toBe(0x7bff);
    expect(numberToFloat16Bits(-1e-9)).toBe(0x8000);
    expect(numberToFloat16Bits(2 ** -25)).toBe(0);
    expect(numberToFloat16Bits(3 * 2 ** -26)).toBe(1);
    expect(numberToFloat16Bits(-Infinity)).toBe(0xfc00);
  });

  it('is the nearest float16 for random values', () => {
    const rng = new Rng(1);
    for (let i = 0; i < 2000; i++) {
      const x = rng.uniform(-70000, 70000) * 10 ** rng.int(-8, 0);
      const y = float16BitsToNumber(numberToFloat16Bits(x));
      if (!Number.isFinite(y)) continue;
      const bits = numberToFloat16Bits(x);
      for (const neighbour of [bits - 1, bits + 1]) {
        const n = float16BitsToNumber(neighbour & 0xffff);
        if (Number.isFinite(n) && Math.sign(n) === Math.sign(y)) expect(Math.abs(x - y)).toBeLessThanOrEqual(Math.abs(x - n));
      }
    }
  });
});

describe('bfloat16', () => {
  it('round-trips every finite bit pattern', () => {
    for (let bits = 0; bits < 0x10000; bits++) {
      const v = bfloat16BitsToNumber(bits);
      if (!Number.isNaN(v)) expect(numberToBfloat16Bits(v)).toBe(bits);
    }
  });

  it('rounds to nearest even and keeps NaN a NaN', () => {
    expect(numberToBfloat16Bits(1 + 2 ** -8)).toBe(0x3f80);
    expect(numberToBfloat16Bits(1 + 3 * 2 ** -8)).toBe(0x3f82);
    expect(Number.isNaN(bfloat16BitsToNumber(numberToBfloat16Bits(NaN)))).toBe(true);
    expect(bfloat16BitsToNumber(numberToBfloat16Bits(3.4e38))).toBe(Infinity);
  });
});
