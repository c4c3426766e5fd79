/** Netpbm: P1/P4 bitmaps, P2/P5 graymaps, P3/P6 pixmaps; samples scaled from maxval to 0..255. */
import { checkDimensions, type DecodedImage, truncated } from './decoded-image.js';
import { ImageDecodeError } from './image-decode-error.js';

const FORMAT = 'PNM';

export function isPnm(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x50 && bytes[1] >= 0x31 && bytes[1] <= 0x36;
}

function isSpace(byte: number): boolean {
  return byte === 0x20 || (byte >= 0x09 && byte <= 0x0d);
}

/** Reads whitespace-separated decimal numbers, skipping '#' comments, as the header and ascii data use. */
class TokenReader {
  constructor(private readonly bytes: Uint8Array, public position: number) {}

  number(what: string): number {
    const { bytes } = this;
    while (this.position < bytes.length) {
      const byte = bytes[this.position];
      if (byte === 0x23) {
        while (this.position < bytes.length && bytes[this.position] !== 0x0a && bytes[this.position] !== 0x0d) this.position++;
      } else if (isSpace(byte)) {
        this.position++;
      } else {
        break;
      }
    }
    let value = 0;
    let digits = 0;
    while (this.position < bytes.length && bytes[this.position] >= 0x30 && bytes[this.position] <= 0x39) {
      value = value * 10 + bytes[this.position++] - 0x30;
      digits++;
      if (value > 0x7fffffff) throw new ImageDecodeError('corrupt', `${FORMAT} ${what} is too large`);
    }
    if (digits === 0) {
      if (this.position >= bytes.length) throw truncated(FORMAT, what);
      throw new ImageDecodeError('corrupt', `${FORMAT} ${what} is not a decimal number`);
    }
    return value;
  }

  /** A bitmap's ascii samples may be written without separators ("0110"). */
  bit(what: string): number {
    const { bytes } = this;
    while (this.position < bytes.length && (isSpace(bytes[this.position]) || bytes[this.position] === 0x23)) {
      if (bytes[this.position] === 0x23) this.number(what);
      else this.position++;
    }
    if (this.position >= bytes.length) throw truncated(FORMAT, what);
    const byte = bytes[this.position++];
    if (byte !== 0x30 && byte !== 0x31) throw new ImageDecodeError('corrupt', `${FORMAT} ${what} must be 0 or 1`);
    return byte - 0x30;
  }
}

export function decodePnm(bytes: Uint8Array): DecodedImage {
  const kind = bytes[1] - 0x30;
  const reader = new TokenReader(bytes, 2);
  const width = reader.number('width');
  const height = reader.number('height');
  const isBitmap = kind === 1 || kind === 4;
  const maxval = isBitmap ? 1 : reader.number('maxval');
  if (maxval < 1 || maxval > 65535) throw new ImageDecodeError('corrupt', `${FORMAT} maxval ${maxval} is outside 1..65535`);
  const channels = kind === 3 || kind === 6 ? 3 : 1;
  const binary = kind >= 4;
  const samples = width * height * channels;
  const bytesPerSample = maxval > 255 ? 2 : 1;
  const rasterStart = reader.position + 1; // exactly one whitespace byte ends a binary header
  const minimumBytes = kind === 4 ? Math.ceil(width / 8) * height : binary ? samples * bytesPerSample : samples * (isBitmap ? 1 : 2) - 1;
  checkDimensions(FORMAT, width, height, minimumBytes, bytes.length - (binary ? rasterStart : reader.position));
  const pixels = new Uint8Array(samples);
  if (kind === 4) {
    const rowBytes = Math.ceil(width / 8);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const bit = (bytes[rasterStart + y * rowBytes + (x >> 3)] >> (7 - (x & 7))) & 1;
        pixels[y * width + x] = bit ? 0 : 255;
      }
    }
  } else if (kind === 1) {
    for (let i = 0; i < samples; i++) pixels[i] = reader.bit('a bitmap sample') ? 0 : 255;
  } else {
    const scale = (value: number): number => (maxval === 255 ? value : Math.round((Math.min(value, maxval) * 255) / maxval));
    for (let i = 0; i < samples; i++) {
      let value: number;
      if (!binary) value = reader.number('a sample');
      else if (bytesPerSample === 1) value = bytes[rasterStart + i];
      else value = (bytes[rasterStart + 2 * i] << 8) | bytes[rasterStart + 2 * i + 1];
      pixels[i] = scale(value);
    }
  }
  return { width, height, channels, pixels };
}
