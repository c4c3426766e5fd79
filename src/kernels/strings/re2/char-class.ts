/**
 * Character tests for the RE2 matcher. RE2's classes are ASCII ranges (\d \s \w, the POSIX
 * names) plus Unicode properties; each class is rendered as a JavaScript character class and
 * tested one code point at a time, which lets the engine's Unicode tables and simple case
 * folding (the 'iu' flags fold the way RE2's (?i) does) do the work without any backtracking.
 */
export type CharTest = (cp: number) => boolean;
export type Ranges = readonly (readonly [number, number])[];

const MAX_CODE_POINT = 0x10ffff;
const r = (a: string, b = a): [number, number] => [a.codePointAt(0) ?? 0, b.codePointAt(0) ?? 0];

/** RE2's Perl classes are ASCII-only, unlike JavaScript's Unicode \s. */
export const PERL_CLASSES: Readonly<Record<string, Ranges>> = {
  d: [r('0', '9')],
  s: [r('\t', '\n'), r('\f', '\r'), r(' ')],
  w: [r('0', '9'), r('A', 'Z'), r('_'), r('a', 'z')],
};

export const POSIX_CLASSES: Readonly<Record<string, Ranges>> = {
  alnum: [r('0', '9'), r('A', 'Z'), r('a', 'z')],
  alpha: [r('A', 'Z'), r('a', 'z')],
  ascii: [[0, 0x7f]],
  blank: [r('\t'), r(' ')],
  cntrl: [[0, 0x1f], [0x7f, 0x7f]],
  digit: [r('0', '9')],
  graph: [r('!', '~')],
  lower: [r('a', 'z')],
  print: [r(' ', '~')],
  punct: [r('!', '/'), r(':', '@'), r('[', '`'), r('{', '~')],
  space: [r('\t', '\r'), r(' ')],
  upper: [r('A', 'Z')],
  word: [r('0', '9'), r('A', 'Z'), r('_'), r('a', 'z')],
  xdigit: [r('0', '9'), r('A', 'F'), r('a', 'f')],
};

/** RE2's word characters for \b, which are ASCII-only like \w. */
export function isWordChar(cp: number): boolean {
  return PERL_CLASSES.w.some(([lo, hi]) => cp >= lo && cp <= hi);
}

/** The code points not in `ranges` (which must be sorted and disjoint, as the tables above are). */
export function complement(ranges: Ranges): Ranges {
  const out: [number, number][] = [];
  let next = 0;
  for (const [lo, hi] of ranges) {
    if (lo > next) out.push([next, lo - 1]);
    next = hi + 1;
  }
  if (next <= MAX_CODE_POINT) out.push([next, MAX_CODE_POINT]);
  return out;
}

const hex = (cp: number): string => `\\u{${cp.toString(16)}}`;

/** Ranges as the body of a JavaScript 'u'-mode character class. */
export function rangesBody(ranges: Ranges): string {
  return ranges.map(([lo, hi]) => (lo === hi ? hex(lo) : `${hex(lo)}-${hex(hi)}`)).join('');
}

/**
 * A Unicode class name as RE2 writes it (\pL, \p{Greek}, \p{Any}) as a class body, or
 * undefined when the name is unknown. One- and two-letter names are general categories;
 * longer ones are scripts, which JavaScript spells Script=Name.
 */
export function unicodeClassBody(name: string, negated: boolean): string | undefined {
  if (name === 'Any') return negated ? '' : rangesBody([[0, MAX_CODE_POINT]]);
  const property = /^[A-Z][a-z]?$/.test(name) ? `General_Category=${name}` : `Script=${name}`;
  const body = `\\${negated ? 'P' : 'p'}{${property}}`;
  try {
    new RegExp(`[${body}]`, 'u');
  } catch {
    return undefined;
  }
  return body;
}

export function literalTest(cp: number, foldCase: boolean): CharTest {
  return foldCase ? classTest(hex(cp), false, true) : (c) => c === cp;
}

export function classTest(body: string, negated: boolean, foldCase: boolean): CharTest {
  // An empty body is an empty class: it matches nothing, or everything when negated.
  if (body === '') return () => negated;
  const re = new RegExp(`^[${negated ? '^' : ''}${body}]$`, foldCase ? 'iu' : 'u');
  return (cp) => re.test(String.fromCodePoint(cp));
}
