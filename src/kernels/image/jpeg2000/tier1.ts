/**
 * EBCOT tier-1 decoding of one code-block (ITU T.800 Annex D) without optional coding modes:
 * significance propagation, magnitude refinement and cleanup passes over stripes of four rows.
 */
import { MqDecoder } from './mq-decoder.js';

/** Subband orientation decides how neighbour counts map to significance contexts. */
export type Orientation = 'LL' | 'HL' | 'LH' | 'HH';

const SIGN_CONTEXT = 9;
const REFINE_CONTEXT = 14;
const UNIFORM_CONTEXT = 17;
const RUN_CONTEXT = 18;

/** T.800 Table D.1 by (horizontal 0-2, vertical 0-2, diagonal 0-4) significant neighbours. */
function significanceContext(orientation: Orientation, h: number, v: number, d: number): number {
  if (orientation === 'HH') {
    const hv = h + v;
    if (d >= 3) return 8;
    if (d === 2) return hv >= 1 ? 7 : 6;
    if (d === 1) return hv >= 2 ? 5 : hv === 1 ? 4 : 3;
    return hv >= 2 ? 2 : hv === 1 ? 1 : 0;
  }
  if (orientation === 'HL') [h, v] = [v, h];
  if (h === 2) return 8;
  if (h === 1) return v >= 1 ? 7 : d >= 1 ? 6 : 5;
  if (v === 2) return 4;
  if (v === 1) return 3;
  return d >= 2 ? 2 : d;
}

const CONTEXT_TABLES = new Map<Orientation, Uint8Array>(
  (['LL', 'HL', 'LH', 'HH'] as const).map((orientation) => {
    const table = new Uint8Array(45);
    for (let h = 0; h < 3; h++) for (let v = 0; v < 3; v++) for (let d = 0; d < 5; d++) table[h * 15 + v * 5 + d] = significanceContext(orientation, h, v, d);
    return [orientation, table];
  }),
);

/**
 * Decodes `passes` coding passes from data[start, end) into `out` (width x height signed
 * magnitudes), starting at bit plane `planes - 1`.
 */
export function decodeCodeBlock(data: Uint8Array, start: number, end: number, width: number, height: number,
  orientation: Orientation, planes: number, passes: number, out: Int32Array): void {
  out.fill(0, 0, width * height);
  if (passes === 0 || planes <= 0) return;
  const mq = new MqDecoder(data, start, end);
  const contexts = new Uint8Array(19);
  contexts[0] = 4 << 1;
  contexts[UNIFORM_CONTEXT] = 46 << 1;
  contexts[RUN_CONTEXT] = 3 << 1;
  const zeroCoding = CONTEXT_TABLES.get(orientation) as Uint8Array;
  // State arrays carry a one-sample border of zeros so neighbours need no bounds checks.
  const pw = width + 2;
  const padded = pw * (height + 2);
  const significant = new Uint8Array(padded);
  /** +1 positive, -1 negative, 0 not yet significant. */
  const sign = new Int8Array(padded);
  const refined = new Uint8Array(padded);
  const codedThisPlane = new Uint8Array(padded);
  const magnitude = new Int32Array(padded);

  const neighbourIndex = (k: number): number =>
    (significant[k - 1] + significant[k + 1]) * 15 + (significant[k - pw] + significant[k + pw]) * 5
    + significant[k - pw - 1] + significant[k - pw + 1] + significant[k + pw - 1] + significant[k + pw + 1];
  const decodeSign = (k: number): number => {
    const h = Math.max(-1, Math.min(1, sign[k - 1] + sign[k + 1]));
    const v = Math.max(-1, Math.min(1, sign[k - pw] + sign[k + pw]));
    let context: number;
    let flip: number;
    if (h === 0) {
      context = v === 0 ? 9 : 10;
      flip = v === -1 ? 1 : 0;
    } else {
      context = 11 + (v === 0 ? 1 : v === h ? 2 : 0);
      flip = h === -1 ? 1 : 0;
    }
    return mq.decode(contexts, SIGN_CONTEXT + context - 9) ^ flip;
  };
  const becomeSignificant = (k: number, plane: number) => {
    sign[k] = decodeSign(k) ? -1 : 1;
    significant[k] = 1;
    magnitude[k] = 1 << plane;
  };

  let plane = planes - 1;
  let passType = 2; // the first pass of the top plane is a cleanup pass
  for (let pass = 0; pass < passes && plane >= 0; pass++) {
    for (let stripe = 0; stripe < height; stripe += 4) {
      const stripeEnd = Math.min(stripe + 4, height);
      for (let x = 0; x < width; x++) {
        let y = stripe;
        if (passType === 2 && stripeEnd - stripe === 4) {
          let runnable = true;
          for (let r = stripe; r < stripeEnd && runnable; r++) {
            const k = (r + 1) * pw + x + 1;
            runnable = !significant[k] && !codedThisPlane[k] && neighbourIndex(k) === 0;
          }
          if (runnable) {
            if (!mq.decode(contexts, RUN_CONTEXT)) continue;
            y = stripe + ((mq.decode(contexts, UNIFORM_CONTEXT) << 1) | mq.decode(contexts, UNIFORM_CONTEXT));
            becomeSignificant((y + 1) * pw + x + 1, plane);
            y++;
          }
        }
        for (; y < stripeEnd; y++) {
          const k = (y + 1) * pw + x + 1;
          if (passType === 1) {
            if (!significant[k] || codedThisPlane[k]) continue;
            const context = refined[k] ? REFINE_CONTEXT + 2 : REFINE_CONTEXT + (neighbourIndex(k) === 0 ? 0 : 1);
            refined[k] = 1;
            if (mq.decode(contexts, context)) magnitude[k] |= 1 << plane;
            continue;
          }
          if (significant[k] || (passType === 2 && codedThisPlane[k])) continue;
          const neighbours = neighbourIndex(k);
          if (passType === 0) {
            if (neighbours === 0) continue;
            codedThisPlane[k] = 1;
          }
          if (mq.decode(contexts, zeroCoding[neighbours])) becomeSignificant(k, plane);
        }
      }
    }
    if (passType === 2) {
      plane--;
      codedThisPlane.fill(0);
    }
    passType = (passType + 1) % 3;
  }
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const k = (y + 1) * pw + x + 1;
      out[y * width + x] = sign[k] * magnitude[k];
    }
  }
}
