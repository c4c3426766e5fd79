/** Recognizes a stream's format by its signature and hands it to that format's decoder. */
import { decodeBmp, isBmp } from './bmp.js';
import type { DecodedImage } from './decoded-image.js';
import { ImageDecodeError } from './image-decode-error.js';
import { decodeJpeg, isJpeg } from './jpeg/jpeg.js';
import { decodeJpeg2000, isJpeg2000 } from './jpeg2000/jpeg2000.js';
import { decodePng, isPng } from './png.js';
import { decodePnm, isPnm } from './pnm.js';
import { decodeTiff, isTiff } from './tiff/tiff.js';
import { decodeWebp, isWebp } from './webp/webp.js';

interface ImageFormat {
  readonly name: string;
  matches(bytes: Uint8Array): boolean;
  decode(bytes: Uint8Array): DecodedImage;
}

const FORMATS: readonly ImageFormat[] = [
  { name: 'JPEG', matches: isJpeg, decode: decodeJpeg },
  { name: 'PNG', matches: isPng, decode: decodePng },
  { name: 'TIFF', matches: isTiff, decode: decodeTiff },
  { name: 'BMP', matches: isBmp, decode: decodeBmp },
  { name: 'PNM', matches: isPnm, decode: decodePnm },
  { name: 'WebP', matches: isWebp, decode: decodeWebp },
  { name: 'JPEG 2000', matches: isJpeg2000, decode: decodeJpeg2000 },
];

const startsWith = (bytes: Uint8Array, signature: readonly number[], at = 0): boolean =>
  bytes.length >= at + signature.length && signature.every((b, i) => bytes[at + i] === b);
const ascii = (text: string): number[] => Array.from(text, (c) => c.charCodeAt(0));

/** Formats PIL reads that this runtime recognizes but does not decode, so the error can say so. */
const RECOGNIZED_ONLY: readonly { name: string; matches(bytes: Uint8Array): boolean }[] = [
  { name: 'GIF', matches: (b) => startsWith(b, ascii('GIF8')) },
];

export function decodeImage(bytes: Uint8Array): DecodedImage {
  const format = FORMATS.find((candidate) => candidate.matches(bytes));
  if (format) return format.decode(bytes);
  const supported = FORMATS.map((f) => f.name).join(', ');
  const known = RECOGNIZED_ONLY.find((candidate) => candidate.matches(bytes));
  if (known) throw new ImageDecodeError('unsupported', `${known.name} images are not supported (supported: ${supported})`);
  const head = Array.from(bytes.subarray(0, 8), (b) => b.toString(16).padStart(2, '0')).join(' ');
  throw new ImageDecodeError(
    'unrecognized',
    `the stream (${bytes.length} bytes, starting ${head || '<empty>'}) is not an image format this runtime decodes (${supported})`,
  );
}
