import { describe, expect, it } from 'vitest';
import { decodeMinifloat, encodeMinifloat, minifloatDecodeTable, type MinifloatType } from '../../src/tensor/numeric/minifloat.js';

const IEEE_LIKE: MinifloatType[] = ['float8e4m3fn', 'float8e4m3fnuz', 'float8e5m2', 'float8e5m2fnuz', 'float4e2m1'];

/** The formats' landmarks, from the OCP FP8 / MX specs and the ONNX float8 notes. */
const LANDMARKS: Record<string, { max: number; minSubnormal: number; minNormal: number; codes: number }> = {
  float8e4m3fn: { max: 448, minSubnormal: 2 ** -9, minNormal: 2 ** -6, codes: 256 },
  float8e4m3fnuz: { max: 240, minSubnormal: 2 ** -10, minNormal: 2 ** -7, codes: 256 },
  float8e5m2: { max: 57344, minSubnormal: 2 ** -16, minNormal: 2 ** -14, codes: 256 },
  float8e5m2fnuz: { max: 57344, minSubnormal: 2 ** -17, minNormal: 2 ** -15, codes: 256 },
  float4e2m1: { max: 6, minSubnormal: 0.5, minNormal: 1, codes: 16 },
};

describe('decoding', () => {
  it.each(IEEE_LIKE)('%s has the landmark values of its format', (type) => {
    const table = Array.from(minifloatDecodeTable(type));
    const { max, minSubnormal, minNormal, codes } = LANDMARKS[type];
    expect(table.length).toBe(codes);
    const finite = table.filter(Number.isFinite);
    expect(Math.max(...finite)).toBe(max);
    expect(Math.min(...finite)).toBe(-max);
    expect(Math.min(...finite.filter((v) => v > 0))).toBe(minSubnormal);
    expect(table[1]).toBe(minSubnormal);
    expect(table).toContain(minNormal);
  });

  it('float4e2m1 decodes to the eight E2M1 magnitudes and their negatives', () => {
    expect(Array.from(minifloatDecodeTable('float4e2m1'))).toEqual([0, 0.5, 1, 1.5, 2, 3, 4, 6, -0, -0.5, -1, -1.5, -2, -3, -4, -6]);
  });

  it('places NaN and infinity where each format keeps them', () => {
    const nanCodes = (type: MinifloatType) => Array.from(minifloatDecodeTable(type).keys()).filter((c) => Number.isNaN(decodeMinifloat(type, c)));
    expect(nanCodes('float8e4m3fn')).toEqual([0x7f, 0xff]);
    expect(nanCodes('float8e4m3fnuz')).toEqual([0x80]);
    expect(nanCodes('float8e5m2')).toEqual([0x7d, 0x7e, 0x7f, 0xfd, 0xfe, 0xff]);
    expect(nanCodes('float8e5m2fnuz')).toEqual([0x80]);
    expect(nanCodes('float4e2m1')).toEqual([]);
    expect(nanCodes('float8e8m0')).toEqual([0xff]);
    expect([decodeMinifloat('float8e5m2', 0x7c), decodeMinifloat('float8e5m2', 0xfc)]).toEqual([Infinity, -Infinity]);
    expect(Object.is(decodeMinifloat('float8e4m3fn', 0x80), -0)).toBe(true);
  });

  it('float8e8m0 decodes code c to 2^(c-127)', () => {
    expect([0, 1, 126, 127, 128, 254].map((c) => decodeMinifloat('float8e8m0', c))).toEqual([2 ** -127, 2 ** -126, 0.5, 1, 2, 2 ** 127]);
  });
});

