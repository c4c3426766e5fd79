import { describe, expect, it } from 'vitest';
import { formatFloat, parseFloatString, parseIntegerString } from '../../../src/kernels/cast/string-conversion.js';

describe('formatFloat', () => {
  // Expected strings from C's printf("%.8g") (Python's '%.8g' % x).
  it.each([
    [0.47892547, '0.47892547'], [1, '1'], [-2.5, '-2.5'], [0.0001, '0.0001'], [0.00001, '1e-05'],
    [123456789, '1.2345679e+08'], [12345678, '12345678'], [99999999.5, '1e+08'], [1e16, '1e+16'],
    [1e-300, '1e-300'], [5e-324, '4.9406565e-324'], [1.7976931348623157e308, '1.7976931e+308'],
    [12346.0625, '12346.062'], [12346.1875, '12346.188'], [0.1, '0.1'], [1 / 3, '0.33333333'],
    [-1234.5678, '-1234.5678'], [100, '100'], [3.0517578125e-5, '3.0517578e-05'], [16777216, '16777216'], [2.5e-5, '2.5e-05'],
  ])('%d is written "%s"', (x, text) => {
    expect(formatFloat(x)).toBe(text);
  });

  it('writes the special values as the Cast literals', () => {
    expect([NaN, Infinity, -Infinity, 0, -0].map(formatFloat)).toEqual(['NaN', 'INF', '-INF', '0', '-0']);
  });
});

describe('parseFloatString', () => {
  it.each([
    ['3.14', 3.14], ['1e-5', 1e-5], ['1E8', 1e8], ['-0.5', -0.5], ['  42', 42], ['.5', 0.5], ['7abc', 7], ['+2', 2],
  ])('"%s" reads as %d', (s, v) => {
    expect(parseFloatString(s)).toBe(v);
  });

  it.each([['INF', Infinity], ['+INF', Infinity], ['-INF', -Infinity], ['inf', Infinity], ['-Infinity', -Infinity], ['iNf', Infinity]])(
    '"%s" reads as %d, case-insensitively',
    (s, v) => {
      expect(parseFloatString(s)).toBe(v);
    },
  );

  it('"NaN" in any case reads as NaN', () => {
    expect(['NaN', 'nan', 'NAN', '-nan'].map(parseFloatString).every(Number.isNaN)).toBe(true);
  });

  it('rejects text that is not a number', () => {
    expect(() => parseFloatString('Hello World!')).toThrow(/cannot cast the string "Hello World!" to a number/);
  });
});

describe('parseIntegerString', () => {
  it.each([['1000', 1000n], ['-7', -7n], ['100.5', 100n], [' 12', 12n], ['9223372036854775807', 9223372036854775807n], ['+3', 3n]])(
    '"%s" reads as %d',
    (s, v) => {
      expect(parseIntegerString(s)).toBe(v);
    },
  );

  it('rejects text without a leading integer', () => {
    expect(() => parseIntegerString('abc')).toThrow(/cannot cast the string "abc" to an integer/);
  });
});
