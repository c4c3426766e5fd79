/**
 * WebP fixtures written by libwebp 1.2.4's cwebp (default, fast, no filter, simple filter,
 * strong filter with sharpness, cropped); each .pnm beside them is dwebp's decode (fancy
 * upsampling, as PIL decodes), which must match bit for bit.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodePnm } from '../../../src/kernels/image/pnm.js';
import { decodeWebp } from '../../../src/kernels/image/webp/webp.js';
import { concatBytes, decodeWithNode } from './run-image-decoder.js';

const FIXTURES = join(import.meta.dirname, 'fixtures');
const webps = readdirSync(FIXTURES).filter((f) => f.endsWith('.webp')).sort();
const read = (name: string) => new Uint8Array(readFileSync(join(FIXTURES, name)));

function riff(chunks: Uint8Array): Uint8Array {
  const header = new Uint8Array(12);
  header.set([...'RIFF'].map((c) => c.charCodeAt(0)));
  new DataView(header.buffer).setUint32(4, chunks.length + 4, true);
  header.set([...'WEBP'].map((c) => c.charCodeAt(0)), 8);
  return concatBytes(header, chunks);
}

describe('ImageDecoder WebP', () => {
  it.each(webps)('%s matches libwebp bit for bit', (name) => {
    const expected = decodePnm(read(name.replace(/\.webp$/, '.pnm')));
    const got = decodeWebp(read(name));
    expect([got.width, got.height]).toEqual([expected.width, expected.height]);
    const mismatches = got.pixels.reduce((n, v, i) => n + (v === expected.pixels[i] ? 0 : 1), 0);
    expect(mismatches, `${name}: samples differing from dwebp`).toBe(0);
  });

  it('runs through the node with every pixel_format', async () => {
    const bytes = read('lossy-default.webp');
    const rgb = decodePnm(read('lossy-default.pnm')).pixels;
    const out = await decodeWithNode(bytes, 'BGR');
    expect(out.dims).toEqual([21, 37, 3]);
    expect([out.data[0], out.data[1], out.data[2]]).toEqual([rgb[2], rgb[1], rgb[0]]);
    const gray = await decodeWithNode(bytes, 'Grayscale');
    expect(gray.dims).toEqual([21, 37, 1]);
    expect(gray.data[0]).toBe((rgb[0] * 19595 + rgb[1] * 38470 + rgb[2] * 7471 + 0x8000) >> 16);
  });

  it('rejects lossless, truncated and malformed streams with typed errors', async () => {
    await expect(decodeWithNode(riff(concatBytes(Uint8Array.of(0x56, 0x50, 0x38, 0x4c, 5, 0, 0, 0), new Uint8Array(6))))).rejects.toThrow(/lossless \(VP8L\).*not supported/);
    const bytes = read('lossy-default.webp');
    await expect(decodeWithNode(bytes.subarray(0, 40))).rejects.toThrow(/ImageDecoder.*WebP.*(ends inside|cut short|runs past)/);
    const noStartCode = bytes.slice();
    noStartCode[20 + 3] = 0;
    await expect(decodeWithNode(noStartCode)).rejects.toThrow(/start code/);
    const huge = bytes.slice();
    huge.set([0xff, 0x3f, 0xff, 0x27], 20 + 6); // 16383x10239 from a 342-byte stream
    await expect(decodeWithNode(huge)).rejects.toThrow(/more than its \d+-byte mode partition/);
    const interFrame = bytes.slice();
    interFrame[20] |= 1;
    await expect(decodeWithNode(interFrame)).rejects.toThrow(/not a key frame/);
  });
});
