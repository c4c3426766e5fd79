/** Tier-2: packet headers (ITU T.800 Annex B.10) with their tag trees and stuffed bit reader. */
import { ImageDecodeError } from '../image-decode-error.js';

/** Reads packet-header bits MSB first; after a 0xFF byte only 7 bits of the next are data. */
export class HeaderBits {
  private buffer = 0;
  private count = 0;
  private stuffed = false;

  constructor(private readonly data: Uint8Array, public position: number, private readonly end: number) {}

  bit(): number {
    if (this.count === 0) {
      if (this.position >= this.end) throw new ImageDecodeError('truncated', 'JPEG 2000 packet header runs past the tile data');
      const byte = this.data[this.position++];
      this.buffer = byte;
      this.count = this.stuffed ? 7 : 8;
      this.stuffed = byte === 0xff;
    }
    this.count--;
    return (this.buffer >> this.count) & 1;
  }

  bits(n: number): number {
    let value = 0;
    for (let i = 0; i < n; i++) value = (value << 1) | this.bit();
    return value;
  }

  /** Ends the header: drops the rest of the byte, and the byte after a 0xFF. */
  align(): void {
    this.count = 0;
    if (this.stuffed) {
      this.position++;
      this.stuffed = false;
    }
  }
}

/** A tag tree over a grid of code-blocks: each node the minimum of its children. */
export class TagTree {
  private readonly levels: { width: number; height: number; value: Int32Array; low: Int32Array }[] = [];

  constructor(width: number, height: number) {
    let w = width;
    let h = height;
    for (;;) {
      this.levels.push({ width: w, height: h, value: new Int32Array(w * h).fill(0x7fffffff), low: new Int32Array(w * h) });
      if (w === 1 && h === 1) break;
      w = Math.ceil(w / 2);
      h = Math.ceil(h / 2);
    }
  }

  /** Whether the leaf's value is below `threshold`, reading only the bits that decide it. */
  decode(reader: HeaderBits, x: number, y: number, threshold: number): boolean {
    let low = 0;
    let node = 0;
    let level: TagTree['levels'][number] | undefined;
    for (let l = this.levels.length - 1; l >= 0; l--) {
      level = this.levels[l];
      node = (y >> l) * level.width + (x >> l);
      if (low > level.low[node]) level.low[node] = low;
      else low = level.low[node];
      while (low < threshold && low < level.value[node]) {
        if (reader.bit()) level.value[node] = low;
        else low++;
      }
      level.low[node] = low;
    }
    return (level as TagTree['levels'][number]).value[node] < threshold;
  }

  /** The leaf's full value (used for the number of missing bit planes). */
  value(reader: HeaderBits, x: number, y: number): number {
    let threshold = 1;
    while (!this.decode(reader, x, y, threshold)) {
      threshold++;
      if (threshold > 64) throw new ImageDecodeError('corrupt', 'JPEG 2000 tag tree value is out of range');
    }
    return threshold - 1;
  }
}

/** Number of coding passes in a packet header (T.800 Table B.4). */
export function readPassCount(reader: HeaderBits): number {
  if (!reader.bit()) return 1;
  if (!reader.bit()) return 2;
  const two = reader.bits(2);
  if (two < 3) return 3 + two;
  const five = reader.bits(5);
  if (five < 31) return 6 + five;
  return 37 + reader.bits(7);
}
