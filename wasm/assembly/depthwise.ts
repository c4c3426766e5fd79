/**
 * Depthwise convolution (one input channel per group, as in MobileNet): each output plane is a
 * weighted sum of shifted views of one input plane, computed directly, four output columns per
 * f32x4, from the padded plane (pad-image.ts) so no tap tests a bound. A GEMM would have one
 * row per output channel and k = kernel taps (9 for 3x3): far too thin to pay for packing.
 *
 * 3x3 windows with unit dilation, the MobileNet / EfficientNet case, have the nine weights in
 * registers and, at stride 2, shuffle the even and odd columns out of shared loads; 5x5 ones
 * (PP-LCNet, EfficientNet) have their taps written out (depthwise-5x5.ts); every other shape
 * reads its weights per tap. Outputs past the last full vector of a row are
 * computed in a vector too (reading the image's slack) and stored lane by lane.
 */
import { plane5x5, plane5x5Applies } from './depthwise-5x5';
import { bytes, madd } from './layout';
import { padImage } from './pad-image';
import { storeOutputs, stridedColumns } from './row-vectors';
import { dilationH, dilationW, kernelH, kernelW, outH, outW, planeH, planeW, strideH, strideW } from './window';

/**
 * `channels` planes at x (window plane layout), each producing `multiplier` output planes at y
 * (output channel c * multiplier + j), with w [channels * multiplier, kernelH * kernelW] and one
 * bias per output channel (bias 0 for none).
 */
export function depthwise(x: usize, channels: i32, multiplier: i32, w: usize, bias: usize, y: usize, act: i32): void {
  const planeBytes = bytes(planeH * planeW);
  for (let c = 0; c < channels; c++) convolvePlane(x + <usize>c * planeBytes, c, multiplier, w, bias, y, act);
}

/**
 * As depthwise, from `channels` image planes of h x w at x that the windows reach past: each is
 * padded (image element (0, 0) at row top, column left of its padded plane) into `plane`, one
 * plane's worth of floats and the image slack, just before it is convolved. The padded plane is
 * then read from L1 or L2, where padding the whole image first (pad-image.ts) would write it all
 * out and read it back, a pass that costs a 3x3 depthwise layer as much as its products.
 */
export function depthwisePadded(
  x: usize, channels: i32, multiplier: i32, w: usize, bias: usize, y: usize, act: i32, h: i32, width: i32, top: i32, left: i32, plane: usize,
): void {
  const imageBytes = bytes(h * width);
  for (let c = 0; c < channels; c++) {
    padImage(x + <usize>c * imageBytes, 1, h, width, top, left, 0, plane);
    convolvePlane(plane, c, multiplier, w, bias, y, act);
  }
}

/** Output planes c * multiplier .. c * multiplier + multiplier - 1 from the plane at src. */
function convolvePlane(src: usize, c: i32, multiplier: i32, w: usize, bias: usize, y: usize, act: i32): void {
  const taps = kernelH * kernelW;
  const positions = outH * outW;
  const unitDilation = dilationH == 1 && dilationW == 1;
  const kind = kernelH == 3 && kernelW == 3 && unitDilation ? (strideW == 1 ? 1 : strideW == 2 ? 2 : 0) : 0;
  const fiveByFive = plane5x5Applies(kernelH, kernelW, strideW, dilationH, dilationW);
  for (let j = 0; j < multiplier; j++) {
    const o = c * multiplier + j;
    const b = f32x4.splat(bias == 0 ? 0 : load<f32>(bias + bytes(o)));
    const wo = w + bytes(o * taps);
    const dst = y + bytes(o * positions);
    if (fiveByFive) plane5x5(src, wo, b, dst, act, strideW);
    else if (kind == 1) plane3x3Stride1(src, wo, b, dst, act);
    else if (kind == 2) plane3x3Stride2(src, wo, b, dst, act);
    else planeGeneric(src, wo, b, dst, act);
  }
}

function plane3x3Stride1(src: usize, w: usize, b: v128, dst: usize, act: i32): void {
  const w0 = v128.load32_splat(w), w1 = v128.load32_splat(w, 4), w2 = v128.load32_splat(w, 8);
  const w3 = v128.load32_splat(w, 12), w4 = v128.load32_splat(w, 16), w5 = v128.load32_splat(w, 20);
  const w6 = v128.load32_splat(w, 24), w7 = v128.load32_splat(w, 28), w8 = v128.load32_splat(w, 32);
  const rowBytes = bytes(planeW);
  for (let oy = 0; oy < outH; oy++) {
    const r0 = src + <usize>(oy * strideH) * rowBytes;
    const r1 = r0 + rowBytes, r2 = r1 + rowBytes;
    const out = dst + bytes(oy * outW);
    for (let ox = 0; ox < outW; ox += 4) {
      const at = bytes(ox);
      let acc = madd(w0, v128.load(r0 + at), b);
      acc = madd(w1, v128.load(r0 + at, 4), acc);
      acc = madd(w2, v128.load(r0 + at, 8), acc);
      acc = madd(w3, v128.load(r1 + at), acc);
      acc = madd(w4, v128.load(r1 + at, 4), acc);
      acc = madd(w5, v128.load(r1 + at, 8), acc);
      acc = madd(w6, v128.load(r2 + at), acc);
      acc = madd(w7, v128.load(r2 + at, 4), acc);
      acc = madd(w8, v128.load(r2 + at, 8), acc);
      storeOutputs(out, ox, acc, act);
    }
  }
}

