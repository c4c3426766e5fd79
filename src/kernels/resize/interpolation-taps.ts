/**
 * Linear and cubic resampling along one dim as a table of taps: for each output index, the
 * input indices it reads and their weights. Taps sit at integer offsets from the sample point
 * and past the input's ends read its edge elements (the ONNX reference pads by replicating
 * edges); exclude_outside zeroes those instead. Antialiasing stretches the filter by 1/scale
 * when downsampling, so every input element within the widened support contributes.
 */
import { coordinateMap, extrapolates } from './coordinate-transform.js';
import type { ResizeAttributes } from './resize-attributes.js';
import type { AxisResize } from './resize-target.js';

export interface AxisTaps {
  readonly inLength: number;
  readonly outLength: number;
  /** Taps per output index. */
  readonly width: number;
  /** outLength × width input indices, already inside the input. */
  readonly indices: Int32Array;
  readonly weights: Float64Array;
  /** 1 where the output index takes extrapolation_value instead (tf_crop_and_resize). */
  readonly outside: Uint8Array;
}

export function linearKernel(d: number): number {
  return Math.max(0, 1 - Math.abs(d));
}

/** Keys' cubic convolution kernel with coefficient `a`. */
export function cubicKernel(a: number): (d: number) => number {
  return (d) => {
    const x = Math.abs(d);
    if (x <= 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
    if (x < 2) return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a;
    return 0;
  };
}

export function interpolationTaps(axis: AxisResize, attrs: ResizeAttributes): AxisTaps {
  const { inLength, outLength } = axis;
  const cubic = attrs.mode === 'cubic';
  const kernel = cubic ? cubicKernel(attrs.cubicCoeffA) : linearKernel;
  const support = cubic ? 2 : 1;
  const stretch = attrs.antialias ? Math.min(axis.scale, 1) : 1;
  // Taps at offsets first .. 1 - first from the sample's floor cover the (stretched) support.
  const first = Math.floor(-support / stretch) + 1;
  const width = 2 - 2 * first;
  const normalize = attrs.antialias || attrs.excludeOutside;
  const indices = new Int32Array(outLength * width);
  const weights = new Float64Array(outLength * width);
  const outside = new Uint8Array(outLength);
  const map = coordinateMap(attrs.coordinateMode, axis);
  for (let o = 0; o < outLength; o++) {
    const x = map(o);
    if (extrapolates(attrs.coordinateMode, x, inLength)) {
      outside[o] = 1;
      continue;
    }
    // The fraction is taken in (0, 1], as the reference does, so an integral x is the last
    // tap of the left half rather than the first of the right half.
    let base = Math.floor(x);
    let fraction = x - base;
    if (fraction === 0) {
      base -= 1;
      fraction = 1;
    }
    let total = 0;
    for (let t = 0; t < width; t++) {
      const offset = first + t;
      const index = base + offset;
      const inside = index >= 0 && index < inLength;
      const w = attrs.excludeOutside && !inside ? 0 : kernel((offset - fraction) * stretch);
      indices[o * width + t] = Math.min(Math.max(index, 0), inLength - 1);
      weights[o * width + t] = w;
      total += w;
    }
    if (normalize && total !== 0) for (let t = 0; t < width; t++) weights[o * width + t] /= total;
  }
  return { inLength, outLength, width, indices, weights, outside };
}

/** True when the taps copy the input unchanged, so the pass can be skipped. */
export function isIdentity(taps: AxisTaps): boolean {
  if (taps.inLength !== taps.outLength) return false;
  for (let o = 0; o < taps.outLength; o++) {
    if (taps.outside[o]) return false;
    for (let t = 0; t < taps.width; t++) {
      const w = taps.weights[o * taps.width + t];
      if (w !== 0 && (w !== 1 || taps.indices[o * taps.width + t] !== o)) return false;
    }
  }
  return true;
}

/**
 * Resamples the middle dim of `src`, viewed as [outer, inLength, inner], into a fresh
 * [outer, outLength, inner] array; each output row accumulates whole contiguous input rows.
 * Zero weights are skipped, so an infinite neighbor at weight 0 does not turn into NaN.
 */
export function applyTaps(src: Float64Array, outer: number, inner: number, taps: AxisTaps, extrapolation: number): Float64Array {
  const { inLength, outLength, width, indices, weights, outside } = taps;
  const dst = new Float64Array(outer * outLength * inner);
  if (inner === 1 && width === 2) {
    applyTwoTapsAlongLastAxis(src, dst, outer, taps, extrapolation);
    return dst;
  }
  for (let o = 0; o < outer; o++) {
    const srcBase = o * inLength * inner;
    for (let j = 0; j < outLength; j++) {
      const row = (o * outLength + j) * inner;
      if (outside[j]) {
        dst.fill(extrapolation, row, row + inner);
        continue;
      }
      if (inner === 1) {
        // The last dim: one dot product per output element, kept in a local.
        let sum = 0;
        for (let t = 0; t < width; t++) {
          const w = weights[j * width + t];
          if (w !== 0) sum += w * src[srcBase + indices[j * width + t]];
        }
        dst[row] = sum;
        continue;
      }
      for (let t = 0; t < width; t++) {
        const w = weights[j * width + t];
        if (w === 0) continue;
        const from = srcBase + indices[j * width + t] * inner;
        for (let i = 0; i < inner; i++) dst[row + i] += w * src[from + i];
      }
    }
  }
  return dst;
}

/**
 * applyTaps for linear taps along the last dim: two taps per output element, each a weighted
 * read from the same input row, without the general case's loop over taps.
 */
function applyTwoTapsAlongLastAxis(src: Float64Array, dst: Float64Array, outer: number, taps: AxisTaps, extrapolation: number): void {
  const { inLength, outLength, indices, weights, outside } = taps;
  for (let o = 0, row = 0, base = 0; o < outer; o++, base += inLength) {
    for (let j = 0; j < outLength; j++, row++) {
      if (outside[j]) {
        dst[row] = extrapolation;
        continue;
      }
      const w0 = weights[2 * j];
      const w1 = weights[2 * j + 1];
      // As in applyTaps: zero weights skip their read, and the sum starts from +0.
      let sum = 0;
      if (w0 !== 0) sum += w0 * src[base + indices[2 * j]];
      if (w1 !== 0) sum += w1 * src[base + indices[2 * j + 1]];
      dst[row] = sum;
    }
  }
}
