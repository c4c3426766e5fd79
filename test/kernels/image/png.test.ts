import { deflateRawSync, deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { inflateRaw } from '../../../src/kernels/image/inflate.js';
import { decodePng } from '../../../src/kernels/image/png.js';
import { concatBytes, decodeWithNode, randomPixels } from './run-image-decoder.js';

function chunk(type: string, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + body.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, body.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(body, 8);
  return out; // CRC left zero: the decoder does not check it
}

interface PngSpec {
  readonly width: number;
  readonly height: number;
  readonly depth: number;
  readonly colorType: number;
  readonly interlaced?: boolean;
  readonly palette?: Uint8Array;
  readonly filter?: (y: number) => number;
}

const SAMPLES: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

/** Packs one sub-image's rows with the given filter type per row. */
function filteredRows(width: number, height: number, spec: PngSpec, sampleAt: (x: number, y: number, s: number) => number, rowSeed: number): Uint8Array[] {
  const spp = SAMPLES[spec.colorType];
  const bits = spp * spec.depth;
  const rowBytes = Math.ceil((width * bits) / 8);
  const bpp = Math.max(1, bits >> 3);
  const rows: Uint8Array[] = [];
  let previous = new Uint8Array(rowBytes);
  for (let y = 0; y < height; y++) {
    const raw = new Uint8Array(rowBytes);
    for (let x = 0; x < width; x++) {
      for (let s = 0; s < spp; s++) {
        const value = sampleAt(x, y, s);
        if (spec.depth === 16) {
          raw[(x * spp + s) * 2] = value >> 8;
          raw[(x * spp + s) * 2 + 1] = value & 255;
        } else if (spec.depth === 8) {
          raw[x * spp + s] = value;
        } else {
          const bit = x * spec.depth;
          raw[bit >> 3] |= value << (8 - spec.depth - (bit & 7));
        }
      }
    }
    const filter = spec.filter ? spec.filter(y + rowSeed) : (y + rowSeed) % 5;
    const out = new Uint8Array(rowBytes + 1);
    out[0] = filter;
    for (let i = 0; i < rowBytes; i++) {
      const a = i >= bpp ? raw[i - bpp] : 0;
      const b = previous[i];
      const c = i >= bpp ? previous[i - bpp] : 0;
      const p = a + b - c;
      const predictor = [0, a, b, (a + b) >> 1,
        Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a : Math.abs(p - b) <= Math.abs(p - c) ? b : c][filter];
      out[i + 1] = (raw[i] - predictor) & 255;
    }
    rows.push(out);
    previous = raw;
  }
  return rows;
}

const ADAM7 = [[0, 0, 8, 8], [4, 0, 8, 8], [0, 4, 4, 8], [2, 0, 4, 4], [0, 2, 2, 4], [1, 0, 2, 2], [0, 1, 1, 2]];

function encodePng(spec: PngSpec, sampleAt: (x: number, y: number, s: number) => number): Uint8Array {
  const { width, height } = spec;
  const rows: Uint8Array[] = [];
  if (spec.interlaced) {
    ADAM7.forEach(([x0, y0, dx, dy], pass) => {
      const w = Math.max(0, Math.ceil((width - x0) / dx));
      const h = Math.max(0, Math.ceil((height - y0) / dy));
      if (w > 0 && h > 0) rows.push(...filteredRows(w, h, spec, (x, y, s) => sampleAt(x0 + x * dx, y0 + y * dy, s), pass));
    });
  } else {
    rows.push(...filteredRows(width, height, spec, sampleAt, 0));
  }
  const ihdr = new Uint8Array(13);
  const view = new DataView(ihdr.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  ihdr.set([spec.depth, spec.colorType, 0, 0, spec.interlaced ? 1 : 0], 8);
  const idat = deflateSync(concatBytes(...rows));
  const half = idat.length >> 1;
  return concatBytes(
    Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a),
    chunk('IHDR', ihdr),
    ...(spec.palette ? [chunk('PLTE', spec.palette)] : []),
    chunk('tEXt', new TextEncoder().encode('Comment\0ignored')),
    chunk('IDAT', idat.subarray(0, half)),
    chunk('IDAT', idat.subarray(half)),
    chunk('IEND', new Uint8Array(0)),
  );
}

describe('inflate', () => {
  it.each([0, 1, 100, 5000, 70000])('matches node:zlib over %i bytes of mixed data', (n) => {
    const data = randomPixels(n, n + 1).map((v, i) => (i % 7 < 4 ? v & 3 : v));
    for (const level of [0, 1, 9]) {
      expect(Array.from(inflateRaw(deflateRawSync(data, { level }), n, 'test'))).toEqual(Array.from(data));
    }
  });

  it('stops at the output cap (stored and compressed blocks) and reports truncation', () => {
    const data = randomPixels(10000, 9).map((v, i) => (i % 3 ? v : 0));
    for (const level of [0, 6]) {
      expect(Array.from(inflateRaw(deflateRawSync(data, { level }), 9999, 'test'))).toEqual(Array.from(data.subarray(0, 9999)));
    }
    const packed = deflateRawSync(randomPixels(1000, 3));
    expect(() => inflateRaw(packed.subarray(0, packed.length - 10), 1000, 'test')).toThrow(/ends early/);
  });
});

describe('ImageDecoder PNG', () => {
  it.each([[1, 1, false], [5, 3, false], [13, 9, true], [1, 7, true], [17, 2, true]])('RGB 8-bit %ix%i interlaced=%s', async (width, height, interlaced) => {
    const rgb = randomPixels(width * height * 3, width * 13 + height);
    const bytes = encodePng({ width, height, depth: 8, colorType: 2, interlaced }, (x, y, s) => rgb[(y * width + x) * 3 + s]);
    const out = await decodeWithNode(bytes);
    expect(out.dims).toEqual([height, width, 3]);
    expect(Array.from(out.data)).toEqual(Array.from(rgb));
  });

  it.each([1, 2, 4, 8, 16])('gray %i-bit scales to 0..255, odd width, interlaced too', (depth) => {
    for (const interlaced of [false, true]) {
      const width = 11;
      const height = 5;
      const max = (1 << depth) - 1;
      const value = (x: number, y: number) => (x * 37 + y * 101) % (max + 1);
      const image = decodePng(encodePng({ width, height, depth, colorType: 0, interlaced }, (x, y) => value(x, y)));
      expect(image.channels).toBe(1);
      const expected = [];
      for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) expected.push(depth === 16 ? value(x, y) >> 8 : Math.floor((value(x, y) * 255) / max));
      expect(Array.from(image.pixels)).toEqual(expected);
    }
  });

  it.each([1, 2, 4, 8])('palette %i-bit', (depth) => {
    const colors = 1 << depth;
    const palette = randomPixels(colors * 3, depth);
    const index = (x: number, y: number) => (x + 3 * y) % colors;
    const image = decodePng(encodePng({ width: 9, height: 3, depth, colorType: 3, palette }, (x, y) => index(x, y)));
    const expected = [];
    for (let y = 0; y < 3; y++) for (let x = 0; x < 9; x++) expected.push(...palette.subarray(3 * index(x, y), 3 * index(x, y) + 3));
    expect(Array.from(image.pixels)).toEqual(expected);
  });

  it('RGBA / gray+alpha drop alpha; 16-bit RGB keeps the high byte', () => {
    const rgba = decodePng(encodePng({ width: 2, height: 1, depth: 8, colorType: 6 }, (x, _y, s) => 10 * x + s));
    expect(Array.from(rgba.pixels)).toEqual([0, 1, 2, 10, 11, 12]);
    const ga = decodePng(encodePng({ width: 2, height: 1, depth: 16, colorType: 4 }, (x, _y, s) => (s ? 0 : 0x1234 * (x + 1))));
    expect(Array.from(ga.pixels)).toEqual([0x12, 0x24]);
    const rgb16 = decodePng(encodePng({ width: 1, height: 1, depth: 16, colorType: 2 }, (_x, _y, s) => 0xff00 - s * 0x100));
    expect(Array.from(rgb16.pixels)).toEqual([0xff, 0xfe, 0xfd]);
  });

  it('rejects truncated and invalid streams', async () => {
    const good = encodePng({ width: 8, height: 8, depth: 8, colorType: 2 }, (x) => x);
    await expect(decodeWithNode(good.subarray(0, 40))).rejects.toThrow(/ImageDecoder.*PNG/);
    const badDepth = good.slice();
    badDepth[8 + 8 + 8] = 7;
    await expect(decodeWithNode(badDepth)).rejects.toThrow(/bit depth 7 is not valid/);
    const huge = good.slice();
    new DataView(huge.buffer).setUint32(16, 1 << 20);
    new DataView(huge.buffer).setUint32(20, 1 << 20);
    await expect(decodeWithNode(huge)).rejects.toThrow(/limit/);
    const short = encodePng({ width: 8, height: 8, depth: 8, colorType: 2 }, (x) => x);
    new DataView(short.buffer).setUint32(20, 9); // taller than its data
    await expect(decodeWithNode(short)).rejects.toThrow(/ends inside the image data|ends early/);
  });
});
