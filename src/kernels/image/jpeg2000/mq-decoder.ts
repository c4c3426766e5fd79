/** JPEG 2000's MQ arithmetic decoder (ITU T.800 Annex C), in the 16-bit register form. */

/** Per state: probability estimate Qe, next state after an MPS, after an LPS, and whether an LPS swaps the MPS. */
const QE = Uint16Array.of(
  0x5601, 0x3401, 0x1801, 0x0ac1, 0x0521, 0x0221, 0x5601, 0x5401, 0x4801, 0x3801, 0x3001, 0x2401, 0x1c01, 0x1601,
  0x5601, 0x5401, 0x5101, 0x4801, 0x3801, 0x3401, 0x3001, 0x2801, 0x2401, 0x2201, 0x1c01, 0x1801, 0x1601, 0x1401,
  0x1201, 0x1101, 0x0ac1, 0x09c1, 0x08a1, 0x0521, 0x0441, 0x02a1, 0x0221, 0x0141, 0x0111, 0x0085, 0x0049, 0x0025,
  0x0015, 0x0009, 0x0005, 0x0001, 0x5601,
);
const NEXT_MPS = Uint8Array.of(
  1, 2, 3, 4, 5, 38, 7, 8, 9, 10, 11, 12, 13, 29, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31,
  32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 45, 46,
);
const NEXT_LPS = Uint8Array.of(
  1, 6, 9, 12, 29, 33, 6, 14, 14, 14, 17, 18, 20, 21, 14, 14, 15, 16, 17, 18, 19, 19, 20, 21, 22, 23, 24, 25, 26, 27,
  28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 46,
);
const SWITCH = Uint8Array.of(1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1);

export class MqDecoder {
  private position: number;
  private high: number;
  private low = 0;
  private counter = 0;
  private interval = 0x8000;

  constructor(private readonly data: Uint8Array, start: number, private readonly end: number) {
    this.position = start;
    this.high = start < end ? data[start] : 0xff;
    this.byteIn();
    this.high = ((this.high << 7) & 0xffff) | ((this.low >> 9) & 0x7f);
    this.low = (this.low << 7) & 0xffff;
    this.counter -= 7;
  }

  private byteAt(index: number): number {
    return index < this.end ? this.data[index] : 0xff;
  }

  private byteIn(): void {
    if (this.byteAt(this.position) === 0xff) {
      if (this.byteAt(this.position + 1) > 0x8f) {
        this.low += 0xff00;
        this.counter = 8;
      } else {
        this.position++;
        this.low += this.byteAt(this.position) << 9;
        this.counter = 7;
      }
    } else {
      this.position++;
      this.low += this.byteAt(this.position) << 8;
      this.counter = 8;
    }
    if (this.low > 0xffff) {
      this.high += this.low >> 16;
      this.low &= 0xffff;
    }
  }

  /** Decodes one decision in context `index`; a context holds (state << 1) | mps. */
  decode(contexts: Uint8Array, index: number): number {
    let state = contexts[index] >> 1;
    let mps = contexts[index] & 1;
    const qe = QE[state];
    let a = this.interval - qe;
    let decision: number;
    if (this.high < qe) {
      if (a < qe) {
        a = qe;
        decision = mps;
        state = NEXT_MPS[state];
      } else {
        a = qe;
        decision = 1 ^ mps;
        if (SWITCH[state]) mps = decision;
        state = NEXT_LPS[state];
      }
    } else {
      this.high -= qe;
      if (a & 0x8000) {
        this.interval = a;
        return mps;
      }
      if (a < qe) {
        decision = 1 ^ mps;
        if (SWITCH[state]) mps = decision;
        state = NEXT_LPS[state];
      } else {
        decision = mps;
        state = NEXT_MPS[state];
      }
    }
    do {
      if (this.counter === 0) this.byteIn();
      a <<= 1;
      this.high = ((this.high << 1) & 0xffff) | ((this.low >> 15) & 1);
      this.low = (this.low << 1) & 0xffff;
      this.counter--;
    } while ((a & 0x8000) === 0);
    this.interval = a;
    contexts[index] = (state << 1) | mps;
    return decision;
  }
}
