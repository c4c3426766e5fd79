/**
 * TIFF fixtures written by libtiff 4.5's tools from the same 37x21 image as the JPEG fixtures
 * (rgb-source.pnm, gray.pnm); palette.pnm is libtiff's tiff2rgba expansion of palette.tif.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeLzw, unpackBits } from '../../../src/kernels/image/tiff/tiff-compression.js';
import { decodeTiff } from '../../../src/kernels/image/tiff/tiff.js';
import { decodePnm } from '../../../src/kernels/image/pnm.js';
import { decodeWithNode } from './run-image-decoder.js';

const FIXTURES = join(import.meta.dirname, 'fixtures');
const read = (name: string) => new Uint8Array(readFileSync(join(FIXTURES, name)));

const CASES: [string, string][] = [
  ['rgb-packbits.tif', 'rgb-source.pnm'],
  ['rgb-lzw.tif', 'rgb-source.pnm'],
  ['rgb-lzw-predictor.tif', 'rgb-source.pnm'],
  ['rgb-deflate-planar.tif', 'rgb-source.pnm'],
  ['gray-deflate-predictor.tif', 'gray.pnm'],
  ['palette.tif', 'palette.pnm'],
];

describe('ImageDecoder TIFF', () => {
  it.each(CASES)('%s decodes to %s', (tif, pnm) => {
    const expected = decodePnm(read(pnm));
    const got = decodeTiff(read(tif));
    expect([got.width, got.height, got.channels]).toEqual([expected.width, expected.height, expected.channels]);
    expect(Array.from(got.pixels)).toEqual(Array.from(expected.pixels));
  });

  it('big-endian uncompressed RGB through the node, BGR too', async () => {
    const width = 3;
    const height = 2;
    const pixels = Uint8Array.from({ length: width * height * 3 }, (_, i) => i * 11);
    const entries: [number, number, number][] = [[256, 3, width], [257, 3, height], [258, 3, 8], [259, 3, 1], [262, 3, 2], [273, 4, 8 + 2 + 9 * 12 + 4], [277, 3, 3], [278, 3, height], [279, 4, pixels.length]];
    const bytes = new Uint8Array(8 + 2 + entries.length * 12 + 4 + pixels.length);
    const view = new DataView(bytes.buffer);
    bytes.set([0x4d, 0x4d, 0, 42]);
    view.setUint32(4, 8);
    view.setUint16(8, entries.length);
    entries.forEach(([tag, type, value], i) => {
      const at = 10 + i * 12;
      view.setUint16(at, tag);
      view.setUint16(at + 2, type);
      view.setUint32(at + 4, 1);
      if (type === 3) view.setUint16(at + 8, value);
      else view.setUint32(at + 8, value);
    });
    bytes.set(pixels, 8 + 2 + entries.length * 12 + 4);
    const rgb = await decodeWithNode(bytes);
    expect(rgb.dims).toEqual([height, width, 3]);
    expect(Array.from(rgb.data)).toEqual(Array.from(pixels));
    const bgr = await decodeWithNode(bytes, 'BGR');
    expect(Array.from(bgr.data.subarray(0, 3))).toEqual([22, 11, 0]);
    await expect(decodeWithNode(bytes.subarray(0, bytes.length - 1))).rejects.toThrow(/ImageDecoder.*TIFF.*strip 0/);
  });

  it('reads a stream that is a view at an odd offset into a larger buffer', () => {
    const bytes = read('rgb-deflate-planar.tif');
    const padded = new Uint8Array(bytes.length + 5);
    padded.set(bytes, 1);
    expect(Array.from(decodeTiff(padded.subarray(1, 1 + bytes.length)).pixels)).toEqual(Array.from(decodePnm(read('rgb-source.pnm')).pixels));
  });

  it('PackBits runs and literals; LZW with the KwKwK case', () => {
    expect(Array.from(unpackBits(Uint8Array.of(2, 1, 2, 3, 0xfd, 9, 0x80, 0, 7), 8))).toEqual([1, 2, 3, 9, 9, 9, 9, 7]);
    // Codes (9-bit MSB-first): 256 clear, 'a', 'a', 258 ('aa', defined by this very code), 257 end.
    const codes = [256, 97, 97, 258, 257];
    let bits = '';
    for (const c of codes) bits += c.toString(2).padStart(9, '0');
    const packed = Uint8Array.from(bits.padEnd(Math.ceil(bits.length / 8) * 8, '0').match(/.{8}/g)!, (b) => parseInt(b, 2));
    expect(Array.from(decodeLzw(packed, 4))).toEqual([97, 97, 97, 97]);
  });

  it('rejects tiles, unknown compression and missing strips', () => {
    const bytes = read('rgb-lzw.tif');
    const entryOf = (tag: number) => {
      const view = new DataView(bytes.buffer, bytes.byteOffset);
      const ifd = view.getUint32(4, true);
      for (let i = 0; i < view.getUint16(ifd, true); i++) if (view.getUint16(ifd + 2 + 12 * i, true) === tag) return ifd + 2 + 12 * i;
      throw new Error(`no tag ${tag}`);
    };
    const jpegCompressed = bytes.slice();
    new DataView(jpegCompressed.buffer).setUint16(entryOf(259) + 8, 7, true);
    expect(() => decodeTiff(jpegCompressed)).toThrow(/compression 7 is not supported/);
    const tiled = bytes.slice();
    new DataView(tiled.buffer).setUint16(entryOf(278), 322, true);
    expect(() => decodeTiff(tiled)).toThrow(/tiled/);
    expect(() => decodeTiff(bytes.subarray(0, 6))).toThrow(/truncated|ends inside/);
    const wide = read('rgb-packbits.tif');
    const view = new DataView(wide.buffer, wide.byteOffset);
    const ifd = view.getUint32(4, true);
    for (let i = 0; i < view.getUint16(ifd, true); i++) if (view.getUint16(ifd + 2 + 12 * i, true) === 256) view.setUint16(ifd + 2 + 12 * i + 8, 60000, true);
    expect(() => decodeTiff(wide)).toThrow(/cannot hold them/);
  });
});
