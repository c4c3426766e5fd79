/**
 * PNG: every color type and bit depth, all five row filters, Adam7 interlacing. Alpha and tRNS
 * are dropped (the operator's outputs have no alpha); 16-bit samples keep their high byte.
 */
import { checkDimensions, type DecodedImage, truncated } from './decoded-image.js';
import { ImageDecodeError } from './image-decode-error.js';
import { inflateZlib } from './inflate.js';

const FORMAT = 'PNG';
const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Samples per pixel by color type: gray, -, RGB, palette, gray+alpha, -, RGBA. */
const SAMPLES: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
const ALLOWED_DEPTHS: Record<number, readonly number[]> = { 0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16] };

/** Adam7 passes: x start, y start, x step, y step. */
const ADAM7 = [
  [0, 0, 8, 8], [4, 0, 8, 8], [0, 4, 4, 8], [2, 0, 4, 4], [0, 2, 2, 4], [1, 0, 2, 2], [0, 1, 1, 2],
] as const;

export function isPng(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && SIGNATURE.every((b, i) => bytes[i] === b);
}

interface Header {
  readonly width: number;
  readonly height: number;
  readonly depth: number;
  readonly colorType: number;
  readonly interlaced: boolean;
}

interface Pass {
  readonly x0: number;
  readonly y0: number;
  readonly dx: number;
  readonly dy: number;
  readonly width: number;
  readonly height: number;
}

