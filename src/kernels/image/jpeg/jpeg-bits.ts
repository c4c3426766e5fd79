/** Entropy-coded JPEG data: a bit reader over stuffed bytes, and canonical Huffman tables. */
import { ImageDecodeError } from '../image-decode-error.js';

/** Codes of up to FAST_BITS bits resolve with one table lookup; longer ones walk the code bit by bit. */
const FAST_BITS = 9;

export interface HuffmanTable {
  /** Codes per length 1..16 (index 0 unused). */
  readonly counts: Uint8Array;
  /** Symbols in code order. */
  readonly symbols: Uint8Array;
  /** For the next FAST_BITS bits: (symbol << 4) | code length, or 0 where the code is longer. */
  readonly fast: Int32Array;
}

/**
 * Reads bits MSB-first. At a marker it stops consuming and supplies zero bits, as libjpeg does
 * with corrupt or short data, so a bad stream yields a damaged image rather than a hang.
 */
export class BitReader {
  private buffer = 0;
  private bitCount = 0;
  /** Whether the reader has run into a marker or the end of the stream. */
  private atMarker = false;

  constructor(private readonly bytes: Uint8Array, public position: number) {}

  private fill(): void {
    let byte = 0;
    if (!this.atMarker && this.position < this.bytes.length) {
      byte = this.bytes[this.position];
      if (byte === 0xff) {
        const next = this.bytes[this.position + 1];
        if (next === 0x00) {
          this.position += 2;
        } else {
          this.atMarker = true;
          byte = 0;
        }
      } else {
        this.position++;
      }
    } else {
      this.atMarker = true;
    }
    this.buffer = ((this.buffer << 8) | byte) & 0xffffff;
    this.bitCount += 8;
  }

  bit(): number {
    if (this.bitCount === 0) this.fill();
    this.bitCount--;
    return (this.buffer >> this.bitCount) & 1;
  }

  bits(count: number): number {
    while (this.bitCount < count) this.fill();
    this.bitCount -= count;
    return (this.buffer >> this.bitCount) & ((1 << count) - 1);
  }

  /** A `size`-bit magnitude category value with its sign extended (JPEG's EXTEND). */
  receiveExtend(size: number): number {
    if (size === 0) return 0;
    if (size > 15) throw new ImageDecodeError('corrupt', `JPEG coefficient category ${size} is out of range`);
    const value = this.bits(size);
    return value < 1 << (size - 1) ? value - (1 << size) + 1 : value;
  }

  decode(table: HuffmanTable): number {
    while (this.bitCount < FAST_BITS) this.fill();
    const entry = table.fast[(this.buffer >> (this.bitCount - FAST_BITS)) & ((1 << FAST_BITS) - 1)];
    if (entry !== 0) {
      this.bitCount -= entry & 15;
      return entry >> 4;
    }
    let code = 0;
    let first = 0;
    let index = 0;
    for (let length = 1; length <= 16; length++) {
      code |= this.bit();
      const count = table.counts[length];
      if (code - first < count) return table.symbols[index + code - first];
      index += count;
      first = (first + count) << 1;
      code <<= 1;
    }
    // A code no table defines: corrupt data (or zeros fed past a marker). libjpeg substitutes 0.
    return 0;
  }

  /** Drops buffered bits and steps over an RSTn marker if one is next (libjpeg's process_restart). */
  restart(): void {
    this.buffer = 0;
    this.bitCount = 0;
    this.atMarker = false;
    const { bytes } = this;
    while (this.position + 1 < bytes.length && !(bytes[this.position] === 0xff && bytes[this.position + 1] !== 0 && bytes[this.position + 1] !== 0xff)) {
      this.position++;
    }
    if (this.position + 1 < bytes.length && bytes[this.position + 1] >= 0xd0 && bytes[this.position + 1] <= 0xd7) this.position += 2;
  }
}

export function huffmanTable(counts: Uint8Array, symbols: Uint8Array): HuffmanTable {
  let left = 1;
  for (let length = 1; length <= 16; length++) {
    left = (left << 1) - counts[length];
    if (left < 0) throw new ImageDecodeError('corrupt', 'JPEG Huffman table is over-subscribed');
  }
  const fast = new Int32Array(1 << FAST_BITS);
  let code = 0;
  let index = 0;
  for (let length = 1; length <= FAST_BITS; length++) {
    for (let k = 0; k < counts[length]; k++, code++) {
      const first = code << (FAST_BITS - length);
      fast.fill((symbols[index++] << 4) | length, first, first + (1 << (FAST_BITS - length)));
    }
    code <<= 1;
  }
  return { counts, symbols, fast };
}