/** Columns 2ox, 2ox + 1 and 2ox + 2 of a row: evens and odds of 8 floats, and evens of 8 from 2 on. */
function plane3x3Stride2(src: usize, w: usize, b: v128, dst: usize, act: i32): void {
  const w0 = v128.load32_splat(w), w1 = v128.load32_splat(w, 4), w2 = v128.load32_splat(w, 8);
  const w3 = v128.load32_splat(w, 12), w4 = v128.load32_splat(w, 16), w5 = v128.load32_splat(w, 20);
  const w6 = v128.load32_splat(w, 24), w7 = v128.load32_splat(w, 28), w8 = v128.load32_splat(w, 32);
  const rowBytes = bytes(planeW);
  for (let oy = 0; oy < outH; oy++) {
    const r0 = src + <usize>(oy * strideH) * rowBytes;
    const r1 = r0 + rowBytes, r2 = r1 + rowBytes;
    const out = dst + bytes(oy * outW);
    for (let ox = 0; ox < outW; ox += 4) {
      const at = bytes(2 * ox);
      let acc = b;
      acc = row3Stride2(r0 + at, w0, w1, w2, acc);
      acc = row3Stride2(r1 + at, w3, w4, w5, acc);
      acc = row3Stride2(r2 + at, w6, w7, w8, acc);
      storeOutputs(out, ox, acc, act);
    }
  }
}

@inline function row3Stride2(at: usize, wa: v128, wb: v128, wc: v128, acc: v128): v128 {
  const lo = v128.load(at), hi = v128.load(at, 16);
  const shiftedLo = v128.load(at, 8), shiftedHi = v128.load(at, 24);
  acc = madd(wa, v128.shuffle<f32>(lo, hi, 0, 2, 4, 6), acc);
  acc = madd(wb, v128.shuffle<f32>(lo, hi, 1, 3, 5, 7), acc);
  return madd(wc, v128.shuffle<f32>(shiftedLo, shiftedHi, 0, 2, 4, 6), acc);
}

/**
 * Any kernel, stride and dilation: a tap at a time over 8 outputs (two vectors share each
 * weight broadcast), then over 4 for the rest of the row. The window's globals are read into
 * locals once, so the tap loop carries no global loads and its stride test never changes.
 */
function planeGeneric(src: usize, w: usize, b: v128, dst: usize, act: i32): void {
  const rowBytes = bytes(planeW);
  const kh = kernelH, kw = kernelW, sw = strideW;
  const tapBytes = bytes(dilationW);
  const tapRowBytes = <usize>dilationH * rowBytes;
  const half = bytes(4 * sw);
  for (let oy = 0; oy < outH; oy++) {
    const r = src + <usize>(oy * strideH) * rowBytes;
    const out = dst + bytes(oy * outW);
    let ox = 0;
    for (; ox + 8 <= outW; ox += 8) {
      let acc0 = b, acc1 = b;
      let wt = w;
      let row = r + bytes(ox * sw);
      for (let ky = 0; ky < kh; ky++, row += tapRowBytes) {
        let at = row;
        for (let kx = 0; kx < kw; kx++, wt += 4, at += tapBytes) {
          const weight = v128.load32_splat(wt);
          acc0 = madd(weight, stridedColumns(at, sw), acc0);
          acc1 = madd(weight, stridedColumns(at + half, sw), acc1);
        }
      }
      storeOutputs(out, ox, acc0, act);
      storeOutputs(out, ox + 4, acc1, act);
    }
    for (; ox < outW; ox += 4) {
      let acc = b;
      let wt = w;
      let row = r + bytes(ox * sw);
      for (let ky = 0; ky < kh; ky++, row += tapRowBytes) {
        let at = row;
        for (let kx = 0; kx < kw; kx++, wt += 4, at += tapBytes) acc = madd(v128.load32_splat(wt), stridedColumns(at, sw), acc);
      }
      storeOutputs(out, ox, acc, act);
    }
  }
}
