import { describe, expect, it } from 'vitest';
import { decodePnm } from '../../../src/kernels/image/pnm.js';
import { ascii, concatBytes, decodeWithNode, randomPixels } from './run-image-decoder.js';

describe('ImageDecoder PNM', () => {
  it.each([[1, 1], [3, 5], [7, 2], [13, 9]])('P6 %ix%i decodes to the raw RGB samples', async (width, height) => {
    const rgb = randomPixels(width * height * 3, width * 31 + height);
    const out = await decodeWithNode(concatBytes(ascii(`P6\n# comment\n${width} ${height}\n255\n`), rgb));
    expect(out.dims).toEqual([height, width, 3]);
    expect(Array.from(out.data)).toEqual(Array.from(rgb));
  });

  it('P5 gray expands to RGB, stays one channel for Grayscale', async () => {
    const gray = randomPixels(15, 3);
    const bytes = concatBytes(ascii('P5 5 3 255\n'), gray);
    const rgb = await decodeWithNode(bytes, 'RGB');
    expect(rgb.dims).toEqual([3, 5, 3]);
    expect(Array.from(rgb.data.filter((_, i) => i % 3 === 1))).toEqual(Array.from(gray));
    const g = await decodeWithNode(bytes, 'Grayscale');
    expect(g.dims).toEqual([3, 5, 1]);
    expect(Array.from(g.data)).toEqual(Array.from(gray));
  });

  it('BGR reverses channels; Grayscale uses PIL fixed-point 601 luma', async () => {
    const bytes = concatBytes(ascii('P6 2 1 255\n'), Uint8Array.of(255, 0, 0, 10, 200, 30));
    expect(Array.from((await decodeWithNode(bytes, 'BGR')).data)).toEqual([0, 0, 255, 30, 200, 10]);
    const expected = [[255, 0, 0], [10, 200, 30]].map(([r, g, b]) => (r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16);
    expect(Array.from((await decodeWithNode(bytes, 'Grayscale')).data)).toEqual(expected);
  });

  it('ascii P3/P2/P1 and maxval scaling', () => {
    expect(Array.from(decodePnm(ascii('P3\n2 1\n15\n15 0 7  1 2 3\n')).pixels)).toEqual([255, 0, 119, 17, 34, 51]);
    expect(Array.from(decodePnm(ascii('P2 3 1 255 0 128 255')).pixels)).toEqual([0, 128, 255]);
    expect(Array.from(decodePnm(ascii('P1 4 1 0110')).pixels)).toEqual([255, 0, 0, 255]);
    expect(Array.from(decodePnm(concatBytes(ascii('P4 10 1\n'), Uint8Array.of(0b10100000, 0b01000000))).pixels))
      .toEqual([0, 255, 0, 255, 255, 255, 255, 255, 255, 0]);
    expect(Array.from(decodePnm(concatBytes(ascii('P5 2 1 65535\n'), Uint8Array.of(0xff, 0xff, 0x80, 0x00))).pixels)).toEqual([255, 128]);
  });

  it('rejects truncated, oversized and corrupt streams with a typed error naming the node', async () => {
    await expect(decodeWithNode(concatBytes(ascii('P6 4 4 255\n'), new Uint8Array(47)))).rejects.toThrow(/ImageDecoder.*needs 48 bytes/);
    await expect(decodeWithNode(ascii('P6 100000 100000 255\n'))).rejects.toThrow(/more than the limit/);
    await expect(decodeWithNode(ascii('P6 4'))).rejects.toThrow(/ends inside height/);
    await expect(decodeWithNode(ascii('P6 0 4 255\n'))).rejects.toThrow(/invalid size/);
    await expect(decodeWithNode(ascii('P3 1 1 255 1 2 x'))).rejects.toThrow(/not a decimal/);
    await expect(decodeWithNode(ascii('hello world'))).rejects.toThrow(/node .*ImageDecoder.*not an image format/);
    await expect(decodeWithNode(new Uint8Array(0))).rejects.toThrow(/<empty>/);
  });

  it('rejects an unknown pixel_format', async () => {
    await expect(decodeWithNode(ascii('P5 1 1 255\n\0'), 'CMYK')).rejects.toThrow(/pixel_format/);
  });
});

describe('ImageDecoder format recognition', () => {
  it.each([
    ['GIF', [...'GIF89a'].map((c) => c.charCodeAt(0))],
  ])('names %s as recognized but unsupported', async (name, bytes) => {
    await expect(decodeWithNode(Uint8Array.from(bytes))).rejects.toThrow(new RegExp(`${name} images are not supported`));
  });
});
