/** Decodes a VP8 key frame (lossy WebP) to Y, U and V planes with the loop filter applied. */
import { checkDimensions } from '../decoded-image.js';
import { ImageDecodeError } from '../image-decode-error.js';
import { readFrameHeader } from './vp8-header.js';
import { filterMacroblock } from './vp8-loop-filter.js';
import { addInverseTransform, createPlane, inverseWalshHadamard, type Plane, predictBlock, predictSubblock } from './vp8-predict.js';
import { type MacroblockModes, Mode, readCoefficients, readModes } from './vp8-tokens.js';

export interface YuvFrame {
  readonly width: number;
  readonly height: number;
  readonly y: Plane;
  readonly u: Plane;
  readonly v: Plane;
}

/** Token plane types (RFC 6386 section 13.3). */
const Y_AFTER_Y2 = 0;
const Y2 = 1;
const CHROMA = 2;
const Y_WITH_DC = 3;

export function decodeVp8(bytes: Uint8Array, start: number, end: number): YuvFrame {
  const header = readFrameHeader(bytes, start, end);
  const { width, height } = header;
  checkDimensions('WebP', width, height);
  const mbW = (width + 15) >> 4;
  const mbH = (height + 15) >> 4;
  // Each macroblock header costs at least 0.8 bits of the first partition (its 16x16-or-4x4
  // flag has probability 145/256), so a frame too large for that partition is cut short.
  if (mbW * mbH > 10 * header.firstPartitionBytes + 16) {
    throw new ImageDecodeError('truncated', `WebP (VP8) of ${width}x${height} has ${mbW * mbH} macroblocks, more than its ${header.firstPartitionBytes}-byte mode partition can describe`);
  }
  const y = createPlane(mbW * 16, mbH * 16);
  const u = createPlane(mbW * 8, mbH * 8);
  const v = createPlane(mbW * 8, mbH * 8);

  const aboveModes = new Uint8Array(mbW * 4);
  const leftModes = new Uint8Array(4);
  // Non-zero flags of the neighbouring blocks: 4 luma, 2 U, 2 V per macroblock edge, plus Y2.
  const aboveNz = new Uint8Array(mbW * 8);
  const aboveNzDc = new Uint8Array(mbW);
  const leftNz = new Uint8Array(8);
  let leftNzDc = 0;
  const modes: MacroblockModes = { segment: 0, skip: false, i4x4: false, yMode: Mode.DC, subModes: new Uint8Array(16), uvMode: Mode.DC };
  const coefficients = new Int16Array(384);
  const y2 = new Int16Array(16);
  const filterInfo = new Array<{ segment: number; i4x4: boolean; inner: boolean }>(mbW * mbH);
  const aboveRight = new Uint8Array(4);
  const probabilities = header.coefficientProbabilities;

  for (let mbY = 0; mbY < mbH; mbY++) {
    leftModes.fill(Mode.DC);
    leftNz.fill(0);
    leftNzDc = 0;
    const tokens = header.partitions[mbY & (header.partitions.length - 1)];
    for (let mbX = 0; mbX < mbW; mbX++) {
      readModes(header.modes, header.updateSegmentMap ? header.segmentProbabilities : undefined, header.skipProbability,
        aboveModes.subarray(mbX * 4, mbX * 4 + 4), leftModes, modes);
      const q = header.quant[modes.segment];
      const above = aboveNz.subarray(mbX * 8, mbX * 8 + 8);
      coefficients.fill(0);
      let allZero = true;
      if (!modes.skip) {
        let first = 0;
        let lumaType = Y_WITH_DC;
        if (!modes.i4x4) {
          y2.fill(0);
          const nz = readCoefficients(tokens, probabilities, Y2, aboveNzDc[mbX] + leftNzDc, q.y2[0], q.y2[1], 0, y2, 0);
          aboveNzDc[mbX] = leftNzDc = nz > 0 ? 1 : 0;
          inverseWalshHadamard(y2, coefficients);
          first = 1;
          lumaType = Y_AFTER_Y2;
        }
        for (let by = 0; by < 4; by++) {
          for (let bx = 0; bx < 4; bx++) {
            const offset = (by * 4 + bx) * 16;
            const nz = readCoefficients(tokens, probabilities, lumaType, above[bx] + leftNz[by], q.y1[0], q.y1[1], first, coefficients, offset);
            above[bx] = leftNz[by] = nz > first ? 1 : 0;
            if (nz > 1 || coefficients[offset] !== 0) allZero = false;
          }
        }
        for (let plane = 0; plane < 2; plane++) {
          for (let by = 0; by < 2; by++) {
            for (let bx = 0; bx < 2; bx++) {
              const offset = 256 + plane * 64 + (by * 2 + bx) * 16;
              const ctx = 4 + plane * 2;
              const nz = readCoefficients(tokens, probabilities, CHROMA, above[ctx + bx] + leftNz[ctx + by], q.uv[0], q.uv[1], 0, coefficients, offset);
              above[ctx + bx] = leftNz[ctx + by] = nz > 0 ? 1 : 0;
              if (nz > 1 || coefficients[offset] !== 0) allZero = false;
            }
          }
        }
      } else {
        above.fill(0);
        leftNz.fill(0);
        if (!modes.i4x4) aboveNzDc[mbX] = leftNzDc = 0;
      }
      filterInfo[mbY * mbW + mbX] = { segment: modes.segment, i4x4: modes.i4x4, inner: modes.i4x4 || !allZero };
      reconstruct(y, u, v, mbX, mbY, mbW, modes, coefficients, aboveRight);
    }
  }

  if (header.filterType > 0) {
    for (let mbY = 0; mbY < mbH; mbY++) {
      for (let mbX = 0; mbX < mbW; mbX++) {
        const info = filterInfo[mbY * mbW + mbX];
        const strength = header.filterStrengths[info.segment][info.i4x4 ? 1 : 0];
        filterMacroblock(header.filterType, strength, info.inner, mbX, mbY, y, u, v);
      }
    }
  }
  return { width, height, y, u, v };
}

