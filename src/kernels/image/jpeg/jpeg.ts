/**
 * JPEG (JFIF/Exif/Adobe) decoding: baseline and progressive Huffman, any sampling factors,
 * restart intervals, 1 or 3 components. Arithmetic coding, lossless and 12-bit JPEG are
 * reported as unsupported. Output matches libjpeg-turbo's defaults (islow IDCT, fancy upsampling).
 */
import { checkDimensions, type DecodedImage, truncated } from '../decoded-image.js';
import { ImageDecodeError } from '../image-decode-error.js';
import { BitReader, type HuffmanTable, huffmanTable } from './jpeg-bits.js';
import { yccToRgb } from './jpeg-color.js';
import { idctIslow } from './jpeg-idct.js';
import { decodeScan, type FrameComponent, type ScanComponent, ZIGZAG } from './jpeg-scan.js';
import { upsample } from './jpeg-upsample.js';

const FORMAT = 'JPEG';

export function isJpeg(bytes: Uint8Array): boolean {
  return bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
}

interface Frame {
  readonly width: number;
  readonly height: number;
  readonly progressive: boolean;
  readonly components: FrameComponent[];
  readonly maxH: number;
  readonly maxV: number;
  readonly mcusPerLine: number;
  readonly mcusPerColumn: number;
}

function readFrame(segment: Uint8Array, progressive: boolean, streamLength: number): Frame {
  if (segment.length < 6) throw truncated(FORMAT, 'the frame header');
  if (segment[0] !== 8) throw new ImageDecodeError('unsupported', `${FORMAT} with ${segment[0]}-bit samples is not supported`);
  const height = (segment[1] << 8) | segment[2];
  const width = (segment[3] << 8) | segment[4];
  const count = segment[5];
  if (height === 0) throw new ImageDecodeError('unsupported', `${FORMAT} whose height is set by a DNL marker is not supported`);
  if (count !== 1 && count !== 3) throw new ImageDecodeError('unsupported', `${FORMAT} with ${count} components (only gray and YCbCr/RGB) is not supported`);
  if (segment.length < 6 + 3 * count) throw truncated(FORMAT, 'the frame header');
  checkDimensions(FORMAT, width, height);
  const specs = Array.from({ length: count }, (_, i) => ({
    id: segment[6 + 3 * i],
    h: segment[7 + 3 * i] >> 4,
    v: segment[7 + 3 * i] & 15,
    quantTable: segment[8 + 3 * i],
  }));
  for (const s of specs) {
    if (s.h < 1 || s.h > 4 || s.v < 1 || s.v > 4 || s.quantTable > 3) throw new ImageDecodeError('corrupt', `${FORMAT} component ${s.id} has invalid sampling ${s.h}x${s.v} or table ${s.quantTable}`);
  }
  const maxH = Math.max(...specs.map((s) => s.h));
  const maxV = Math.max(...specs.map((s) => s.v));
  const mcusPerLine = Math.ceil(width / (8 * maxH));
  const mcusPerColumn = Math.ceil(height / (8 * maxV));
  // Every coded block costs at least one bit (its DC code), so a frame whose blocks cannot fit
  // in the stream is rejected before its coefficient arrays are allocated.
  const codedBlocks = specs.reduce((n, s) => n + Math.ceil(Math.ceil((width * s.h) / maxH) / 8) * Math.ceil(Math.ceil((height * s.v) / maxV) / 8), 0);
  if (codedBlocks > streamLength * 8) {
    throw new ImageDecodeError('truncated', `${FORMAT} of ${width}x${height} codes ${codedBlocks} blocks, more than its ${streamLength} bytes can hold`);
  }
  const components = specs.map((s): FrameComponent => {
    const blocksPerLine = mcusPerLine * s.h;
    const blocksPerColumn = mcusPerColumn * s.v;
    return {
      ...s,
      blocksPerLine,
      blocksPerColumn,
      usedBlocksPerLine: Math.ceil(Math.ceil((width * s.h) / maxH) / 8),
      usedBlocksPerColumn: Math.ceil(Math.ceil((height * s.v) / maxV) / 8),
      coefficients: new Int16Array(blocksPerLine * blocksPerColumn * 64),
    };
  });
  return { width, height, progressive, components, maxH, maxV, mcusPerLine, mcusPerColumn };
}

