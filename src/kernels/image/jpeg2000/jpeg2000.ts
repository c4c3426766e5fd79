/**
 * JPEG 2000 (JP2 file or raw codestream), the subset lossless encoders write by default: one
 * tile, reversible 5/3 wavelet without quantization, default precincts, no code-block coding
 * modes, optional reversible colour transform. Other streams are reported as unsupported.
 * Lossless decoding has one right answer, so this matches OpenJPEG (which PIL uses) exactly.
 */
import { checkDimensions, type DecodedImage, truncated } from '../decoded-image.js';
import { ImageDecodeError } from '../image-decode-error.js';
import { HeaderBits, readPassCount, TagTree } from './packets.js';
import { decodeCodeBlock, type Orientation } from './tier1.js';
import { inverseLevel } from './wavelet.js';

const FORMAT = 'JPEG 2000';
/** COC, QCC, RGN, POC, PPM, PPT: markers that change how packets or components decode. */
const PARAMETER_OVERRIDES = new Set([0xff53, 0xff5d, 0xff5e, 0xff5f, 0xff60, 0xff61]);
/** 2^27 samples: 512 MiB of 32-bit coefficients. */
const MAX_SAMPLES = 1 << 27;
const unsupported = (what: string) => new ImageDecodeError('unsupported', `${FORMAT} ${what} is not supported`);

export function isJpeg2000(bytes: Uint8Array): boolean {
  const jp2 = [0, 0, 0, 0x0c, 0x6a, 0x50, 0x20, 0x20];
  return (bytes.length >= 8 && jp2.every((b, i) => bytes[i] === b)) || (bytes.length >= 4 && bytes[0] === 0xff && bytes[1] === 0x4f && bytes[2] === 0xff && bytes[3] === 0x51);
}

interface CodeBlock {
  readonly x0: number;
  readonly y0: number;
  readonly width: number;
  readonly height: number;
  included: boolean;
  lengthBits: number;
  planes: number;
  passes: number;
  readonly segments: Uint8Array[];
}

interface Band {
  readonly orientation: Orientation;
  readonly width: number;
  readonly height: number;
  readonly magnitudeBits: number;
  readonly gridW: number;
  readonly gridH: number;
  readonly blocks: CodeBlock[];
  readonly inclusion: TagTree;
  readonly zeroPlanes: TagTree;
}

interface Coding {
  readonly layers: number;
  readonly progression: number;
  readonly transform: boolean;
  readonly levels: number;
  readonly blockW: number;
  readonly blockH: number;
  readonly sop: boolean;
  readonly eph: boolean;
}

const view16 = (b: Uint8Array, at: number) => (b[at] << 8) | b[at + 1];
const view32 = (b: Uint8Array, at: number) => ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0;

function codestreamStart(bytes: Uint8Array): number {
  for (let i = 0; i + 3 < bytes.length; i++) if (bytes[i] === 0xff && bytes[i + 1] === 0x4f && bytes[i + 2] === 0xff && bytes[i + 3] === 0x51) return i;
  throw new ImageDecodeError('corrupt', `${FORMAT} file holds no codestream`);
}

