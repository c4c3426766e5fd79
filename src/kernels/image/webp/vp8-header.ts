/** The VP8 key-frame header (RFC 6386 sections 9 and 19.2): segments, loop filter, quantizers, token probabilities. */
import { ImageDecodeError } from '../image-decode-error.js';
import { BoolDecoder } from './vp8-bool-decoder.js';
import { AC_QUANT, COEFFICIENT_PROBABILITIES, COEFFICIENT_UPDATE_PROBABILITIES, DC_QUANT } from './vp8-tables.js';

const FORMAT = 'WebP (VP8)';

/** Dequantization factors of one segment: [dc, ac] for luma, the luma-DC (Y2) block and chroma. */
export interface SegmentQuant {
  readonly y1: readonly [number, number];
  readonly y2: readonly [number, number];
  readonly uv: readonly [number, number];
}

/** Loop filter parameters for one (segment, uses 4x4 prediction) pair; limit 0 means no filtering. */
export interface FilterStrength {
  readonly limit: number;
  readonly interiorLimit: number;
  readonly hevThreshold: number;
  readonly inner: boolean;
}

export interface FrameHeader {
  readonly width: number;
  readonly height: number;
  readonly firstPartitionBytes: number;
  readonly updateSegmentMap: boolean;
  readonly segmentProbabilities: readonly number[];
  /** 0 none, 1 simple, 2 normal. */
  readonly filterType: number;
  readonly filterStrengths: readonly (readonly [FilterStrength, FilterStrength])[];
  readonly quant: readonly SegmentQuant[];
  /** Token probabilities [type][band][context][node], flattened like the default table. */
  readonly coefficientProbabilities: Uint8Array;
  readonly skipProbability: number | undefined;
  /** The first partition's decoder, positioned at the first macroblock header. */
  readonly modes: BoolDecoder;
  readonly partitions: readonly BoolDecoder[];
}

const clip = (v: number, max: number): number => (v < 0 ? 0 : v > max ? max : v);