function readQuantTables(segment: Uint8Array, tables: (Uint16Array | undefined)[]): void {
  for (let p = 0; p < segment.length; ) {
    const precision = segment[p] >> 4;
    const id = segment[p] & 15;
    const size = precision ? 128 : 64;
    if (id > 3 || p + 1 + size > segment.length) throw new ImageDecodeError('corrupt', `${FORMAT} quantization table ${id} is invalid or truncated`);
    const table = new Uint16Array(64);
    for (let k = 0; k < 64; k++) table[ZIGZAG[k]] = precision ? (segment[p + 1 + 2 * k] << 8) | segment[p + 2 + 2 * k] : segment[p + 1 + k];
    tables[id] = table;
    p += 1 + size;
  }
}

function readHuffmanTables(segment: Uint8Array, dc: (HuffmanTable | undefined)[], ac: (HuffmanTable | undefined)[]): void {
  for (let p = 0; p < segment.length; ) {
    if (p + 17 > segment.length) throw truncated(FORMAT, 'a Huffman table');
    const tableClass = segment[p] >> 4;
    const id = segment[p] & 15;
    const counts = new Uint8Array(17);
    counts.set(segment.subarray(p + 1, p + 17), 1);
    const total = counts.reduce((a, b) => a + b, 0);
    if (id > 3 || tableClass > 1 || total > 256 || p + 17 + total > segment.length) throw new ImageDecodeError('corrupt', `${FORMAT} Huffman table ${tableClass}/${id} is invalid or truncated`);
    const table = huffmanTable(counts, segment.slice(p + 17, p + 17 + total));
    (tableClass === 0 ? dc : ac)[id] = table;
    p += 17 + total;
  }
}

/** Inverse-transforms every block of a component into a plane of blocksPerLine*8 columns. */
function componentPlane(component: FrameComponent, quant: Uint16Array | undefined, frame: Frame) {
  if (!quant) throw new ImageDecodeError('corrupt', `${FORMAT} component ${component.id} uses quantization table ${component.quantTable}, which is not defined`);
  const stride = component.blocksPerLine * 8;
  const samples = new Uint8Array(stride * component.blocksPerColumn * 8);
  for (let by = 0; by < component.blocksPerColumn; by++) {
    for (let bx = 0; bx < component.blocksPerLine; bx++) {
      idctIslow(component.coefficients, (by * component.blocksPerLine + bx) * 64, quant, samples, by * 8 * stride + bx * 8, stride);
    }
  }
  return {
    samples,
    stride,
    width: Math.ceil((frame.width * component.h) / frame.maxH),
    height: Math.ceil((frame.height * component.v) / frame.maxV),
  };
}

export function decodeJpeg(bytes: Uint8Array): DecodedImage {
  const quantTables: (Uint16Array | undefined)[] = [];
  const dcTables: (HuffmanTable | undefined)[] = [];
  const acTables: (HuffmanTable | undefined)[] = [];
  let frame: Frame | undefined;
  let restartInterval = 0;
  let adobeTransform: number | undefined;
  let sawJfif = false;
  let position = 2;
  let sawScan = false;
  for (;;) {
    while (position < bytes.length && bytes[position] !== 0xff) position++; // garbage between segments
    while (position < bytes.length && bytes[position] === 0xff) position++; // fill bytes
    // PIL refuses a stream without its end-of-image marker ("image file is truncated").
    if (position >= bytes.length) throw truncated(FORMAT, sawScan ? 'the image data (no end-of-image marker)' : 'the headers');
    const marker = bytes[position++];
    if (marker === 0xd9) break;
    if (marker >= 0xd0 && marker <= 0xd7) continue;
    if (position + 2 > bytes.length) throw truncated(FORMAT, `the segment of marker 0x${marker.toString(16)}`);
    const length = (bytes[position] << 8) | bytes[position + 1];
    if (length < 2 || position + length > bytes.length) throw truncated(FORMAT, `the segment of marker 0x${marker.toString(16)}`);
    const segment = bytes.subarray(position + 2, position + length);
    position += length;
    switch (marker) {
      case 0xc0: case 0xc1: case 0xc2:
        if (frame) throw new ImageDecodeError('corrupt', `${FORMAT} has more than one frame header`);
        frame = readFrame(segment, marker === 0xc2, bytes.length);
        break;
      case 0xc3: case 0xc5: case 0xc6: case 0xc7: case 0xc9: case 0xca: case 0xcb: case 0xcd: case 0xce: case 0xcf:
        throw new ImageDecodeError('unsupported', `${FORMAT} frame type of marker 0x${marker.toString(16)} (lossless, hierarchical or arithmetic) is not supported`);
      case 0xc4:
        readHuffmanTables(segment, dcTables, acTables);
        break;
      case 0xdb:
        readQuantTables(segment, quantTables);
        break;
      case 0xdd:
        restartInterval = segment.length >= 2 ? (segment[0] << 8) | segment[1] : 0;
        break;
      case 0xe0:
        if (segment[0] === 0x4a && segment[1] === 0x46 && segment[2] === 0x49 && segment[3] === 0x46) sawJfif = true;
        break;
      case 0xee:
        if (segment.length >= 12 && String.fromCharCode(...segment.subarray(0, 5)) === 'Adobe') adobeTransform = segment[11];
        break;
      case 0xda: {
        if (!frame) throw new ImageDecodeError('corrupt', `${FORMAT} scan comes before the frame header`);
        position = readScan(bytes, segment, position, frame, dcTables, acTables, restartInterval);
        sawScan = true;
        break;
      }
      default:
        break;
    }
  }
  if (!frame || !sawScan) throw new ImageDecodeError('corrupt', `${FORMAT} has no frame or no scan`);
  return assemble(frame, quantTables, isRgbTransform(frame, sawJfif, adobeTransform));
}

