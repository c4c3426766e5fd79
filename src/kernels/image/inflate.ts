/**
 * zlib/DEFLATE decompression (RFC 1950/1951) for PNG and TIFF. Output stops at the caller's
 * expected size, so a crafted stream cannot make it allocate without bound.
 */
import { ImageDecodeError } from './image-decode-error.js';

const LENGTH_BASE = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258];
const LENGTH_EXTRA = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
const DISTANCE_BASE = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577];
const DISTANCE_EXTRA = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13];
const CODE_LENGTH_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

/** Codes of up to FAST_BITS bits resolve with one table lookup; longer ones walk the code bit by bit. */
const FAST_BITS = 9;

/**
 * Canonical Huffman code as counts per length and symbols in code order (puff's layout), plus
 * `fast`: for the next FAST_BITS stream bits, (symbol << 4) | code length, or 0 for a longer code.
 */
interface Huffman {
  readonly counts: Uint16Array;
  readonly symbols: Uint16Array;
  readonly fast: Int32Array;
}

/** Stream bits arrive least significant first while codes are defined most significant first. */
function reverseBits(code: number, length: number): number {
  let reversed = 0;
  for (let i = 0; i < length; i++) reversed = (reversed << 1) | ((code >> i) & 1);
  return reversed;
}

function fastTable(counts: Uint16Array, symbols: Uint16Array): Int32Array {
  const fast = new Int32Array(1 << FAST_BITS);
  let code = 0;
  let index = 0;
  for (let length = 1; length <= FAST_BITS; length++) {
    for (let k = 0; k < counts[length]; k++, code++) {
      const entry = (symbols[index++] << 4) | length;
      for (let i = reverseBits(code, length); i < fast.length; i += 1 << length) fast[i] = entry;
    }
    code <<= 1;
  }
  return fast;
}

function buildHuffman(lengths: ArrayLike<number>, what: string): Huffman {
  const counts = new Uint16Array(16);
  for (let i = 0; i < lengths.length; i++) counts[lengths[i]]++;
  counts[0] = 0;
  let left = 1;
  for (let len = 1; len < 16; len++) {
    left = (left << 1) - counts[len];
    if (left < 0) throw new ImageDecodeError('corrupt', `deflate ${what} code is over-subscribed`);
  }
  const offsets = new Uint16Array(16);
  for (let len = 1; len < 15; len++) offsets[len + 1] = offsets[len] + counts[len];
  const symbols = new Uint16Array(lengths.length);
  for (let i = 0; i < lengths.length; i++) if (lengths[i] !== 0) symbols[offsets[lengths[i]]++] = i;
  return { counts, symbols, fast: fastTable(counts, symbols) };
}

const FIXED_LITERALS = buildHuffman(Array.from({ length: 288 }, (_, i) => (i < 144 ? 8 : i < 256 ? 9 : i < 280 ? 7 : 8)), 'fixed');
const FIXED_DISTANCES = buildHuffman(new Array<number>(30).fill(5), 'fixed');

/** Raised inside the inflater when the output reaches its cap; run() stops there. */
class OutputFull extends Error {}

class Inflater {
  private position: number;
  private bitBuffer = 0;
  private bitCount = 0;
  private output: Uint8Array;
  length = 0;

  constructor(private readonly input: Uint8Array, start: number, private readonly maxOutput: number, private readonly what: string) {
    this.position = start;
    this.output = new Uint8Array(Math.min(maxOutput, Math.max(1024, input.length * 4)));
  }

  private bits(count: number): number {
    while (this.bitCount < count) {
      if (this.position >= this.input.length) throw new ImageDecodeError('truncated', `${this.what}: compressed data ends early`);
      this.bitBuffer |= this.input[this.position++] << this.bitCount;
      this.bitCount += 8;
    }
    const value = this.bitBuffer & ((1 << count) - 1);
    this.bitBuffer >>>= count;
    this.bitCount -= count;
    return value;
  }

  private decode(code: Huffman): number {
    while (this.bitCount < FAST_BITS && this.position < this.input.length) {
      this.bitBuffer |= this.input[this.position++] << this.bitCount;
      this.bitCount += 8;
    }
    const entry = code.fast[this.bitBuffer & ((1 << FAST_BITS) - 1)];
    const length = entry & 15;
    if (entry !== 0 && length <= this.bitCount) {
      this.bitBuffer >>>= length;
      this.bitCount -= length;
      return entry >> 4;
    }
    let value = 0;
    let first = 0;
    let index = 0;
    for (let len = 1; len < 16; len++) {
      value |= this.bits(1);
      const count = code.counts[len];
      if (value - first < count) return code.symbols[index + value - first];
      index += count;
      first = (first + count) << 1;
      value <<= 1;
    }
    throw new ImageDecodeError('corrupt', `${this.what}: invalid Huffman code in compressed data`);
  }

  /** Makes room for up to `extra` more bytes; returns how many fit under the cap. */
  private reserve(extra: number): number {
    const allowed = Math.min(extra, this.maxOutput - this.length);
    const needed = this.length + allowed;
    if (needed > this.output.length) {
      const grown = new Uint8Array(Math.min(this.maxOutput, Math.max(needed, this.output.length * 2)));
      grown.set(this.output.subarray(0, this.length));
      this.output = grown;
    }
    return allowed;
  }

