/**
 * RE2 escapes after a backslash, shared by atoms and character classes: control characters,
 * octal and hex codes, the ASCII Perl classes and Unicode classes. Any other escaped ASCII
 * character that is not a letter or digit stands for itself; other escapes are errors, and a
 * lone \1..\7 is a backreference, which RE2 does not support.
 */
import { PERL_CLASSES, complement, rangesBody, unicodeClassBody } from './char-class.js';
import type { PatternCursor } from './cursor.js';

/** A class escape, as a class body, or a single code point. */
export type EscapeValue = { readonly body: string } | { readonly cp: number };

const CONTROL: Readonly<Record<string, number>> = { a: 7, f: 12, t: 9, n: 10, r: 13, v: 11 };
const isOctal = (c: string): boolean => c >= '0' && c <= '7';

export function readEscape(cursor: PatternCursor): EscapeValue {
  const cp = cursor.next();
  const c = String.fromCodePoint(cp);
  if (CONTROL[c] !== undefined) return { cp: CONTROL[c] };
  const perl = PERL_CLASSES[c.toLowerCase()];
  if (perl) return { body: rangesBody(c === c.toLowerCase() ? perl : complement(perl)) };
  if (c === 'p' || c === 'P') return { body: unicodeClass(cursor, c === 'P') };
  if (c === 'x') return { cp: hexEscape(cursor) };
  if (isOctal(c)) {
    const next = cursor.peekChar();
    if (c !== '0' && !(next >= '0' && next <= '9')) cursor.fail(`backreference \\${c} is not supported`);
    let value = cp - 0x30;
    for (let k = 0; k < 2 && isOctal(cursor.peekChar()); k++) value = value * 8 + cursor.next() - 0x30;
    return { cp: value };
  }
  if (cp < 0x80 && !/[0-9A-Za-z]/.test(c)) return { cp };
  return cursor.fail(`invalid escape \\${c}`);
}

/** Text up to the next '}', after a '{' has been read. */
function braced(cursor: PatternCursor): string {
  let text = '';
  while (cursor.peekChar() !== '}') text += cursor.nextChar();
  cursor.pos++;
  return text;
}

function hexEscape(cursor: PatternCursor): number {
  const digits = cursor.eat('{') ? braced(cursor) : cursor.nextChar() + cursor.nextChar();
  const value = /^[0-9A-Fa-f]+$/.test(digits) ? parseInt(digits, 16) : NaN;
  if (!(value <= 0x10ffff)) cursor.fail(`invalid hex escape \\x${digits}`);
  return value;
}

function unicodeClass(cursor: PatternCursor, negated: boolean): string {
  let name = cursor.eat('{') ? braced(cursor) : cursor.nextChar();
  if (name.startsWith('^')) {
    negated = !negated;
    name = name.slice(1);
  }
  const body = unicodeClassBody(name, negated);
  if (body === undefined) cursor.fail(`unknown Unicode class ${name}`);
  return body;
}
