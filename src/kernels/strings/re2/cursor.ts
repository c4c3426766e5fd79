/** A position in an RE2 pattern, read by code point, with errors that quote the pattern. */
import { KernelInputError } from '../../../errors/errors.js';

export class PatternCursor {
  pos = 0;
  private readonly cps: number[];

  constructor(readonly pattern: string) {
    this.cps = Array.from(pattern, (c) => c.codePointAt(0) ?? 0);
  }

  get done(): boolean {
    return this.pos >= this.cps.length;
  }

  fail(why: string): never {
    throw new KernelInputError(`pattern '${this.pattern}' is not valid RE2 syntax: ${why}`);
  }

  peek(offset = 0): number | undefined {
    return this.cps[this.pos + offset];
  }

  peekChar(offset = 0): string {
    const cp = this.peek(offset);
    return cp === undefined ? '' : String.fromCodePoint(cp);
  }

  next(): number {
    const cp = this.cps[this.pos++];
    if (cp === undefined) this.fail('unexpected end of pattern');
    return cp;
  }

  nextChar(): string {
    return String.fromCodePoint(this.next());
  }

  eat(c: string): boolean {
    if (this.peekChar() !== c) return false;
    this.pos++;
    return true;
  }

  /** The pattern text from the cursor on, for matching multi-character tokens. */
  rest(): string {
    let offset = 0;
    for (let k = 0; k < this.pos; k++) offset += this.cps[k] > 0xffff ? 2 : 1;
    return this.pattern.slice(offset);
  }
}