export function readFrameHeader(bytes: Uint8Array, start: number, end: number): FrameHeader {
  if (end - start < 10) throw new ImageDecodeError('truncated', `${FORMAT} frame header is cut short`);
  const tag = bytes[start] | (bytes[start + 1] << 8) | (bytes[start + 2] << 16);
  if (tag & 1) throw new ImageDecodeError('corrupt', `${FORMAT} bitstream is not a key frame`);
  const firstPartitionSize = tag >>> 5;
  if (bytes[start + 3] !== 0x9d || bytes[start + 4] !== 0x01 || bytes[start + 5] !== 0x2a) {
    throw new ImageDecodeError('corrupt', `${FORMAT} key frame lacks its start code`);
  }
  const width = (bytes[start + 6] | (bytes[start + 7] << 8)) & 0x3fff;
  const height = (bytes[start + 8] | (bytes[start + 9] << 8)) & 0x3fff;
  const firstStart = start + 10;
  const firstEnd = firstStart + firstPartitionSize;
  if (firstEnd > end) throw new ImageDecodeError('truncated', `${FORMAT} first partition (${firstPartitionSize} bytes) runs past the chunk`);
  const br = new BoolDecoder(bytes, firstStart, firstEnd);
  br.literal(2); // color space and clamping type: both have one meaning for decoding

  const useSegments = br.bit(128) === 1;
  let updateSegmentMap = false;
  let absoluteDeltas = false;
  const segmentQuantizer = [0, 0, 0, 0];
  const segmentFilter = [0, 0, 0, 0];
  const segmentProbabilities = [255, 255, 255];
  if (useSegments) {
    updateSegmentMap = br.bit(128) === 1;
    if (br.bit(128)) {
      absoluteDeltas = br.bit(128) === 1;
      for (let s = 0; s < 4; s++) segmentQuantizer[s] = br.optionalSigned(7);
      for (let s = 0; s < 4; s++) segmentFilter[s] = br.optionalSigned(6);
    }
    if (updateSegmentMap) for (let s = 0; s < 3; s++) segmentProbabilities[s] = br.bit(128) ? br.literal(8) : 255;
  }

  const simpleFilter = br.bit(128) === 1;
  const filterLevel = br.literal(6);
  const sharpness = br.literal(3);
  const referenceDelta = [0, 0, 0, 0];
  const modeDelta = [0, 0, 0, 0];
  const useDeltas = br.bit(128) === 1;
  if (useDeltas && br.bit(128)) {
    for (let i = 0; i < 4; i++) if (br.bit(128)) referenceDelta[i] = br.signedLiteral(6);
    for (let i = 0; i < 4; i++) if (br.bit(128)) modeDelta[i] = br.signedLiteral(6);
  }
  const filterType = filterLevel === 0 ? 0 : simpleFilter ? 1 : 2;

  const partitionCount = 1 << br.literal(2);
  const sizesStart = firstEnd;
  let partitionStart = sizesStart + 3 * (partitionCount - 1);
  if (partitionStart > end) throw new ImageDecodeError('truncated', `${FORMAT} partition table runs past the chunk`);
  const partitions: BoolDecoder[] = [];
  for (let p = 0; p < partitionCount; p++) {
    const at = sizesStart + 3 * p;
    const size = p < partitionCount - 1 ? bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16) : end - partitionStart;
    const partitionEnd = Math.min(end, partitionStart + size);
    partitions.push(new BoolDecoder(bytes, partitionStart, partitionEnd));
    partitionStart = partitionEnd;
  }

  const baseQ = br.literal(7);
  const y1DcDelta = br.optionalSigned(4);
  const y2DcDelta = br.optionalSigned(4);
  const y2AcDelta = br.optionalSigned(4);
  const uvDcDelta = br.optionalSigned(4);
  const uvAcDelta = br.optionalSigned(4);
  const quant: SegmentQuant[] = [];
  for (let s = 0; s < 4; s++) {
    const q = useSegments ? segmentQuantizer[s] + (absoluteDeltas ? 0 : baseQ) : baseQ;
    const y2Ac = (AC_QUANT[clip(q + y2AcDelta, 127)] * 101581) >> 16;
    quant.push({
      y1: [DC_QUANT[clip(q + y1DcDelta, 127)], AC_QUANT[clip(q, 127)]],
      y2: [DC_QUANT[clip(q + y2DcDelta, 127)] * 2, Math.max(y2Ac, 8)],
      uv: [DC_QUANT[clip(q + uvDcDelta, 117)], AC_QUANT[clip(q + uvAcDelta, 127)]],
    });
  }

  br.bit(128); // refresh_entropy_probs: meaningless for a single key frame
  const coefficientProbabilities = new Uint8Array(COEFFICIENT_PROBABILITIES.length);
  for (let i = 0; i < coefficientProbabilities.length; i++) {
    coefficientProbabilities[i] = br.bit(COEFFICIENT_UPDATE_PROBABILITIES[i]) ? br.literal(8) : COEFFICIENT_PROBABILITIES[i];
  }
  const skipProbability = br.bit(128) ? br.literal(8) : undefined;

  const filterStrengths = [0, 1, 2, 3].map((s) => {
    let base = filterLevel;
    if (useSegments) base = segmentFilter[s] + (absoluteDeltas ? 0 : filterLevel);
    return [false, true].map((i4x4): FilterStrength => {
      let level = base;
      if (useDeltas) level += referenceDelta[0] + (i4x4 ? modeDelta[0] : 0);
      level = clip(level, 63);
      if (level === 0) return { limit: 0, interiorLimit: 0, hevThreshold: 0, inner: i4x4 };
      let interior = level;
      if (sharpness > 0) {
        interior >>= sharpness > 4 ? 2 : 1;
        interior = Math.min(interior, 9 - sharpness);
      }
      interior = Math.max(interior, 1);
      return { limit: 2 * level + interior, interiorLimit: interior, hevThreshold: level >= 40 ? 2 : level >= 15 ? 1 : 0, inner: i4x4 };
    }) as [FilterStrength, FilterStrength];
  });

  return {
    width, height, firstPartitionBytes: firstPartitionSize, updateSegmentMap, segmentProbabilities, filterType, filterStrengths, quant,
    coefficientProbabilities, skipProbability, modes: br, partitions,
  };
}
