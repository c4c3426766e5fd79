/** Macroblock headers and DCT token decoding for VP8 key frames (RFC 6386 sections 11 and 13). */
import type { BoolDecoder } from './vp8-bool-decoder.js';
import { SUBBLOCK_MODE_PROBABILITIES } from './vp8-tables.js';

/** Subblock (and, for 0..3, whole-macroblock) prediction modes, in libwebp's numbering. */
export const Mode = { DC: 0, TM: 1, VE: 2, HE: 3, RD: 4, VR: 5, LD: 6, VL: 7, HD: 8, HU: 9 } as const;
export type Mode = (typeof Mode)[keyof typeof Mode];

const BANDS = Uint8Array.of(0, 1, 2, 3, 6, 4, 5, 6, 6, 6, 6, 6, 6, 6, 6, 7, 0);
export const ZIGZAG = Uint8Array.of(0, 1, 4, 8, 5, 2, 3, 6, 9, 12, 13, 10, 7, 11, 14, 15);
const CATEGORY_PROBABILITIES = [
  [173, 148, 140],
  [176, 155, 140, 135],
  [180, 157, 141, 134, 130],
  [254, 254, 243, 230, 196, 177, 153, 140, 133, 130, 129],
];

export interface MacroblockModes {
  segment: number;
  skip: boolean;
  /** 16x16 prediction (yMode is one of DC, TM, VE, HE) or sixteen 4x4 modes. */
  i4x4: boolean;
  yMode: Mode;
  readonly subModes: Uint8Array;
  uvMode: Mode;
}

/**
 * Reads one macroblock's header. `above` holds the 4 subblock modes along the top edge of this
 * macroblock column, `left` the 4 along the left edge of this row; both are updated.
 */
export function readModes(br: BoolDecoder, segmentProbabilities: readonly number[] | undefined, skipProbability: number | undefined,
  above: Uint8Array, left: Uint8Array, out: MacroblockModes): void {
  out.segment = segmentProbabilities
    ? (br.bit(segmentProbabilities[0]) ? 2 + br.bit(segmentProbabilities[2]) : br.bit(segmentProbabilities[1]))
    : 0;
  out.skip = skipProbability !== undefined ? br.bit(skipProbability) === 1 : false;
  out.i4x4 = !br.bit(145);
  if (!out.i4x4) {
    const mode = br.bit(156) ? (br.bit(128) ? Mode.TM : Mode.HE) : (br.bit(163) ? Mode.VE : Mode.DC);
    out.yMode = mode;
    above.fill(mode);
    left.fill(mode);
  } else {
    for (let y = 0; y < 4; y++) {
      let mode = left[y];
      for (let x = 0; x < 4; x++) {
        const p = (above[x] * 10 + mode) * 9;
        const prob = (i: number) => SUBBLOCK_MODE_PROBABILITIES[p + i];
        if (!br.bit(prob(0))) mode = Mode.DC;
        else if (!br.bit(prob(1))) mode = Mode.TM;
        else if (!br.bit(prob(2))) mode = Mode.VE;
        else if (!br.bit(prob(3))) mode = !br.bit(prob(4)) ? Mode.HE : !br.bit(prob(5)) ? Mode.RD : Mode.VR;
        else mode = !br.bit(prob(6)) ? Mode.LD : !br.bit(prob(7)) ? Mode.VL : !br.bit(prob(8)) ? Mode.HD : Mode.HU;
        above[x] = mode;
        out.subModes[y * 4 + x] = mode;
      }
      left[y] = mode;
    }
  }
  out.uvMode = !br.bit(142) ? Mode.DC : !br.bit(114) ? Mode.VE : br.bit(183) ? Mode.TM : Mode.HE;
}

function largeValue(br: BoolDecoder, probabilities: Uint8Array, p: number): number {
  if (!br.bit(probabilities[p + 3])) return br.bit(probabilities[p + 4]) ? 3 + br.bit(probabilities[p + 5]) : 2;
  if (!br.bit(probabilities[p + 6])) {
    if (!br.bit(probabilities[p + 7])) return 5 + br.bit(159);
    return 7 + 2 * br.bit(165) + br.bit(145);
  }
  const high = br.bit(probabilities[p + 8]);
  const category = 2 * high + br.bit(probabilities[p + 9 + high]);
  let value = 0;
  for (const probability of CATEGORY_PROBABILITIES[category]) value = 2 * value + br.bit(probability);
  return value + 3 + (8 << category);
}

/**
 * Decodes one 4x4 block's tokens of plane `type` from position `first`, dequantized into
 * out[offset + natural index]. Returns the position after the last token read (libwebp's nz).
 */
export function readCoefficients(br: BoolDecoder, probabilities: Uint8Array, type: number, context: number,
  dcFactor: number, acFactor: number, first: number, out: Int16Array, offset: number): number {
  const base = type * 8 * 33;
  let p = base + BANDS[first] * 33 + context * 11;
  for (let n = first; n < 16; n++) {
    if (!br.bit(probabilities[p])) return n;
    while (!br.bit(probabilities[p + 1])) {
      p = base + BANDS[++n] * 33;
      if (n === 16) return 16;
    }
    const next = base + BANDS[n + 1] * 33;
    let value: number;
    if (!br.bit(probabilities[p + 2])) {
      value = 1;
      p = next + 11;
    } else {
      value = largeValue(br, probabilities, p);
      p = next + 22;
    }
    const signed = br.bit(128) ? -value : value;
    out[offset + ZIGZAG[n]] = signed * (n > 0 ? acFactor : dcFactor);
  }
  return 16;
}
