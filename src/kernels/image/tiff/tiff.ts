/**
 * Baseline TIFF (first image only): strips, chunky or planar, 1/2/4/8/16-bit samples, gray
 * (either photometric polarity), RGB and palette; uncompressed, PackBits, LZW or Deflate, with
 * the horizontal-differencing predictor. Extra samples (alpha) are dropped; tiles, JPEG-in-TIFF
 * and CMYK/YCbCr photometrics are reported as unsupported.
 */
import { checkDimensions, type DecodedImage, truncated } from '../decoded-image.js';
import { ImageDecodeError } from '../image-decode-error.js';
import { decodeLzw, inflateStrip, unpackBits } from './tiff-compression.js';

const FORMAT = 'TIFF';
/** Raw (decompressed) sample bytes a stream may ask for: 1 GiB. */
const MAX_RAW_BYTES = 1 << 30;

const TAG = {
  width: 256, height: 257, bitsPerSample: 258, compression: 259, photometric: 262, stripOffsets: 273,
  samplesPerPixel: 277, rowsPerStrip: 278, stripByteCounts: 279, planarConfig: 284, predictor: 317,
  colorMap: 320, tileWidth: 322,
} as const;

/** The most each compression can expand its input (Deflate 1032:1, LZW 4096 bytes per 12-bit code, PackBits 128 per 2 bytes). */
const MAX_EXPANSION: Record<number, number> = { 1: 1, 5: 2731, 8: 1032, 32946: 1032, 32773: 64 };

/** Bytes per value of each TIFF field type (BYTE, ASCII, SHORT, LONG, RATIONAL, ...). */
const TYPE_SIZES: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8 };

export function isTiff(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && ((bytes[0] === 0x49 && bytes[1] === 0x49 && bytes[2] === 42 && bytes[3] === 0) || (bytes[0] === 0x4d && bytes[1] === 0x4d && bytes[2] === 0 && bytes[3] === 42));
}

function readTags(bytes: Uint8Array): Map<number, number[]> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const little = bytes[0] === 0x49;
  if (bytes.length < 8) throw truncated(FORMAT, 'the header');
  const ifd = view.getUint32(4, little);
  if (ifd + 2 > bytes.length) throw truncated(FORMAT, 'the first directory');
  const count = view.getUint16(ifd, little);
  if (ifd + 2 + count * 12 > bytes.length) throw truncated(FORMAT, 'the first directory');
  const tags = new Map<number, number[]>();
  for (let i = 0; i < count; i++) {
    const entry = ifd + 2 + i * 12;
    const tag = view.getUint16(entry, little);
    const type = view.getUint16(entry + 2, little);
    const n = view.getUint32(entry + 4, little);
    const size = TYPE_SIZES[type];
    if (size === undefined || (type !== 1 && type !== 3 && type !== 4)) continue; // only integer fields matter here
    const inline = n * size <= 4;
    const start = inline ? entry + 8 : view.getUint32(entry + 8, little);
    if (start + n * size > bytes.length) throw truncated(FORMAT, `the values of tag ${tag}`);
    const values = new Array<number>(n);
    for (let k = 0; k < n; k++) {
      const at = start + k * size;
      values[k] = type === 1 ? bytes[at] : type === 3 ? view.getUint16(at, little) : view.getUint32(at, little);
    }
    tags.set(tag, values);
  }
  return tags;
}

