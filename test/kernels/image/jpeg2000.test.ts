/**
 * Lossless JPEG 2000 fixtures written by OpenJPEG 2.5's opj_compress from the 37x21 and 23x45
 * test images (JP2 files and raw codestreams; default and 3-4 level wavelets; all five
 * progression orders; three quality layers; 16x16 code-blocks; SOP/EPH markers; with and
 * without the colour transform; gray). Lossless decoding must give back the source exactly.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeJpeg2000 } from '../../../src/kernels/image/jpeg2000/jpeg2000.js';
import { decodePnm } from '../../../src/kernels/image/pnm.js';
import { decodeWithNode } from './run-image-decoder.js';

const FIXTURES = join(import.meta.dirname, 'fixtures');
const read = (name: string) => new Uint8Array(readFileSync(join(FIXTURES, name)));

const CASES: [string, string][] = [
  ['lossless-default.jp2', 'rgb-source.pnm'],
  ['lossless-no-mct-rlcp.jp2', 'tall-source.pnm'],
  ['lossless-rpcl-cb16-sop-eph.j2k', 'tall-source.pnm'],
  ['lossless-layers-cprl.j2k', 'rgb-source.pnm'],
  ['lossless-gray-pcrl.jp2', 'gray.pnm'],
];

describe('ImageDecoder JPEG 2000', () => {
  it.each(CASES)('%s decodes losslessly to %s', (file, source) => {
    const expected = decodePnm(read(source));
    const got = decodeJpeg2000(read(file));
    expect([got.width, got.height, got.channels]).toEqual([expected.width, expected.height, expected.channels]);
    const mismatches = got.pixels.reduce((n, v, i) => n + (v === expected.pixels[i] ? 0 : 1), 0);
    expect(mismatches, `${file}: samples differing from the source`).toBe(0);
  });

  it('runs through the node (Grayscale of RGB uses PIL luma)', async () => {
    const rgb = decodePnm(read('rgb-source.pnm')).pixels;
    const out = await decodeWithNode(read('lossless-default.jp2'), 'Grayscale');
    expect(out.dims).toEqual([21, 37, 1]);
    expect(out.data[5]).toBe((rgb[15] * 19595 + rgb[16] * 38470 + rgb[17] * 7471 + 0x8000) >> 16);
  });

  it('reports lossy (9/7) streams as unsupported and cut streams as truncated', async () => {
    await expect(decodeWithNode(read('lossy-irreversible.j2k'))).rejects.toThrow(/irreversible 9\/7 wavelet \(lossy\) is not supported/);
    const bytes = read('lossless-default.jp2');
    const huge = bytes.slice();
    const siz = huge.findIndex((b, i) => b === 0xff && huge[i + 1] === 0x51);
    const view = new DataView(huge.buffer);
    view.setUint32(siz + 6, 12000);
    view.setUint32(siz + 10, 12000);
    view.setUint32(siz + 22, 12000);
    view.setUint32(siz + 26, 12000);
    await expect(decodeWithNode(huge)).rejects.toThrow(/exceeds \d+ samples/);
    await expect(decodeWithNode(bytes.subarray(0, 150))).rejects.toThrow(/ImageDecoder.*JPEG 2000.*(truncated|ends inside|runs past)/);
  });
});
