/**
 * Numbers to and from strings the way Cast does it. Formatting follows onnxruntime, which
 * writes floats as C's "%.8g" (8 significant digits, numpy's float32 precision) and the
 * special values as "NaN", "INF" and "-INF", the literals the spec reserves for parsing.
 * Parsing follows the C library calls onnxruntime makes: strtod for floats (a leading
 * numeric prefix, case-insensitive "inf"/"infinity"/"nan") and strtoll for integers (a
 * leading integer, so "100.5" reads as 100).
 */
import { KernelInputError } from '../../errors/errors.js';

const SIGNIFICANT_DIGITS = 8;

const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);

/** |x| as an exact decimal: the digits of an integer D and p with |x| = D * 10^p. */
function exactDecimal(x: number): { digits: string; power: number } {
  f64[0] = Math.abs(x);
  const bits = u64[0];
  const biased = Number(bits >> 52n);
  const fraction = bits & 0xfffffffffffffn;
  const mantissa = biased === 0 ? fraction : fraction | (1n << 52n);
  const exponent = (biased === 0 ? 1 : biased) - 1075;
  // m * 2^-k = (m * 5^k) * 10^-k: exact in integers.
  if (exponent >= 0) return { digits: (mantissa << BigInt(exponent)).toString(), power: 0 };
  return { digits: (mantissa * 5n ** BigInt(-exponent)).toString(), power: exponent };
}

/**
 * The 8 significant digits of |x| (x finite, nonzero) rounded half to even, as printf
 * rounds, and the decimal exponent of the first. toExponential rounds ties away from zero,
 * so a true tie (9th digit 5 and nothing after it) takes the exact path.
 */
function roundedSignificand(x: number): { digits: string; exponent: number } {
  const nine = Math.abs(x).toExponential(SIGNIFICANT_DIGITS);
  if (nine[SIGNIFICANT_DIGITS + 1] !== '5') {
    const s = Math.abs(x).toExponential(SIGNIFICANT_DIGITS - 1);
    const e = s.indexOf('e');
    return { digits: s[0] + s.slice(2, e), exponent: Number(s.slice(e + 1)) };
  }
  const { digits, power } = exactDecimal(x);
  let exponent = digits.length - 1 + power;
  if (digits.length <= SIGNIFICANT_DIGITS) return { digits: digits.padEnd(SIGNIFICANT_DIGITS, '0'), exponent };
  let kept = BigInt(digits.slice(0, SIGNIFICANT_DIGITS));
  const rest = digits.slice(SIGNIFICANT_DIGITS);
  const tie = rest[0] === '5' && /^50*$/.test(rest);
  if (rest[0] > '5' || (rest[0] === '5' && !tie) || (tie && kept % 2n === 1n)) kept++;
  let text = kept.toString();
  if (text.length > SIGNIFICANT_DIGITS) {
    text = text.slice(0, SIGNIFICANT_DIGITS);
    exponent++;
  }
  return { digits: text, exponent };
}

/** A float as C's "%.8g" writes it; NaN and the infinities as the Cast literals. */
export function formatFloat(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'INF';
  if (x === -Infinity) return '-INF';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const sign = x < 0 ? '-' : '';
  const { digits, exponent } = roundedSignificand(x);
  const significant = digits.replace(/0+$/, '');
  if (exponent < -4 || exponent >= SIGNIFICANT_DIGITS) {
    const mantissa = significant.length > 1 ? `${significant[0]}.${significant.slice(1)}` : significant;
    const magnitude = String(Math.abs(exponent)).padStart(2, '0');
    return `${sign}${mantissa}e${exponent < 0 ? '-' : '+'}${magnitude}`;
  }
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${significant}`;
  const whole = significant.slice(0, exponent + 1).padEnd(exponent + 1, '0');
  const fraction = significant.slice(exponent + 1);
  return fraction ? `${sign}${whole}.${fraction}` : `${sign}${whole}`;
}

const SPECIAL = /^\s*([+-]?)(inf(?:inity)?|nan)/i;
const INTEGER_PREFIX = /^\s*([+-]?\d+)/;

/** A string as strtod reads it: the longest numeric prefix; none is an error. */
export function parseFloatString(s: string): number {
  const special = SPECIAL.exec(s);
  if (special) {
    if (special[2].toLowerCase() === 'nan') return NaN;
    return special[1] === '-' ? -Infinity : Infinity;
  }
  const value = Number.parseFloat(s);
  if (Number.isNaN(value)) throw new KernelInputError(`cannot cast the string ${JSON.stringify(s)} to a number`);
  return value;
}

/** A string as strtoll reads it: the leading integer, exactly; none is an error. */
export function parseIntegerString(s: string): bigint {
  const match = INTEGER_PREFIX.exec(s);
  if (!match) throw new KernelInputError(`cannot cast the string ${JSON.stringify(s)} to an integer`);
  return BigInt(match[1]);
}