/** libjpeg's guess (jdapimin.c default_decompress_parms): JFIF means YCbCr; Adobe says; ids 'R','G','B' mean RGB. */
function isRgbTransform(frame: Frame, sawJfif: boolean, adobeTransform: number | undefined): boolean {
  if (frame.components.length !== 3 || sawJfif) return false;
  if (adobeTransform !== undefined) return adobeTransform === 0;
  const [a, b, c] = frame.components.map((x) => x.id);
  return a === 0x52 && b === 0x47 && c === 0x42;
}

function readScan(
  bytes: Uint8Array, segment: Uint8Array, dataStart: number, frame: Frame,
  dcTables: (HuffmanTable | undefined)[], acTables: (HuffmanTable | undefined)[], restartInterval: number,
): number {
  const count = segment[0];
  if (count < 1 || count > 4 || segment.length < 1 + 2 * count + 3) throw new ImageDecodeError('corrupt', `${FORMAT} scan header is invalid`);
  const components: ScanComponent[] = [];
  for (let i = 0; i < count; i++) {
    const component = frame.components.find((c) => c.id === segment[1 + 2 * i]);
    if (!component) throw new ImageDecodeError('corrupt', `${FORMAT} scan names component ${segment[1 + 2 * i]}, which the frame lacks`);
    const tables = segment[2 + 2 * i];
    components.push({ component, dcTable: dcTables[tables >> 4], acTable: acTables[tables & 15], dcPredictor: 0 });
  }
  const p = 1 + 2 * count;
  const scan = {
    components,
    progressive: frame.progressive,
    spectralStart: segment[p],
    spectralEnd: frame.progressive ? segment[p + 1] : 63,
    successiveHigh: segment[p + 2] >> 4,
    successiveLow: segment[p + 2] & 15,
    restartInterval,
    mcusPerLine: frame.mcusPerLine,
    mcusPerColumn: frame.mcusPerColumn,
  };
  if (scan.spectralStart > 63 || scan.spectralEnd > 63 || scan.spectralStart > scan.spectralEnd || scan.successiveLow > 13) {
    throw new ImageDecodeError('corrupt', `${FORMAT} scan has invalid spectral selection ${scan.spectralStart}..${scan.spectralEnd}`);
  }
  const needsDc = !frame.progressive || (scan.spectralStart === 0 && scan.successiveHigh === 0);
  const needsAc = !frame.progressive || scan.spectralStart > 0;
  for (const sc of components) {
    if ((needsDc && !sc.dcTable) || (needsAc && !sc.acTable)) throw new ImageDecodeError('corrupt', `${FORMAT} scan uses a Huffman table that is not defined`);
  }
  const reader = new BitReader(bytes, dataStart);
  decodeScan(reader, scan);
  return reader.position;
}

function assemble(frame: Frame, quantTables: (Uint16Array | undefined)[], rgb: boolean): DecodedImage {
  const { width, height, components } = frame;
  const planes = components.map((c) => {
    const plane = componentPlane(c, quantTables[c.quantTable], frame);
    return upsample(plane, frame.maxH / c.h, frame.maxV / c.v, width, height);
  });
  if (planes.length === 1) return { width, height, channels: 1, pixels: planes[0] };
  const pixels = new Uint8Array(width * height * 3);
  if (rgb) {
    for (let i = 0; i < width * height; i++) for (let c = 0; c < 3; c++) pixels[3 * i + c] = planes[c][i];
  } else {
    yccToRgb(planes[0], planes[1], planes[2], pixels);
  }
  return { width, height, channels: 3, pixels };
}
