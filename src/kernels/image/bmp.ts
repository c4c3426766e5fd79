/**
 * Windows bitmaps: 1/4/8-bit palette, 16-bit (5-5-5 or bit fields), 24-bit and 32-bit rows,
 * bottom-up or top-down. RLE compression is reported as unsupported.
 */
import { checkDimensions, type DecodedImage, truncated } from './decoded-image.js';
import { ImageDecodeError } from './image-decode-error.js';

const FORMAT = 'BMP';
const BI_RGB = 0;
const BI_BITFIELDS = 3;
const BI_ALPHABITFIELDS = 6;

export function isBmp(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x42 && bytes[1] === 0x4d;
}

/** A channel described by a bit mask, scaled to 0..255 the way PIL's unpackers do (v * 255 / max, floored). */
interface MaskChannel {
  readonly shift: number;
  readonly max: number;
}

function maskChannel(mask: number): MaskChannel {
  if (mask === 0) return { shift: 0, max: 0 };
  let shift = 0;
  while (((mask >>> shift) & 1) === 0) shift++;
  return { shift, max: mask >>> shift };
}

function maskValue(pixel: number, channel: MaskChannel): number {
  if (channel.max === 0) return 0;
  return Math.floor((((pixel >>> channel.shift) & channel.max) * 255) / channel.max);
}

export function decodeBmp(bytes: Uint8Array): DecodedImage {
  if (bytes.length < 26) throw truncated(FORMAT, 'the file header');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dataOffset = view.getUint32(10, true);
  const headerSize = view.getUint32(14, true);
  if (headerSize !== 12 && headerSize < 40) throw new ImageDecodeError('unsupported', `${FORMAT} info header of ${headerSize} bytes is not a known version`);
  if (bytes.length < 14 + Math.min(headerSize, 56)) throw truncated(FORMAT, 'the info header');
  const isCore = headerSize === 12;
  const width = isCore ? view.getUint16(18, true) : view.getInt32(18, true);
  const signedHeight = isCore ? view.getInt16(20, true) : view.getInt32(22, true);
  const bitCount = view.getUint16(isCore ? 24 : 28, true);
  const compression = isCore ? BI_RGB : view.getUint32(30, true);
  const topDown = signedHeight < 0;
  const height = Math.abs(signedHeight);

  let masks: [number, number, number] | undefined;
  if (compression === BI_BITFIELDS || compression === BI_ALPHABITFIELDS) {
    const maskOffset = headerSize >= 52 ? 54 : 14 + headerSize;
    if (bytes.length < maskOffset + 12) throw truncated(FORMAT, 'the bit-field masks');
    masks = [view.getUint32(maskOffset, true), view.getUint32(maskOffset + 4, true), view.getUint32(maskOffset + 8, true)];
  } else if (compression !== BI_RGB) {
    throw new ImageDecodeError('unsupported', `${FORMAT} compression ${compression} (RLE, JPEG or PNG inside BMP) is not supported`);
  }
  if (![1, 4, 8, 16, 24, 32].includes(bitCount)) throw new ImageDecodeError('unsupported', `${FORMAT} with ${bitCount} bits per pixel is not supported`);
  if (masks && bitCount !== 16 && bitCount !== 32) throw new ImageDecodeError('corrupt', `${FORMAT} bit fields need 16 or 32 bits per pixel, got ${bitCount}`);

  const rowBytes = Math.ceil((width * bitCount) / 32) * 4;
  checkDimensions(FORMAT, width, height, rowBytes * (height - 1) + Math.ceil((width * bitCount) / 8), bytes.length - dataOffset);

  let palette: Uint8Array | undefined;
  if (bitCount <= 8) {
    const entrySize = isCore ? 3 : 4;
    const declared = isCore ? 0 : view.getUint32(46, true);
    const entries = declared > 0 && declared <= 1 << bitCount ? declared : 1 << bitCount;
    const paletteStart = 14 + headerSize;
    const available = Math.max(0, Math.floor((dataOffset - paletteStart) / entrySize));
    palette = new Uint8Array(3 << bitCount);
    for (let i = 0; i < Math.min(entries, available); i++) {
      const at = paletteStart + i * entrySize;
      palette[3 * i] = bytes[at + 2];
      palette[3 * i + 1] = bytes[at + 1];
      palette[3 * i + 2] = bytes[at];
    }
  }

  const channelMasks = (masks ?? (bitCount === 16 ? [0x7c00, 0x03e0, 0x001f] : [0xff0000, 0xff00, 0xff])).map(maskChannel);
  const pixels = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    const row = dataOffset + (topDown ? y : height - 1 - y) * rowBytes;
    let out = y * width * 3;
    for (let x = 0; x < width; x++, out += 3) {
      if (palette) {
        const bitOffset = x * bitCount;
        const index = (bytes[row + (bitOffset >> 3)] >> (8 - bitCount - (bitOffset & 7))) & ((1 << bitCount) - 1);
        pixels[out] = palette[3 * index];
        pixels[out + 1] = palette[3 * index + 1];
        pixels[out + 2] = palette[3 * index + 2];
      } else if (bitCount === 24 || (bitCount === 32 && !masks)) {
        const at = row + x * (bitCount >> 3);
        pixels[out] = bytes[at + 2];
        pixels[out + 1] = bytes[at + 1];
        pixels[out + 2] = bytes[at];
      } else {
        const pixel = bitCount === 16 ? view.getUint16(row + 2 * x, true) : view.getUint32(row + 4 * x, true);
        pixels[out] = maskValue(pixel, channelMasks[0]);
        pixels[out + 1] = maskValue(pixel, channelMasks[1]);
        pixels[out + 2] = maskValue(pixel, channelMasks[2]);
      }
    }
  }
  return { width, height, channels: 3, pixels };
}