export function decodeJpeg2000(bytes: Uint8Array): DecodedImage {
  let p = codestreamStart(bytes) + 2;
  let width = 0;
  let height = 0;
  let depths: { bits: number; signed: boolean }[] = [];
  let coding: Coding | undefined;
  let exponents: number[] = [];
  let guardBits = 0;
  const tileData: Uint8Array[] = [];
  for (;;) {
    if (p + 2 > bytes.length) throw truncated(FORMAT, 'the codestream');
    const marker = view16(bytes, p);
    if (marker === 0xffd9) break;
    if (p + 4 > bytes.length) throw truncated(FORMAT, 'a marker segment');
    const length = view16(bytes, p + 2);
    const body = p + 4;
    if (p + 2 + length > bytes.length) throw truncated(FORMAT, `marker 0x${marker.toString(16)}`);
    if (marker === 0xff51) {
      width = view32(bytes, body + 2) - view32(bytes, body + 10);
      height = view32(bytes, body + 6) - view32(bytes, body + 14);
      if (view32(bytes, body + 10) || view32(bytes, body + 14) || view32(bytes, body + 26) || view32(bytes, body + 30)) throw unsupported('with image or tile offsets');
      if (view32(bytes, body + 18) < view32(bytes, body + 2) || view32(bytes, body + 22) < view32(bytes, body + 6)) throw unsupported('with more than one tile');
      const count = view16(bytes, body + 34);
      depths = Array.from({ length: count }, (_, c) => {
        const s = bytes[body + 36 + 3 * c];
        if (bytes[body + 37 + 3 * c] !== 1 || bytes[body + 38 + 3 * c] !== 1) throw unsupported('with subsampled components');
        if ((s & 0x7f) + 1 > 16) throw unsupported(`with ${(s & 0x7f) + 1}-bit samples`);
        return { bits: (s & 0x7f) + 1, signed: (s & 0x80) !== 0 };
      });
      checkDimensions(FORMAT, width, height);
      // Coefficients are 32-bit per sample and component, and a stream of a few bytes may
      // legally describe a large flat image: cap the total like the pixel count.
      if (width * height * count > MAX_SAMPLES) throw new ImageDecodeError('too-large', `${FORMAT} of ${width}x${height} with ${count} components exceeds ${MAX_SAMPLES} samples`);
    } else if (marker === 0xff52) {
      const scod = bytes[body];
      if (scod & 1) throw unsupported('with custom precincts');
      if (bytes[body + 5] > 32 || bytes[body + 6] > 8 || bytes[body + 7] > 8 || bytes[body + 6] + bytes[body + 7] > 8) {
        throw new ImageDecodeError('corrupt', `${FORMAT} coding style has invalid levels or code-block size`);
      }
      if (bytes[body + 8] !== 0) throw unsupported(`with code-block style 0x${bytes[body + 8].toString(16)}`);
      if (bytes[body + 9] !== 1) throw unsupported('with the irreversible 9/7 wavelet (lossy)');
      coding = {
        progression: bytes[body + 1], layers: view16(bytes, body + 2), transform: bytes[body + 4] === 1, levels: bytes[body + 5],
        blockW: 1 << (bytes[body + 6] + 2), blockH: 1 << (bytes[body + 7] + 2), sop: (scod & 2) !== 0, eph: (scod & 4) !== 0,
      };
    } else if (marker === 0xff5c) {
      if ((bytes[body] & 0x1f) !== 0) throw unsupported('with quantization');
      guardBits = bytes[body] >> 5;
      exponents = Array.from(bytes.subarray(body + 1, p + 2 + length), (b) => b >> 3);
    } else if (PARAMETER_OVERRIDES.has(marker)) {
      throw unsupported('with per-component coding or quantization, region of interest, progression changes or packed packet headers');
    } else if (marker === 0xff90) {
      const tileLength = view32(bytes, body + 2);
      const end = tileLength === 0 ? bytes.length - 2 : p + tileLength;
      if (end > bytes.length) throw truncated(FORMAT, 'the tile data');
      let q = p + 2 + length;
      while (q + 4 <= end && view16(bytes, q) !== 0xff93) {
        if (PARAMETER_OVERRIDES.has(view16(bytes, q)) || view16(bytes, q) === 0xff52 || view16(bytes, q) === 0xff5c) throw unsupported('with coding parameters in a tile header');
        q += 2 + view16(bytes, q + 2);
      }
      tileData.push(bytes.subarray(q + 2, end));
      p = end;
      continue;
    }
    p += 2 + length;
  }
  if (!coding || depths.length === 0 || tileData.length === 0) throw new ImageDecodeError('corrupt', `${FORMAT} lacks its size, coding or tile`);
  if (tileData.length > 1) throw unsupported('with tile parts');
  return assemble(decodeTile(tileData[0], width, height, depths.length, coding, exponents, guardBits), width, height, depths, coding.transform);
}