  private stored(): void {
    this.bitBuffer = 0;
    this.bitCount = 0;
    if (this.position + 4 > this.input.length) throw new ImageDecodeError('truncated', `${this.what}: compressed data ends early`);
    const len = this.input[this.position] | (this.input[this.position + 1] << 8);
    const nlen = this.input[this.position + 2] | (this.input[this.position + 3] << 8);
    if ((len ^ 0xffff) !== nlen) throw new ImageDecodeError('corrupt', `${this.what}: stored block length check fails`);
    this.position += 4;
    if (this.position + len > this.input.length) throw new ImageDecodeError('truncated', `${this.what}: compressed data ends early`);
    const fits = this.reserve(len);
    this.output.set(this.input.subarray(this.position, this.position + fits), this.length);
    this.length += fits;
    this.position += len;
    if (fits < len) throw new OutputFull();
  }

  private dynamicCodes(): [Huffman, Huffman] {
    const literalCount = this.bits(5) + 257;
    const distanceCount = this.bits(5) + 1;
    const codeLengthCount = this.bits(4) + 4;
    if (literalCount > 286 || distanceCount > 30) throw new ImageDecodeError('corrupt', `${this.what}: too many Huffman codes`);
    const codeLengths = new Uint8Array(19);
    for (let i = 0; i < codeLengthCount; i++) codeLengths[CODE_LENGTH_ORDER[i]] = this.bits(3);
    const lengthCode = buildHuffman(codeLengths, 'code-length');
    const lengths = new Uint8Array(literalCount + distanceCount);
    for (let i = 0; i < lengths.length; ) {
      const symbol = this.decode(lengthCode);
      if (symbol < 16) {
        lengths[i++] = symbol;
        continue;
      }
      let repeat: number;
      let value = 0;
      if (symbol === 16) {
        if (i === 0) throw new ImageDecodeError('corrupt', `${this.what}: repeat with no previous length`);
        value = lengths[i - 1];
        repeat = 3 + this.bits(2);
      } else {
        repeat = symbol === 17 ? 3 + this.bits(3) : 11 + this.bits(7);
      }
      if (i + repeat > lengths.length) throw new ImageDecodeError('corrupt', `${this.what}: code lengths overflow`);
      lengths.fill(value, i, i + repeat);
      i += repeat;
    }
    return [buildHuffman(lengths.subarray(0, literalCount), 'literal'), buildHuffman(lengths.subarray(literalCount), 'distance')];
  }

  private codes(literals: Huffman, distances: Huffman): void {
    for (;;) {
      const symbol = this.decode(literals);
      if (symbol < 256) {
        if (this.reserve(1) === 0) throw new OutputFull();
        this.output[this.length++] = symbol;
      } else if (symbol === 256) {
        return;
      } else {
        const lengthIndex = symbol - 257;
        if (lengthIndex >= 29) throw new ImageDecodeError('corrupt', `${this.what}: invalid length symbol`);
        const length = LENGTH_BASE[lengthIndex] + this.bits(LENGTH_EXTRA[lengthIndex]);
        const distanceIndex = this.decode(distances);
        if (distanceIndex >= 30) throw new ImageDecodeError('corrupt', `${this.what}: invalid distance symbol`);
        const distance = DISTANCE_BASE[distanceIndex] + this.bits(DISTANCE_EXTRA[distanceIndex]);
        if (distance > this.length) throw new ImageDecodeError('corrupt', `${this.what}: back-reference before the start of the data`);
        const fits = this.reserve(length);
        const out = this.output;
        for (let i = 0; i < fits; i++, this.length++) out[this.length] = out[this.length - distance];
        if (fits < length) throw new OutputFull();
      }
    }
  }

  run(): Uint8Array {
    let last = 0;
    try {
      while (!last) {
        last = this.bits(1);
        const type = this.bits(2);
        if (type === 0) this.stored();
        else if (type === 1) this.codes(FIXED_LITERALS, FIXED_DISTANCES);
        else if (type === 2) this.codes(...this.dynamicCodes());
        else throw new ImageDecodeError('corrupt', `${this.what}: invalid deflate block type 3`);
      }
    } catch (error) {
      // Data past what the image needs is ignored, as zlib-based decoders do.
      if (!(error instanceof OutputFull)) throw error;
    }
    return this.output.subarray(0, this.length);
  }
}

/** Raw DEFLATE data from `start`; decoding stops after `maxOutput` bytes. */
export function inflateRaw(input: Uint8Array, maxOutput: number, what: string, start = 0): Uint8Array {
  return new Inflater(input, start, maxOutput, what).run();
}

/** A zlib stream (2-byte header, DEFLATE data; the Adler-32 trailer is not checked). */
export function inflateZlib(input: Uint8Array, maxOutput: number, what: string): Uint8Array {
  if (input.length < 2) throw new ImageDecodeError('truncated', `${what}: zlib header missing`);
  const [cmf, flags] = input;
  if ((cmf & 0x0f) !== 8 || ((cmf << 8) | flags) % 31 !== 0) throw new ImageDecodeError('corrupt', `${what}: not a zlib deflate stream`);
  if (flags & 0x20) throw new ImageDecodeError('unsupported', `${what}: zlib preset dictionary`);
  return inflateRaw(input, maxOutput, what, 2);
}
