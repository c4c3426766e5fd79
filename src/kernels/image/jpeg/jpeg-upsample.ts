/**
 * Chroma upsampling to full resolution as libjpeg-turbo does it by default ("fancy"): triangular
 * filters for 2x1, 2x2 and 1x2 (jdsample.c), pixel replication for other ratios. Edges repeat the
 * last real row/column of the component.
 */

export interface ComponentPlane {
  /** Samples with `stride` bytes per row; only `width` x `height` of them are real. */
  readonly samples: Uint8Array;
  readonly stride: number;
  readonly width: number;
  readonly height: number;
}

/** Upsamples by (sx, sy) into a plane of outWidth x outHeight (cropping the extra column/row). */
export function upsample(plane: ComponentPlane, sx: number, sy: number, outWidth: number, outHeight: number): Uint8Array {
  const out = new Uint8Array(outWidth * outHeight);
  const { samples, stride, width, height } = plane;
  const rowStart = (y: number) => Math.min(Math.max(y, 0), height - 1) * stride;
  if (sx === 1 && sy === 1) {
    for (let y = 0; y < outHeight; y++) out.set(samples.subarray(y * stride, y * stride + outWidth), y * outWidth);
  } else if (sx === 2 && width > 2 && (sy === 1 || sy === 2)) {
    // libjpeg weighs the nearer column 3:1 over column sums (the row alone for 2x1, 3 near + 1
    // far row for 2x2), rounding even outputs with +1/+8 and odd ones with +2/+7. Beyond the
    // edges the outer column repeats, which reproduces its special cases.
    const sums = new Int32Array(width);
    const [evenBias, oddBias, shift] = sy === 2 ? [8, 7, 4] : [1, 2, 2];
    for (let y = 0; y < outHeight; y++) {
      const near = rowStart(Math.floor(y / sy));
      if (sy === 2) {
        const far = rowStart((y >> 1) + (y & 1 ? 1 : -1));
        for (let x = 0; x < width; x++) sums[x] = samples[near + x] * 3 + samples[far + x];
      } else {
        for (let x = 0; x < width; x++) sums[x] = samples[near + x];
      }
      const o = y * outWidth;
      for (let x = 0; x < outWidth; x++) {
        const source = x >> 1;
        if (x & 1) out[o + x] = (sums[source] * 3 + sums[Math.min(source + 1, width - 1)] + oddBias) >> shift;
        else out[o + x] = (sums[source] * 3 + sums[Math.max(source - 1, 0)] + evenBias) >> shift;
      }
    }
  } else if (sx === 1 && sy === 2) {
    for (let y = 0; y < outHeight; y++) {
      const near = rowStart(y >> 1);
      const far = rowStart((y >> 1) + (y & 1 ? 1 : -1));
      const bias = y & 1 ? 2 : 1;
      const o = y * outWidth;
      for (let x = 0; x < outWidth; x++) out[o + x] = (samples[near + x] * 3 + samples[far + x] + bias) >> 2;
    }
  } else {
    for (let y = 0; y < outHeight; y++) {
      const source = Math.floor(y / sy) * stride;
      for (let x = 0; x < outWidth; x++) out[y * outWidth + x] = samples[source + Math.floor(x / sx)];
    }
  }
  return out;
}