function reconstruct(y: Plane, u: Plane, v: Plane, mbX: number, mbY: number, mbW: number, modes: MacroblockModes, coefficients: Int16Array, aboveRight: Uint8Array): void {
  const yAt = y.origin + mbY * 16 * y.stride + mbX * 16;
  if (modes.i4x4) {
    // The rightmost subblocks see the macroblock's above-right samples: those of the next
    // macroblock's bottom row, the last sample above repeated at the right edge, 127 at the top.
    const aboveRow = yAt - y.stride;
    for (let i = 0; i < 4; i++) {
      aboveRight[i] = mbY === 0 ? 127 : mbX === mbW - 1 ? y.data[aboveRow + 15] : y.data[aboveRow + 16 + i];
    }
    for (let by = 0; by < 4; by++) {
      for (let bx = 0; bx < 4; bx++) {
        const at = yAt + by * 4 * y.stride + bx * 4;
        const right = bx === 3 ? aboveRight : y.data.subarray(at - y.stride + 4, at - y.stride + 8);
        predictSubblock(y, at, modes.subModes[by * 4 + bx], right);
        addInverseTransform(coefficients, (by * 4 + bx) * 16, y, at);
      }
    }
  } else {
    predictBlock(y, yAt, 16, modes.yMode, mbY > 0, mbX > 0);
    for (let b = 0; b < 16; b++) addInverseTransform(coefficients, b * 16, y, yAt + (b >> 2) * 4 * y.stride + (b & 3) * 4);
  }
  for (const [plane, index] of [[u, 0], [v, 1]] as const) {
    const at = plane.origin + mbY * 8 * plane.stride + mbX * 8;
    predictBlock(plane, at, 8, modes.uvMode, mbY > 0, mbX > 0);
    for (let b = 0; b < 4; b++) addInverseTransform(coefficients, 256 + index * 64 + b * 16, plane, at + (b >> 1) * 4 * plane.stride + (b & 1) * 4);
  }
}