function passesOf(header: Header): Pass[] {
  const { width, height } = header;
  if (!header.interlaced) return [{ x0: 0, y0: 0, dx: 1, dy: 1, width, height }];
  return ADAM7.map(([x0, y0, dx, dy]) => ({
    x0, y0, dx, dy,
    width: Math.max(0, Math.ceil((width - x0) / dx)),
    height: Math.max(0, Math.ceil((height - y0) / dy)),
  })).filter((p) => p.width > 0 && p.height > 0);
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** Undoes one row's filter in place; `previous` is the unfiltered row above (zeros for the first). */
function unfilter(filter: number, row: Uint8Array, previous: Uint8Array, bpp: number): void {
  const n = row.length;
  switch (filter) {
    case 0:
      return;
    case 1:
      for (let i = bpp; i < n; i++) row[i] = (row[i] + row[i - bpp]) & 0xff;
      return;
    case 2:
      for (let i = 0; i < n; i++) row[i] = (row[i] + previous[i]) & 0xff;
      return;
    case 3:
      for (let i = 0; i < n; i++) row[i] = (row[i] + (((i >= bpp ? row[i - bpp] : 0) + previous[i]) >> 1)) & 0xff;
      return;
    case 4:
      for (let i = 0; i < n; i++) {
        const left = i >= bpp ? row[i - bpp] : 0;
        const upLeft = i >= bpp ? previous[i - bpp] : 0;
        row[i] = (row[i] + paeth(left, previous[i], upLeft)) & 0xff;
      }
      return;
    default:
      throw new ImageDecodeError('corrupt', `${FORMAT} row filter ${filter} is not one of 0..4`);
  }
}

interface Chunks {
  readonly header: Header;
  readonly palette?: Uint8Array;
  readonly data: Uint8Array;
}

function readChunks(bytes: Uint8Array): Chunks {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let header: Header | undefined;
  let palette: Uint8Array | undefined;
  const data: Uint8Array[] = [];
  let position = 8;
  for (;;) {
    if (position + 8 > bytes.length) throw truncated(FORMAT, 'a chunk header (no IEND)');
    const length = view.getUint32(position);
    const type = String.fromCharCode(...bytes.subarray(position + 4, position + 8));
    const start = position + 8;
    if (start + length > bytes.length) throw truncated(FORMAT, `the ${type} chunk`);
    const body = bytes.subarray(start, start + length);
    position = start + length + 4;
    if (type === 'IHDR') {
      if (length < 13) throw truncated(FORMAT, 'IHDR');
      const chunk = new DataView(body.buffer, body.byteOffset, body.byteLength);
      header = { width: chunk.getUint32(0), height: chunk.getUint32(4), depth: body[8], colorType: body[9], interlaced: body[12] === 1 };
      if (body[10] !== 0 || body[11] !== 0 || body[12] > 1) throw new ImageDecodeError('unsupported', `${FORMAT} compression/filter/interlace method ${body[10]}/${body[11]}/${body[12]} is not defined`);
    } else if (type === 'PLTE') {
      palette = body;
    } else if (type === 'IDAT') {
      data.push(body);
    } else if (type === 'IEND') {
      break;
    }
  }
  if (!header) throw new ImageDecodeError('corrupt', `${FORMAT} has no IHDR chunk`);
  if (data.length === 0) throw new ImageDecodeError('corrupt', `${FORMAT} has no IDAT chunk`);
  const joined = new Uint8Array(data.reduce((n, d) => n + d.length, 0));
  data.reduce((offset, d) => (joined.set(d, offset), offset + d.length), 0);
  return { header, palette, data: joined };
}

export function decodePng(bytes: Uint8Array): DecodedImage {
  const { header, palette, data } = readChunks(bytes);
  const { width, height, depth, colorType } = header;
  const samples = SAMPLES[colorType];
  if (samples === undefined || !ALLOWED_DEPTHS[colorType].includes(depth)) {
    throw new ImageDecodeError('corrupt', `${FORMAT} color type ${colorType} with bit depth ${depth} is not valid`);
  }
  if (colorType === 3 && !palette) throw new ImageDecodeError('corrupt', `${FORMAT} palette image has no PLTE chunk`);
  checkDimensions(FORMAT, width, height);
  const bitsPerPixel = samples * depth;
  const bpp = Math.max(1, bitsPerPixel >> 3);
  const passes = passesOf(header);
  const rowBytesOf = (pass: Pass) => Math.ceil((pass.width * bitsPerPixel) / 8);
  const expected = passes.reduce((n, pass) => n + pass.height * (1 + rowBytesOf(pass)), 0);
  const raw = inflateZlib(data, expected, `${FORMAT} image data`);
  if (raw.length < expected) throw truncated(FORMAT, `the image data (${raw.length} of ${expected} bytes)`);

  const channels = colorType === 0 || colorType === 4 ? 1 : 3;
  const pixels = new Uint8Array(width * height * channels);
  const maxSample = (1 << depth) - 1;
  let offset = 0;
  for (const pass of passes) {
    const rowBytes = rowBytesOf(pass);
    let previous: Uint8Array = new Uint8Array(rowBytes);
    for (let py = 0; py < pass.height; py++) {
      const row = raw.subarray(offset + 1, offset + 1 + rowBytes);
      unfilter(raw[offset], row, previous, bpp);
      offset += 1 + rowBytes;
      previous = row;
      const y = pass.y0 + py * pass.dy;
      for (let px = 0; px < pass.width; px++) {
        const out = (y * width + pass.x0 + px * pass.dx) * channels;
        if (depth < 8) {
          const bit = px * depth;
          const value = (row[bit >> 3] >> (8 - depth - (bit & 7))) & maxSample;
          if (colorType === 3) writePaletteEntry(pixels, out, palette as Uint8Array, value);
          else pixels[out] = Math.floor((value * 255) / maxSample);
          continue;
        }
        const step = depth >> 3;
        const at = px * samples * step;
        if (colorType === 3) writePaletteEntry(pixels, out, palette as Uint8Array, row[at]);
        else for (let c = 0; c < channels; c++) pixels[out + c] = row[at + c * step];
      }
    }
  }
  return { width, height, channels, pixels };
}

function writePaletteEntry(pixels: Uint8Array, out: number, palette: Uint8Array, index: number): void {
  // Indices past the palette's end decode as black, as libpng does.
  const at = 3 * index;
  const inside = at + 2 < palette.length;
  pixels[out] = inside ? palette[at] : 0;
  pixels[out + 1] = inside ? palette[at + 1] : 0;
  pixels[out + 2] = inside ? palette[at + 2] : 0;
}