function makeBands(width: number, height: number, coding: Coding, exponents: number[], guardBits: number): Band[][] {
  const { levels, blockW, blockH } = coding;
  const bandSize = (level: number, highX: number, highY: number) => [
    Math.ceil((width - highX * 2 ** (level - 1)) / 2 ** level),
    Math.ceil((height - highY * 2 ** (level - 1)) / 2 ** level),
  ];
  const make = (orientation: Orientation, w: number, h: number, exponentIndex: number): Band => {
    const gridW = Math.ceil(w / blockW);
    const gridH = Math.ceil(h / blockH);
    const blocks: CodeBlock[] = [];
    for (let by = 0; by < gridH; by++) {
      for (let bx = 0; bx < gridW; bx++) {
        blocks.push({ x0: bx * blockW, y0: by * blockH, width: Math.min(blockW, w - bx * blockW), height: Math.min(blockH, h - by * blockH), included: false, lengthBits: 3, planes: 0, passes: 0, segments: [] });
      }
    }
    const exponent = exponents[exponentIndex];
    if (exponent === undefined) throw new ImageDecodeError('corrupt', `${FORMAT} quantization lists too few subbands`);
    return { orientation, width: w, height: h, magnitudeBits: guardBits + exponent - 1, gridW, gridH, blocks, inclusion: new TagTree(Math.max(gridW, 1), Math.max(gridH, 1)), zeroPlanes: new TagTree(Math.max(gridW, 1), Math.max(gridH, 1)) };
  };
  const resolutions: Band[][] = [];
  const [llW, llH] = bandSize(levels, 0, 0);
  resolutions.push([make('LL', llW, llH, 0)]);
  for (let r = 1; r <= levels; r++) {
    const level = levels - r + 1;
    const [hlW, hlH] = bandSize(level, 1, 0);
    const [lhW, lhH] = bandSize(level, 0, 1);
    const [hhW, hhH] = bandSize(level, 1, 1);
    const e = 1 + 3 * (r - 1);
    resolutions.push([make('HL', hlW, hlH, e), make('LH', lhW, lhH, e + 1), make('HH', hhW, hhH, e + 2)]);
  }
  return resolutions;
}

function readPacket(data: Uint8Array, position: number, bands: Band[], layer: number, coding: Coding): number {
  if (coding.sop && data[position] === 0xff && data[position + 1] === 0x91) position += 6;
  const reader = new HeaderBits(data, position, data.length);
  const contributions: [CodeBlock, number][] = [];
  if (reader.bit()) {
    for (const band of bands) {
      for (let i = 0; i < band.blocks.length; i++) {
        const block = band.blocks[i];
        const bx = i % band.gridW;
        const by = Math.floor(i / band.gridW);
        let included: boolean;
        if (!block.included) {
          included = band.inclusion.decode(reader, bx, by, layer + 1);
          if (included) {
            block.planes = band.magnitudeBits - band.zeroPlanes.value(reader, bx, by);
            block.included = true;
          }
        } else {
          included = reader.bit() === 1;
        }
        if (!included) continue;
        const passes = readPassCount(reader);
        while (reader.bit()) block.lengthBits++;
        const length = reader.bits(block.lengthBits + Math.floor(Math.log2(passes)));
        block.passes += passes;
        contributions.push([block, length]);
      }
    }
  }
  reader.align();
  let body = reader.position;
  if (coding.eph && data[body] === 0xff && data[body + 1] === 0x92) body += 2;
  for (const [block, length] of contributions) {
    if (body + length > data.length) throw truncated(FORMAT, 'a code-block');
    block.segments.push(data.subarray(body, body + length));
    body += length;
  }
  return body;
}

