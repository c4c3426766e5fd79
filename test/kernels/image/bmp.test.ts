import { describe, expect, it } from 'vitest';
import { decodeBmp } from '../../../src/kernels/image/bmp.js';
import { decodeWithNode, randomPixels } from './run-image-decoder.js';

interface BmpSpec {
  readonly width: number;
  readonly height: number;
  readonly bitCount: number;
  readonly topDown?: boolean;
  /** Row pixel values: BGR(X) bytes for 24/32, indices for palettes, 16-bit words for 16. */
  readonly pixel: (x: number, y: number) => number[];
  readonly palette?: readonly number[][];
  readonly masks?: readonly number[];
}

/** A minimal BITMAPINFOHEADER writer; rows stored bottom-up unless topDown. */
function encodeBmp(spec: BmpSpec): Uint8Array {
  const { width, height, bitCount } = spec;
  const rowBytes = Math.ceil((width * bitCount) / 32) * 4;
  const paletteBytes = (spec.palette?.length ?? 0) * 4;
  const maskBytes = spec.masks ? 12 : 0;
  const dataOffset = 54 + maskBytes + paletteBytes;
  const bytes = new Uint8Array(dataOffset + rowBytes * height);
  const view = new DataView(bytes.buffer);
  bytes[0] = 0x42;
  bytes[1] = 0x4d;
  view.setUint32(2, bytes.length, true);
  view.setUint32(10, dataOffset, true);
  view.setUint32(14, 40, true);
  view.setInt32(18, width, true);
  view.setInt32(22, spec.topDown ? -height : height, true);
  view.setUint16(26, 1, true);
  view.setUint16(28, bitCount, true);
  view.setUint32(30, spec.masks ? 3 : 0, true);
  view.setUint32(46, spec.palette?.length ?? 0, true);
  spec.masks?.forEach((m, i) => view.setUint32(54 + 4 * i, m, true));
  spec.palette?.forEach(([r, g, b], i) => bytes.set([b, g, r, 0], 54 + maskBytes + 4 * i));
  for (let y = 0; y < height; y++) {
    const row = dataOffset + (spec.topDown ? y : height - 1 - y) * rowBytes;
    for (let x = 0; x < width; x++) {
      const value = spec.pixel(x, y);
      if (bitCount < 8) {
        const bit = x * bitCount;
        bytes[row + (bit >> 3)] |= value[0] << (8 - bitCount - (bit & 7));
      } else if (bitCount === 16) {
        view.setUint16(row + 2 * x, value[0], true);
      } else {
        bytes.set(value, row + x * (bitCount / 8));
      }
    }
  }
  return bytes;
}

describe('ImageDecoder BMP', () => {
  it.each([[1, 1, false], [5, 3, false], [7, 4, true], [33, 2, false]])('24-bit %ix%i (topDown=%s)', async (width, height, topDown) => {
    const rgb = randomPixels(width * height * 3, width + 7 * height);
    const at = (x: number, y: number) => 3 * (y * width + x);
    const bytes = encodeBmp({ width, height, bitCount: 24, topDown, pixel: (x, y) => [rgb[at(x, y) + 2], rgb[at(x, y) + 1], rgb[at(x, y)]] });
    const out = await decodeWithNode(bytes);
    expect(out.dims).toEqual([height, width, 3]);
    expect(Array.from(out.data)).toEqual(Array.from(rgb));
  });

  it('32-bit BGRX and bit fields', () => {
    const plain = encodeBmp({ width: 3, height: 1, bitCount: 32, pixel: (x) => [x, 10 * x, 100, 255] });
    expect(Array.from(decodeBmp(plain).pixels)).toEqual([100, 0, 0, 100, 10, 1, 100, 20, 2]);
    const fields = encodeBmp({ width: 1, height: 1, bitCount: 32, masks: [0xff, 0xff00, 0xff0000], pixel: () => [1, 2, 3, 0] });
    expect(Array.from(decodeBmp(fields).pixels)).toEqual([1, 2, 3]);
  });

  it('16-bit 5-5-5 and 5-6-5', () => {
    const w555 = (0x1f << 10) | (0x10 << 5) | 0x01;
    expect(Array.from(decodeBmp(encodeBmp({ width: 1, height: 1, bitCount: 16, pixel: () => [w555] })).pixels)).toEqual([255, 131, 8]);
    const w565 = (0x1f << 11) | (0x3f << 5);
    const b565 = encodeBmp({ width: 1, height: 1, bitCount: 16, masks: [0xf800, 0x07e0, 0x001f], pixel: () => [w565] });
    expect(Array.from(decodeBmp(b565).pixels)).toEqual([255, 255, 0]);
  });

  it.each([1, 4, 8])('%i-bit palette, odd width', async (bitCount) => {
    const colors = 1 << bitCount;
    const palette = Array.from({ length: colors }, (_, i) => [i, 255 - i, (i * 7) & 255]);
    const index = (x: number, y: number) => (x * 3 + y * 5) % colors;
    const out = await decodeWithNode(encodeBmp({ width: 13, height: 3, bitCount, palette, pixel: (x, y) => [index(x, y)] }));
    const expected: number[] = [];
    for (let y = 0; y < 3; y++) for (let x = 0; x < 13; x++) expected.push(...palette[index(x, y)]);
    expect(Array.from(out.data)).toEqual(expected);
  });

  it('reads a stream that is a view at an odd offset into a larger buffer', () => {
    const bytes = encodeBmp({ width: 3, height: 2, bitCount: 16, masks: [0xf800, 0x07e0, 0x001f], pixel: (x) => [x * 0x0821] });
    const padded = new Uint8Array(bytes.length + 7);
    padded.set(bytes, 3);
    expect(Array.from(decodeBmp(padded.subarray(3, 3 + bytes.length)).pixels)).toEqual(Array.from(decodeBmp(bytes).pixels));
  });

  it('rejects truncated pixel data, RLE and absurd sizes', async () => {
    const full = encodeBmp({ width: 4, height: 4, bitCount: 24, pixel: () => [1, 2, 3] });
    await expect(decodeWithNode(full.subarray(0, full.length - 5))).rejects.toThrow(/ImageDecoder.*BMP.*needs/);
    await expect(decodeWithNode(full.subarray(0, 30))).rejects.toThrow(/truncated|ends inside/);
    const rle = full.slice();
    new DataView(rle.buffer).setUint32(30, 1, true);
    await expect(decodeWithNode(rle)).rejects.toThrow(/compression 1.*not supported/);
    const huge = full.slice();
    new DataView(huge.buffer).setInt32(18, 1 << 30, true);
    await expect(decodeWithNode(huge)).rejects.toThrow(/limit/);
  });
});
