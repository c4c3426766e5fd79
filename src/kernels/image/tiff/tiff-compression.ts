/** TIFF strip decompressors: PackBits, LZW (TIFF 6.0, MSB-first with early change) and Deflate. */
import { ImageDecodeError } from '../image-decode-error.js';
import { inflateZlib } from '../inflate.js';

const FORMAT = 'TIFF';

export function unpackBits(input: Uint8Array, expected: number): Uint8Array {
  const out = new Uint8Array(expected);
  let o = 0;
  for (let i = 0; i < input.length && o < expected; ) {
    const header = (input[i++] << 24) >> 24;
    if (header >= 0) {
      const count = Math.min(header + 1, expected - o, input.length - i);
      out.set(input.subarray(i, i + count), o);
      i += header + 1;
      o += count;
    } else if (header !== -128) {
      const count = Math.min(1 - header, expected - o);
      out.fill(input[i++] ?? 0, o, o + count);
      o += count;
    }
  }
  return out;
}

export function decodeLzw(input: Uint8Array, expected: number): Uint8Array {
  if (input.length >= 2 && input[0] === 0 && (input[1] & 1) === 1) {
    throw new ImageDecodeError('unsupported', `${FORMAT} old-style (pre-6.0, LSB-first) LZW is not supported`);
  }
  const out = new Uint8Array(expected);
  const prefix = new Int32Array(4096);
  const suffix = new Uint8Array(4096);
  const lengths = new Uint16Array(4096);
  for (let i = 0; i < 256; i++) {
    suffix[i] = i;
    lengths[i] = 1;
  }
  let o = 0;
  let bitPosition = 0;
  const totalBits = input.length * 8;
  let width = 9;
  let next = 258;
  let previous = -1;
  const readCode = (): number => {
    if (bitPosition + width > totalBits) return 257;
    let code = 0;
    for (let i = 0; i < width; i++, bitPosition++) code = (code << 1) | ((input[bitPosition >> 3] >> (7 - (bitPosition & 7))) & 1);
    return code;
  };
  /** Writes the string for `code` at o, walking its prefix chain backwards. */
  const emit = (code: number): void => {
    let c = code;
    for (let i = lengths[code] - 1; i >= 0; i--) {
      if (o + i < expected) out[o + i] = suffix[c];
      c = prefix[c];
    }
    o += lengths[code];
  };
  const firstOf = (code: number): number => {
    let c = code;
    while (lengths[c] > 1) c = prefix[c];
    return c;
  };
  while (o < expected) {
    const code = readCode();
    if (code === 257) break;
    if (code === 256) {
      width = 9;
      next = 258;
      previous = -1;
      continue;
    }
    if (previous === -1) {
      if (code > 255) throw new ImageDecodeError('corrupt', `${FORMAT} LZW data starts with code ${code}`);
      out[o++] = code;
      previous = code;
      continue;
    }
    if (code > next) throw new ImageDecodeError('corrupt', `${FORMAT} LZW code ${code} is not yet defined`);
    const first = code === next ? suffix[firstOf(previous)] : suffix[firstOf(code)];
    if (next < 4096) {
      prefix[next] = previous;
      suffix[next] = first;
      lengths[next] = lengths[previous] + 1;
      next++;
    }
    emit(code);
    previous = code;
    if (next + 1 >= 1 << width && width < 12) width++;
  }
  return out;
}

export function inflateStrip(input: Uint8Array, expected: number): Uint8Array {
  const raw = inflateZlib(input, expected, `${FORMAT} Deflate strip`);
  if (raw.length === expected) return raw;
  const padded = new Uint8Array(expected);
  padded.set(raw);
  return padded;
}
