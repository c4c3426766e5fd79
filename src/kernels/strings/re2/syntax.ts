/**
 * RE2 patterns parsed to a small tree for the matcher. Only what a yes/no full match needs is
 * kept: captures become plain groups and laziness is dropped, since neither changes whether a
 * string matches. Constructs RE2 rejects (backreferences, lookaround, possessive or doubled
 * repetition, \Z) are errors here too, so a pattern means what it would in RE2; \C (one byte)
 * has no meaning over code points and is rejected as well.
 */
import { POSIX_CLASSES, classTest, complement, literalTest, rangesBody, type CharTest } from './char-class.js';
import { PatternCursor } from './cursor.js';
import { readEscape, type EscapeValue } from './escapes.js';

export type Assertion = 'begin-text' | 'end-text' | 'begin-line' | 'end-line' | 'word-boundary' | 'not-word-boundary';

export type RegexNode =
  | { readonly kind: 'empty' }
  | { readonly kind: 'char'; readonly test: CharTest }
  | { readonly kind: 'assert'; readonly at: Assertion }
  | { readonly kind: 'concat'; readonly items: readonly RegexNode[] }
  | { readonly kind: 'alt'; readonly items: readonly RegexNode[] }
  | { readonly kind: 'repeat'; readonly item: RegexNode; readonly min: number; readonly max: number };

interface Flags {
  /** (?i): case-insensitive. */
  i: boolean;
  /** (?m): ^ and $ match at line breaks. */
  m: boolean;
  /** (?s): . matches \n. */
  s: boolean;
}

interface Repetition {
  readonly min: number;
  readonly max: number;
}

/** RE2's limits on a counted repetition and on group nesting. */
const MAX_REPEAT = 1000;
const MAX_DEPTH = 1000;
const NEWLINE = 0x0a;
const ESCAPED_ASSERTIONS: Readonly<Record<string, Assertion>> = { A: 'begin-text', z: 'end-text', b: 'word-boundary', B: 'not-word-boundary' };

class Parser {
  private depth = 0;
  private flags: Flags = { i: false, m: false, s: false };
  private readonly cursor: PatternCursor;

  constructor(pattern: string) {
    this.cursor = new PatternCursor(pattern);
  }

  parse(): RegexNode {
    const node = this.alternation();
    if (!this.cursor.done) this.cursor.fail('unmatched )');
    return node;
  }

  private alternation(): RegexNode {
    const items = [this.concatenation()];
    while (this.cursor.eat('|')) items.push(this.concatenation());
    return items.length === 1 ? items[0] : { kind: 'alt', items };
  }

  private concatenation(): RegexNode {
    const items: RegexNode[] = [];
    while (!this.cursor.done && this.cursor.peekChar() !== '|' && this.cursor.peekChar() !== ')') {
      const atom = this.atom();
      if (atom) items.push(this.repetitions(atom));
    }
    return items.length === 0 ? { kind: 'empty' } : items.length === 1 ? items[0] : { kind: 'concat', items };
  }

  /** `{n}`, `{n,}` or `{n,m}` at the cursor, consumed; undefined (cursor kept) when the brace is a literal. */
  private counted(): Repetition | undefined {
    const match = /^\{(\d+)(,(\d*))?\}/.exec(this.cursor.rest());
    if (!match) return undefined;
    const min = Number(match[1]);
    const max = match[2] === undefined ? min : match[3] === '' ? Infinity : Number(match[3]);
    if (min > MAX_REPEAT || (max !== Infinity && max > MAX_REPEAT) || max < min) this.cursor.fail(`bad repetition ${match[0]}`);
    this.cursor.pos += match[0].length;
    return { min, max };
  }

  private repetitionAt(): Repetition | undefined {
    const c = this.cursor.peekChar();
    if (c === '*' || c === '+' || c === '?') {
      this.cursor.pos++;
      return { min: c === '+' ? 1 : 0, max: c === '?' ? 1 : Infinity };
    }
    return c === '{' ? this.counted() : undefined;
  }

  private repetitions(atom: RegexNode): RegexNode {
    const rep = this.repetitionAt();
    if (!rep) return atom;
    this.cursor.eat('?');
    const at = this.cursor.pos;
    if (this.repetitionAt()) this.cursor.fail(`bad repetition operator at offset ${at}`);
    return { kind: 'repeat', item: atom, ...rep };
  }