export function decodeTiff(bytes: Uint8Array): DecodedImage {
  const tags = readTags(bytes);
  const little = bytes[0] === 0x49;
  const one = (tag: number, fallback?: number): number => {
    const value = tags.get(tag)?.[0] ?? fallback;
    if (value === undefined) throw new ImageDecodeError('corrupt', `${FORMAT} lacks required tag ${tag}`);
    return value;
  };
  const width = one(TAG.width);
  const height = one(TAG.height);
  checkDimensions(FORMAT, width, height);
  if (tags.has(TAG.tileWidth)) throw new ImageDecodeError('unsupported', `${FORMAT} tiled images are not supported`);
  const samplesPerPixel = one(TAG.samplesPerPixel, 1);
  const bits = one(TAG.bitsPerSample, 1);
  const compression = one(TAG.compression, 1);
  const photometric = one(TAG.photometric);
  const planar = one(TAG.planarConfig, 1) === 2;
  const predictor = one(TAG.predictor, 1);
  if (![1, 2, 4, 8, 16].includes(bits)) throw new ImageDecodeError('unsupported', `${FORMAT} with ${bits}-bit samples is not supported`);
  if (photometric > 3) throw new ImageDecodeError('unsupported', `${FORMAT} photometric interpretation ${photometric} (CMYK, YCbCr, Lab, ...) is not supported`);
  const colorChannels = photometric === 2 ? 3 : 1;
  if (samplesPerPixel < colorChannels || samplesPerPixel > 8) throw new ImageDecodeError('corrupt', `${FORMAT} has ${samplesPerPixel} samples per pixel for photometric ${photometric}`);
  if (photometric === 3 && bits > 8) throw new ImageDecodeError('unsupported', `${FORMAT} palette with ${bits}-bit indices is not supported`);
  if (predictor !== 1 && (predictor !== 2 || bits < 8)) throw new ImageDecodeError('unsupported', `${FORMAT} predictor ${predictor} with ${bits}-bit samples is not supported`);

  const offsets = tags.get(TAG.stripOffsets);
  const counts = tags.get(TAG.stripByteCounts);
  if (!offsets || !counts || counts.length < offsets.length) throw new ImageDecodeError('corrupt', `${FORMAT} lacks strip offsets or byte counts`);
  const rowsPerStrip = Math.min(one(TAG.rowsPerStrip, height), height) || height;
  const stripsPerPlane = Math.ceil(height / rowsPerStrip);
  const planes = planar ? samplesPerPixel : 1;
  if (offsets.length < stripsPerPlane * planes) throw new ImageDecodeError('corrupt', `${FORMAT} lists ${offsets.length} strips, the image needs ${stripsPerPlane * planes}`);
  const samplesPerRow = planar ? 1 : samplesPerPixel;
  const rowBytes = Math.ceil((width * samplesPerRow * bits) / 8);
  if (rowBytes * height * planes > MAX_RAW_BYTES) throw new ImageDecodeError('too-large', `${FORMAT} of ${width}x${height} with ${samplesPerPixel} ${bits}-bit samples exceeds ${MAX_RAW_BYTES} bytes`);

  const packedBytes = counts.slice(0, stripsPerPlane * planes).reduce((a, b) => a + b, 0);
  const ratio = MAX_EXPANSION[compression] ?? 1;
  if (rowBytes * height * planes > packedBytes * ratio) {
    throw new ImageDecodeError('truncated', `${FORMAT} of ${width}x${height} needs ${rowBytes * height * planes} bytes of samples; its ${packedBytes} bytes of strips cannot hold them`);
  }
  // Raw sample rows for each plane, in image order.
  const planeData = Array.from({ length: planes }, () => new Uint8Array(rowBytes * height));
  for (let plane = 0; plane < planes; plane++) {
    for (let strip = 0; strip < stripsPerPlane; strip++) {
      const index = plane * stripsPerPlane + strip;
      const rows = Math.min(rowsPerStrip, height - strip * rowsPerStrip);
      const expected = rows * rowBytes;
      const start = offsets[index];
      const end = start + counts[index];
      if (end > bytes.length) throw truncated(FORMAT, `strip ${index}`);
      const packed = bytes.subarray(start, end);
      let raw: Uint8Array;
      if (compression === 1) {
        if (packed.length < expected) throw truncated(FORMAT, `strip ${index} (${packed.length} of ${expected} bytes)`);
        raw = packed.subarray(0, expected);
      } else if (compression === 32773) raw = unpackBits(packed, expected);
      else if (compression === 5) raw = decodeLzw(packed, expected);
      else if (compression === 8 || compression === 32946) raw = inflateStrip(packed, expected);
      else throw new ImageDecodeError('unsupported', `${FORMAT} compression ${compression} is not supported`);
      if (predictor === 2) undoPredictor(raw, rows, rowBytes, samplesPerRow, bits, little);
      planeData[plane].set(raw, strip * rowsPerStrip * rowBytes);
    }
  }

  const colorMap = tags.get(TAG.colorMap);
  if (photometric === 3 && (!colorMap || colorMap.length < 3 << bits)) throw new ImageDecodeError('corrupt', `${FORMAT} palette image lacks a full color map`);
  const channels = photometric === 0 || photometric === 1 ? 1 : 3;
  const pixels = new Uint8Array(width * height * channels);
  const maxValue = (1 << bits) - 1;
  const sample = (plane: Uint8Array, row: number, index: number): number => {
    const base = row * rowBytes;
    if (bits === 8) return plane[base + index];
    if (bits === 16) return little ? plane[base + 2 * index + 1] : plane[base + 2 * index];
    const bit = index * bits;
    const value = (plane[base + (bit >> 3)] >> (8 - bits - (bit & 7))) & maxValue;
    return photometric === 3 ? value : Math.floor((value * 255) / maxValue);
  };
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const out = (y * width + x) * channels;
      const at = (c: number) => (planar ? sample(planeData[c], y, x) : sample(planeData[0], y, x * samplesPerPixel + c));
      if (photometric === 2) {
        pixels[out] = at(0);
        pixels[out + 1] = at(1);
        pixels[out + 2] = at(2);
      } else if (photometric === 3) {
        const index = at(0);
        const entries = 1 << bits;
        pixels[out] = (colorMap as number[])[index] >> 8;
        pixels[out + 1] = (colorMap as number[])[entries + index] >> 8;
        pixels[out + 2] = (colorMap as number[])[2 * entries + index] >> 8;
      } else {
        pixels[out] = photometric === 0 ? 255 - at(0) : at(0);
      }
    }
  }
  return { width, height, channels, pixels };
}

/** Horizontal differencing (predictor 2): each sample was stored minus the one to its left. */
function undoPredictor(raw: Uint8Array, rows: number, rowBytes: number, samplesPerRow: number, bits: number, little: boolean): void {
  if (bits === 8) {
    for (let r = 0; r < rows; r++) {
      const base = r * rowBytes;
      for (let i = samplesPerRow; i < rowBytes; i++) raw[base + i] = (raw[base + i] + raw[base + i - samplesPerRow]) & 0xff;
    }
    return;
  }
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  for (let r = 0; r < rows; r++) {
    const base = r * rowBytes;
    for (let i = samplesPerRow; i < rowBytes / 2; i++) {
      const value = view.getUint16(base + 2 * i, little) + view.getUint16(base + 2 * (i - samplesPerRow), little);
      view.setUint16(base + 2 * i, value & 0xffff, little);
    }
  }
}
