/**
 * JPEG fixtures written by libjpeg-turbo 2.1.5's cjpeg from one 37x21 noisy gradient; each .pnm
 * beside them is djpeg's decode (islow IDCT, fancy upsampling), which must match bit for bit.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeJpeg } from '../../../src/kernels/image/jpeg/jpeg.js';
import { decodePnm } from '../../../src/kernels/image/pnm.js';
import { decodeWithNode } from './run-image-decoder.js';

const FIXTURES = join(import.meta.dirname, 'fixtures');
const jpegs = readdirSync(FIXTURES).filter((f) => f.endsWith('.jpg')).sort();
const read = (name: string) => new Uint8Array(readFileSync(join(FIXTURES, name)));

describe('ImageDecoder JPEG', () => {
  it.each(jpegs)('%s matches libjpeg-turbo bit for bit', (name) => {
    const expected = decodePnm(read(name.replace(/\.jpg$/, '.pnm')));
    const got = decodeJpeg(read(name));
    expect([got.width, got.height, got.channels]).toEqual([expected.width, expected.height, expected.channels]);
    const mismatches = got.pixels.reduce((n, v, i) => n + (v === expected.pixels[i] ? 0 : 1), 0);
    expect(mismatches, `${name}: samples differing from djpeg`).toBe(0);
  });

  it('runs through the node: gray JPEG as RGB repeats the gray, Grayscale keeps it', async () => {
    const bytes = read('gray.jpg');
    const gray = decodePnm(read('gray.pnm')).pixels;
    const rgb = await decodeWithNode(bytes, 'RGB');
    expect(rgb.dims).toEqual([21, 37, 3]);
    expect(Array.from(rgb.data.filter((_, i) => i % 3 === 2))).toEqual(Array.from(gray));
    const single = await decodeWithNode(bytes, 'Grayscale');
    expect(single.dims).toEqual([21, 37, 1]);
    expect(Array.from(single.data)).toEqual(Array.from(gray));
  });

  it('rejects truncated headers, unsupported processes and bad tables with typed errors', async () => {
    const bytes = read('baseline-420.jpg');
    await expect(decodeWithNode(bytes.subarray(0, 30))).rejects.toThrow(/ImageDecoder.*JPEG.*(truncated|ends inside)/);
    const sof = bytes.findIndex((b, i) => b === 0xff && bytes[i + 1] === 0xc0);
    const arithmetic = bytes.slice();
    arithmetic[sof + 1] = 0xc9;
    await expect(decodeWithNode(arithmetic)).rejects.toThrow(/arithmetic.*not supported/);
    const twelveBit = bytes.slice();
    twelveBit[sof + 4] = 12;
    await expect(decodeWithNode(twelveBit)).rejects.toThrow(/12-bit/);
    const zeroWidth = bytes.slice();
    zeroWidth[sof + 7] = 0;
    zeroWidth[sof + 8] = 0;
    await expect(decodeWithNode(zeroWidth)).rejects.toThrow(/invalid size/);
    const huge = bytes.slice();
    huge.set([0x30, 0x00, 0x30, 0x00], sof + 5); // 12288x12288 from a 1 kB stream
    await expect(decodeWithNode(huge)).rejects.toThrow(/more than its \d+ bytes can hold/);
  });

  it('reports a stream cut anywhere as truncated, never hangs or crashes', async () => {
    const bytes = read('progressive-420.jpg');
    for (let cut = 3; cut < bytes.length; cut += 37) {
      expect(() => decodeJpeg(bytes.subarray(0, cut)), `cut at ${cut}`).toThrow(/truncated|ends inside|no frame/);
    }
    await expect(decodeWithNode(bytes.subarray(0, bytes.length - 2))).rejects.toThrow(/no end-of-image marker/);
  });
});