  private atom(): RegexNode | undefined {
    const c = this.cursor.peekChar();
    switch (c) {
      case '(':
        this.cursor.pos++;
        return this.group();
      case '[':
        this.cursor.pos++;
        return this.charClass();
      case '.': {
        this.cursor.pos++;
        const all = this.flags.s;
        return { kind: 'char', test: all ? () => true : (cp) => cp !== NEWLINE };
      }
      case '^':
        this.cursor.pos++;
        return { kind: 'assert', at: this.flags.m ? 'begin-line' : 'begin-text' };
      case '$':
        this.cursor.pos++;
        return { kind: 'assert', at: this.flags.m ? 'end-line' : 'end-text' };
      case '*': case '+': case '?':
        return this.cursor.fail(`missing argument to repetition operator ${c}`);
      case '{':
        if (this.counted()) this.cursor.fail('missing argument to repetition operator');
        this.cursor.pos++;
        return { kind: 'char', test: literalTest(0x7b, false) };
      case '\\':
        this.cursor.pos++;
        return this.escapeAtom();
      default:
        return { kind: 'char', test: literalTest(this.cursor.next(), this.flags.i) };
    }
  }

  /** After '(': a capturing, named or non-capturing group, or a flag group. */
  private group(): RegexNode | undefined {
    const cursor = this.cursor;
    if (cursor.eat('?')) {
      if (cursor.peekChar() === 'P' && cursor.peekChar(1) === '<') cursor.pos++;
      if (cursor.peekChar() === '<' && /^[A-Za-z_]$/.test(cursor.peekChar(1))) {
        while (cursor.peekChar() !== '>') cursor.next();
        cursor.pos++;
      } else if (!cursor.eat(':')) {
        return this.flagGroup();
      }
    }
    return this.groupBody();
  }

  private groupBody(): RegexNode {
    if (++this.depth > MAX_DEPTH) this.cursor.fail(`groups nest deeper than ${MAX_DEPTH}`);
    const saved = { ...this.flags };
    const node = this.alternation();
    if (!this.cursor.eat(')')) this.cursor.fail('missing )');
    this.flags = saved;
    this.depth--;
    return node;
  }

  /** `(?flags)` sets flags to the end of the enclosing group; `(?flags:re)` only inside. */
  private flagGroup(): RegexNode | undefined {
    const updated = { ...this.flags };
    let value = true;
    for (;;) {
      const c = this.cursor.nextChar();
      if (c === 'i' || c === 'm' || c === 's') updated[c] = value;
      else if (c === 'U') continue; // Ungreedy changes which match is found, never whether one is.
      else if (c === '-' && value) value = false;
      else if (c === ')') {
        this.flags = updated;
        return undefined;
      } else if (c === ':') {
        const outer = this.flags;
        this.flags = updated;
        const node = this.groupBody();
        this.flags = outer;
        return node;
      } else {
        return this.cursor.fail(`unsupported group syntax (?${c}`);
      }
    }
  }

  private escapeAtom(): RegexNode {
    const assertion = ESCAPED_ASSERTIONS[this.cursor.peekChar()];
    if (assertion) {
      this.cursor.pos++;
      return { kind: 'assert', at: assertion };
    }
    if (this.cursor.eat('Q')) {
      const items: RegexNode[] = [];
      while (!this.cursor.done && !(this.cursor.peekChar() === '\\' && this.cursor.peekChar(1) === 'E')) {
        items.push({ kind: 'char', test: literalTest(this.cursor.next(), this.flags.i) });
      }
      if (!this.cursor.done) this.cursor.pos += 2;
      return { kind: 'concat', items };
    }
    const value = readEscape(this.cursor);
    return { kind: 'char', test: 'cp' in value ? literalTest(value.cp, this.flags.i) : classTest(value.body, false, this.flags.i) };
  }

  /** After '[': items up to the closing ']' (a ']' first is literal), with POSIX names, escapes and ranges. */
  private charClass(): RegexNode {
    const cursor = this.cursor;
    const negated = cursor.eat('^');
    let body = '';
    let first = true;
    while (first || cursor.peekChar() !== ']') {
      if (cursor.done) cursor.fail('missing ]');
      first = false;
      const posix = /^\[:(\^?)([a-z]+):\]/.exec(cursor.rest());
      if (posix) {
        const ranges = POSIX_CLASSES[posix[2]];
        if (!ranges) cursor.fail(`unknown POSIX class ${posix[0]}`);
        body += rangesBody(posix[1] ? complement(ranges) : ranges);
        cursor.pos += posix[0].length;
        continue;
      }
      const lo = this.classAtom();
      if (!('cp' in lo)) {
        body += lo.body;
      } else if (cursor.peekChar() === '-' && cursor.peekChar(1) !== ']' && cursor.peek(1) !== undefined) {
        cursor.pos++;
        const hi = this.classAtom();
        if (!('cp' in hi) || hi.cp < lo.cp) return cursor.fail('bad character class range');
        body += rangesBody([[lo.cp, hi.cp]]);
      } else {
        body += rangesBody([[lo.cp, lo.cp]]);
      }
    }
    cursor.pos++;
    return { kind: 'char', test: classTest(body, negated, this.flags.i) };
  }

  private classAtom(): EscapeValue {
    const cp = this.cursor.next();
    return cp === 0x5c ? readEscape(this.cursor) : { cp };
  }
}

export function parseRe2(pattern: string): RegexNode {
  return new Parser(pattern).parse();
}