function decodeTile(data: Uint8Array, width: number, height: number, components: number, coding: Coding, exponents: number[], guardBits: number): Int32Array[] {
  const bandsByComponent = Array.from({ length: components }, () => makeBands(width, height, coding, exponents, guardBits));
  const { layers, levels, progression } = coding;
  let position = 0;
  const packet = (l: number, r: number, c: number) => {
    position = readPacket(data, position, bandsByComponent[c][r], l, coding);
  };
  // With one precinct per resolution the five progression orders reduce to three loop nests.
  if (progression === 0) {
    for (let l = 0; l < layers; l++) for (let r = 0; r <= levels; r++) for (let c = 0; c < components; c++) packet(l, r, c);
  } else if (progression === 1) {
    for (let r = 0; r <= levels; r++) for (let l = 0; l < layers; l++) for (let c = 0; c < components; c++) packet(l, r, c);
  } else if (progression === 2) {
    for (let r = 0; r <= levels; r++) for (let c = 0; c < components; c++) for (let l = 0; l < layers; l++) packet(l, r, c);
  } else if (progression === 3 || progression === 4) {
    for (let c = 0; c < components; c++) for (let r = 0; r <= levels; r++) for (let l = 0; l < layers; l++) packet(l, r, c);
  } else {
    throw unsupported(`progression order ${progression}`);
  }

  return bandsByComponent.map((resolutions) => {
    const plane = new Int32Array(width * height);
    const block = new Int32Array(coding.blockW * coding.blockH);
    let resW = resolutions[0][0].width;
    let resH = resolutions[0][0].height;
    for (let r = 0; r <= levels; r++) {
      const bands = resolutions[r];
      const lowW = resW;
      const lowH = resH;
      for (const band of bands) {
        const bandX = band.orientation === 'HL' || band.orientation === 'HH' ? lowW : 0;
        const bandY = band.orientation === 'LH' || band.orientation === 'HH' ? lowH : 0;
        for (const cb of band.blocks) {
          const joined = new Uint8Array(cb.segments.reduce((n, s) => n + s.length, 0));
          cb.segments.reduce((o, s) => (joined.set(s, o), o + s.length), 0);
          decodeCodeBlock(joined, 0, joined.length, cb.width, cb.height, band.orientation, cb.planes, cb.passes, block);
          for (let y = 0; y < cb.height; y++) {
            for (let x = 0; x < cb.width; x++) plane[(bandY + cb.y0 + y) * width + bandX + cb.x0 + x] = block[y * cb.width + x];
          }
        }
      }
      if (r > 0) {
        resW = lowW + bands[0].width;
        resH = lowH + bands[1].height;
        inverseLevel(plane, width, resW, resH, lowW, lowH);
      }
    }
    return plane;
  });
}

function assemble(planes: Int32Array[], width: number, height: number, depths: { bits: number; signed: boolean }[], colorTransform: boolean): DecodedImage {
  const count = width * height;
  if (colorTransform && planes.length >= 3) {
    const [y0, y1, y2] = planes;
    for (let i = 0; i < count; i++) {
      const g = y0[i] - Math.floor((y1[i] + y2[i]) / 4);
      y0[i] = y2[i] + g;
      y2[i] = y1[i] + g;
      y1[i] = g;
    }
  }
  const channels = planes.length >= 3 ? 3 : 1;
  const pixels = new Uint8Array(count * channels);
  for (let c = 0; c < channels; c++) {
    const { bits, signed } = depths[c];
    const offset = signed ? 0 : 1 << (bits - 1);
    const shift = Math.max(0, bits - 8);
    const max = (1 << bits) - 1;
    for (let i = 0; i < count; i++) {
      const v = Math.min(Math.max(planes[c][i] + offset, 0), max);
      pixels[i * channels + c] = v >> shift;
    }
  }
  return { width, height, channels, pixels };
}
