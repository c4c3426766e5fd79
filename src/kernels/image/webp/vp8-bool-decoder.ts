/** VP8's boolean entropy decoder (RFC 6386 section 7); reads zeros past the end of its data. */
export class BoolDecoder {
  private value: number;
  private range = 255;
  private bitCount = 0;
  private position: number;

  constructor(private readonly bytes: Uint8Array, start: number, private readonly end: number) {
    this.position = start;
    this.value = (this.next() << 8) | this.next();
  }

  private next(): number {
    return this.position < this.end ? this.bytes[this.position++] : 0;
  }

  /** One bool whose probability of being 0 is `probability`/256. */
  bit(probability: number): number {
    const split = 1 + (((this.range - 1) * probability) >> 8);
    const bigSplit = split << 8;
    let result: number;
    if (this.value >= bigSplit) {
      result = 1;
      this.range -= split;
      this.value -= bigSplit;
    } else {
      result = 0;
      this.range = split;
    }
    while (this.range < 128) {
      this.value <<= 1;
      this.range <<= 1;
      if (++this.bitCount === 8) {
        this.bitCount = 0;
        this.value |= this.next();
      }
    }
    return result;
  }

  /** An n-bit unsigned literal, most significant bit first. */
  literal(bits: number): number {
    let value = 0;
    for (let i = 0; i < bits; i++) value = (value << 1) | this.bit(128);
    return value;
  }

  /** A flag-guarded signed literal as frame headers code them (magnitude, then sign). */
  signedLiteral(bits: number): number {
    const magnitude = this.literal(bits);
    return this.bit(128) ? -magnitude : magnitude;
  }

  optionalSigned(bits: number): number {
    return this.bit(128) ? this.signedLiteral(bits) : 0;
  }
}