describe('encoding to the IEEE-like formats', () => {
  it.each(IEEE_LIKE)('%s: every finite value encodes back to its own code', (type) => {
    const table = minifloatDecodeTable(type);
    for (let code = 0; code < table.length; code++) {
      const v = table[code];
      if (Number.isNaN(v) || !Number.isFinite(v)) continue;
      expect(encodeMinifloat(type, v), `${type} code ${code} (${v})`).toBe(code);
    }
  });

  it.each(IEEE_LIKE)('%s: values between two neighbours round to the nearer, ties to the even code', (type) => {
    const table = minifloatDecodeTable(type);
    const positives = Array.from(table.keys()).filter((c) => Number.isFinite(table[c]) && table[c] >= 0 && !Object.is(table[c], -0)).sort((a, b) => table[a] - table[b]);
    for (let i = 0; i + 1 < positives.length; i++) {
      const [lo, hi] = [positives[i], positives[i + 1]];
      const mid = (table[lo] + table[hi]) / 2;
      const even = (lo & 1) === 0 ? lo : hi;
      expect(encodeMinifloat(type, mid), `${type} tie between codes ${lo} and ${hi}`).toBe(even);
      expect(encodeMinifloat(type, mid * (1 - 1e-9))).toBe(lo);
      expect(encodeMinifloat(type, mid * (1 + 1e-9))).toBe(hi);
      if (type !== 'float8e4m3fnuz' && type !== 'float8e5m2fnuz') expect(encodeMinifloat(type, -mid)).toBe(even | (table.length >> 1));
    }
  });

  // The saturate tables of the Cast operator, row by row.
  const SATURATING: [MinifloatType, number, number, number][] = [
    // type, code of FLT_MAX, code of -FLT_MAX, code of -0 (fnuz: +0)
    ['float8e4m3fn', 0x7e, 0xfe, 0x80],
    ['float8e4m3fnuz', 0x7f, 0xff, 0x00],
    ['float8e5m2', 0x7b, 0xfb, 0x80],
    ['float8e5m2fnuz', 0x7f, 0xff, 0x00],
  ];
  it.each(SATURATING)('%s with saturate: infinities and overflow clamp to +-FLT_MAX', (type, max, negMax, negZero) => {
    const big = LANDMARKS[type].max * 4;
    expect([Infinity, -Infinity, big, -big].map((v) => encodeMinifloat(type, v, true))).toEqual([max, negMax, max, negMax]);
    expect(encodeMinifloat(type, 0, true)).toBe(0);
    expect(encodeMinifloat(type, -0, true)).toBe(negZero);
    expect(Number.isNaN(decodeMinifloat(type, encodeMinifloat(type, NaN, true)))).toBe(true);
  });

  it('without saturate: e4m3fn gives NaN with the sign, the fnuz types NaN, e5m2 infinity', () => {
    const cases: [MinifloatType, number[]][] = [
      ['float8e4m3fn', [0x7f, 0xff, 0x7f, 0xff]],
      ['float8e4m3fnuz', [0x80, 0x80, 0x80, 0x80]],
      ['float8e5m2', [0x7c, 0xfc, 0x7c, 0xfc]],
      ['float8e5m2fnuz', [0x80, 0x80, 0x80, 0x80]],
    ];
    for (const [type, expected] of cases) {
      const big = LANDMARKS[type].max * 4;
      expect([Infinity, -Infinity, big, -big].map((v) => encodeMinifloat(type, v, false)), type).toEqual(expected);
    }
  });

  it('overflow is decided after rounding: [x] <= FLT_MAX keeps FLT_MAX, [x] > FLT_MAX overflows', () => {
    // e4m3fn: 464 is the tie between 448 (even) and 480 (the NaN pattern); 480 rounds to itself.
    expect(encodeMinifloat('float8e4m3fn', 464, false)).toBe(0x7e);
    expect(encodeMinifloat('float8e4m3fn', 465, false)).toBe(0x7f);
    expect(encodeMinifloat('float8e4m3fn', 480, false)).toBe(0x7f);
    // e5m2: 61440 is the tie between 57344 (odd mantissa) and 65536 (even): it rounds up, to infinity.
    expect(encodeMinifloat('float8e5m2', 61439, false)).toBe(0x7b);
    expect(encodeMinifloat('float8e5m2', 61440, false)).toBe(0x7c);
    expect(encodeMinifloat('float8e5m2', -62000, false)).toBe(0xfc);
    expect(encodeMinifloat('float8e5m2', 61440, true)).toBe(0x7b);
  });

  it('float4e2m1 has no NaN or infinity: out-of-range values always saturate, NaN becomes -0 as in the ONNX reference', () => {
    expect([9, 1e6, Infinity, -Infinity, -8, 7, 6.99].map((v) => encodeMinifloat('float4e2m1', v, false))).toEqual([7, 7, 7, 15, 15, 7, 7]);
    expect(encodeMinifloat('float4e2m1', NaN)).toBe(8);
    // 5 is the tie between 4 (code 6) and 6 (code 7): even code wins.
    expect([0.25, 0.75, 2.5, 5, 0.24].map((v) => encodeMinifloat('float4e2m1', v))).toEqual([0, 2, 4, 6, 0]);
  });

  it('tiny values underflow to zero with their sign (no negative zero in fnuz)', () => {
    expect(encodeMinifloat('float8e4m3fn', -1e-7)).toBe(0x80);
    expect(encodeMinifloat('float8e4m3fnuz', -1e-7)).toBe(0);
    expect(encodeMinifloat('float8e5m2', 2 ** -17)).toBe(0);
    expect(encodeMinifloat('float8e5m2', 2 ** -17 * 1.0001)).toBe(1);
  });
});

describe('encoding to float8e8m0', () => {
  const CASES: [number, 'up' | 'down' | 'nearest', boolean, number][] = [
    // value, round mode, saturate, expected code (2^(code-127))
    [1, 'up', true, 127], [1, 'down', true, 127], [1, 'nearest', true, 127],
    [1.1, 'up', true, 128], [1.1, 'down', true, 127], [1.1, 'nearest', true, 127],
    [1.5, 'nearest', true, 128], [1.49, 'nearest', true, 127], [0.124, 'up', true, 124], [0.124, 'down', true, 123],
    [3, 'up', false, 129], [2 ** 127, 'up', true, 254], [2 ** 127 * 1.5, 'up', true, 254], [2 ** 127 * 1.5, 'up', false, 255],
    [2 ** 127 * 1.5, 'down', false, 254], [Infinity, 'up', true, 254], [Infinity, 'nearest', false, 255],
    [0, 'up', true, 0], [0, 'nearest', false, 255], [NaN, 'up', true, 255], [2 ** -127, 'down', true, 0],
    [2 ** -130, 'up', true, 0], [2 ** -130, 'nearest', false, 255], [2 ** -126 * 1.2, 'up', true, 2],
  ];
  it.each(CASES)('%d rounded %s (saturate=%s) is code %i', (value, mode, saturate, code) => {
    expect(encodeMinifloat('float8e8m0', value, saturate, mode)).toBe(code);
  });

  it('takes the value at float32 precision, as the ONNX reference does', () => {
    // 1 + 2^-30 is 1 in float32, so rounding up leaves it at 2^0.
    expect(encodeMinifloat('float8e8m0', 1 + 2 ** -30, true, 'up')).toBe(127);
  });
});
