/**
 * WebP: lossy (VP8) images, converted to RGB with libwebp's default "fancy" chroma upsampling
 * and fixed-point YUV->RGB, as PIL gets them. Lossless (VP8L), alpha and animation are reported
 * as unsupported.
 */
import type { DecodedImage } from '../decoded-image.js';
import { ImageDecodeError } from '../image-decode-error.js';
import { decodeVp8, type YuvFrame } from './vp8-decoder.js';

const FORMAT = 'WebP';

const fourCc = (bytes: Uint8Array, at: number): string => String.fromCharCode(bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]);

export function isWebp(bytes: Uint8Array): boolean {
  return bytes.length >= 12 && fourCc(bytes, 0) === 'RIFF' && fourCc(bytes, 8) === 'WEBP';
}

export function decodeWebp(bytes: Uint8Array): DecodedImage {
  let position = 12;
  while (position + 8 <= bytes.length) {
    const id = fourCc(bytes, position);
    const size = (bytes[position + 4] | (bytes[position + 5] << 8) | (bytes[position + 6] << 16) | (bytes[position + 7] << 24)) >>> 0;
    const start = position + 8;
    if (start + size > bytes.length) throw new ImageDecodeError('truncated', `${FORMAT} stream ends inside its ${id.trim()} chunk`);
    if (id === 'VP8 ') return toRgb(decodeVp8(bytes, start, start + size));
    if (id === 'VP8L') throw new ImageDecodeError('unsupported', `${FORMAT} lossless (VP8L) images are not supported`);
    if (id === 'ANIM') throw new ImageDecodeError('unsupported', `${FORMAT} animations are not supported`);
    position = start + size + (size & 1);
  }
  throw new ImageDecodeError('truncated', `${FORMAT} stream has no image chunk`);
}

/** libwebp yuv.h: 14-bit fixed point, results clipped from 6 fractional bits. */
const multHi = (v: number, coefficient: number): number => (v * coefficient) >> 8;
const clip8 = (v: number): number => ((v & ~16383) === 0 ? v >> 6 : v < 0 ? 0 : 255);

function writeRgb(out: Uint8Array, at: number, y: number, u: number, v: number): void {
  const luma = multHi(y, 19077);
  out[at] = clip8(luma + multHi(v, 26149) - 14234);
  out[at + 1] = clip8(luma - multHi(u, 6419) - multHi(v, 13320) + 8708);
  out[at + 2] = clip8(luma + multHi(u, 33050) - 17685);
}

/**
 * libwebp's UpsampleRgbLinePair: chroma for luma row `row` mixes chroma rows `near` (3/4) and
 * `far` (1/4), and along the row pairs of samples diagonally, (9a + 3b + 3c + d + 8) / 16.
 */
function upsampleRow(frame: YuvFrame, row: number, near: number, far: number, out: Uint8Array): void {
  const { width, y, u, v } = frame;
  const yRow = y.origin + row * y.stride;
  const nearRow = u.origin + near * u.stride;
  const farRow = u.origin + far * u.stride;
  const o = row * width * 3;
  /** Chroma for the left (2x-1) or right (2x) sample of pair x, from columns x-1 and x. */
  const mix = (plane: Uint8Array, x: number, right: boolean): number => {
    const f0 = plane[farRow + x - 1];
    const n0 = plane[nearRow + x - 1];
    const f1 = plane[farRow + x];
    const n1 = plane[nearRow + x];
    const average = f0 + f1 + n0 + n1 + 8;
    return right ? (((average + 2 * (n0 + f1)) >> 3) + n1) >> 1 : (((average + 2 * (n1 + f0)) >> 3) + n0) >> 1;
  };
  const edge = (plane: Uint8Array, x: number): number => (3 * plane[nearRow + x] + plane[farRow + x] + 2) >> 2;
  writeRgb(out, o, y.data[yRow], edge(u.data, 0), edge(v.data, 0));
  const lastPair = (width - 1) >> 1;
  for (let x = 1; x <= lastPair; x++) {
    writeRgb(out, o + (2 * x - 1) * 3, y.data[yRow + 2 * x - 1], mix(u.data, x, false), mix(v.data, x, false));
    writeRgb(out, o + 2 * x * 3, y.data[yRow + 2 * x], mix(u.data, x, true), mix(v.data, x, true));
  }
  if ((width & 1) === 0) writeRgb(out, o + (width - 1) * 3, y.data[yRow + width - 1], edge(u.data, lastPair), edge(v.data, lastPair));
}

function toRgb(frame: YuvFrame): DecodedImage {
  const { width, height } = frame;
  const pixels = new Uint8Array(width * height * 3);
  const lastChromaRow = ((height + 1) >> 1) - 1;
  for (let row = 0; row < height; row++) {
    // Luma row 2k-1 leans on chroma row k-1, row 2k on row k; the first and last rows see one.
    const above = Math.max((row - 1) >> 1, 0);
    const below = Math.min((row + 1) >> 1, lastChromaRow);
    if (row & 1) upsampleRow(frame, row, above, below, pixels);
    else upsampleRow(frame, row, below, above, pixels);
  }
  return { width, height, channels: 3, pixels };
}
