/**
 * Tokens of the ONNX textual syntax (onnx/defs/parser.cc), as function bodies are written in it:
 * identifiers, numbers, quoted strings and punctuation, each with the line and column it starts
 * at so a parse error can point at it. `#` starts a comment that runs to the end of the line.
 */
import { FunctionSyntaxError } from './syntax-error.js';

export type TokenKind = 'ident' | 'number' | 'string' | 'punct' | 'end';

export interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  readonly line: number;
  readonly column: number;
}

// '-' alone signs a named number (-inf); a signed digit is lexed as part of its number.
const PUNCTUATION = ['=>', '<', '>', '(', ')', '{', '}', '[', ']', ',', '=', ':', '@', '.', '-'];

const IDENT_START = /[A-Za-z_]/;
const IDENT_PART = /[A-Za-z0-9_]/;
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/;

export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const push = (kind: TokenKind, text: string, start: number): void => {
    tokens.push({ kind, text, line, column: start - lineStart + 1 });
  };
  while (i < source.length) {
    const c = source[i];
    if (c === '\n') {
      i++;
      line++;
      lineStart = i;
    } else if (c === ' ' || c === '\t' || c === '\r') {
      i++;
    } else if (c === '#') {
      while (i < source.length && source[i] !== '\n') i++;
    } else if (IDENT_START.test(c)) {
      const start = i;
      while (i < source.length && IDENT_PART.test(source[i])) i++;
      push('ident', source.slice(start, i), start);
    } else if (c === '"') {
      const start = i;
      let text = '';
      i++;
      while (i < source.length && source[i] !== '"') {
        if (source[i] === '\n') break;
        if (source[i] === '\\' && i + 1 < source.length) i++;
        text += source[i++];
      }
      if (source[i] !== '"') {
        throw new FunctionSyntaxError('unterminated string', line, start - lineStart + 1);
      }
      i++;
      push('string', text, start);
    } else {
      const number = /[0-9.+-]/.test(c) ? NUMBER.exec(source.slice(i)) : null;
      if (number) {
        push('number', number[0], i);
        i += number[0].length;
        continue;
      }
      const punct = PUNCTUATION.find((p) => source.startsWith(p, i));
      if (punct === undefined) {
        throw new FunctionSyntaxError(`unexpected character '${c}'`, line, i - lineStart + 1);
      }
      push('punct', punct, i);
      i += punct.length;
    }
  }
  tokens.push({ kind: 'end', text: '', line, column: i - lineStart + 1 });
  return tokens;
}
