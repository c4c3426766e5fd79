/**
 * ConvTranspose of one group where the stride equals the kernel and the kernel is two wide
 * (no padding, dilation or output padding): every output element gets exactly one tap of each
 * input channel, so output row (iy * kH + ky) of channel oc is, for each input column ix, the
 * pair (kx 0, kx 1) of sums over input channels of x[ic, iy, ix] * w[ic, oc, ky, kx]. The
 * loops accumulate four input columns per vector for two output rows and both taps, then
 * interleave the two taps' vectors into eight contiguous outputs: no column matrix, no scatter.
 * Sums run over input channels in ascending order; the bias is added last, as the GEMM-and-
 * col2im path adds the column sums into the bias.
 */
import { bytes, madd } from './layout';

/** A and B's lanes interleaved: a0 b0 a1 b1 (low) and a2 b2 a3 b3 (high) go to `at` and `at` + 16. */
@inline function storePairs(at: usize, a: v128, b: v128): void {
  v128.store(at, v128.shuffle<f32>(a, b, 0, 4, 1, 5));
  v128.store(at, v128.shuffle<f32>(a, b, 2, 6, 3, 7), 16);
}

/**
 * Output rows `row0` (and `row1`, where `two`) over input columns [0, gridW): `xRow` is input
 * row iy of channel 0 (channels `inPlane` bytes apart), `wAt` row0's kx 0 tap for input
 * channel 0 (input channels `wStep` bytes apart; row1's taps `wNext` bytes on).
 */
@inline function pairRows(
  xRow: usize, inPlane: usize, wAt: usize, wStep: usize, wNext: usize, inChannels: i32,
  row0: usize, row1: usize, bias0: f32, bias1: f32, gridW: i32, two: bool,
): void {
  const b0 = f32x4.splat(bias0);
  const b1 = f32x4.splat(bias1);
  let ix = 0;
  for (; ix + 8 <= gridW; ix += 8) {
    let p00 = f32x4.splat(0), p01 = f32x4.splat(0), q00 = f32x4.splat(0), q01 = f32x4.splat(0);
    let p10 = f32x4.splat(0), p11 = f32x4.splat(0), q10 = f32x4.splat(0), q11 = f32x4.splat(0);
    let xAt = xRow + bytes(ix);
    let w = wAt;
    for (let ic = 0; ic < inChannels; ic++, xAt += inPlane, w += wStep) {
      const lo = v128.load(xAt);
      const hi = v128.load(xAt, 16);
      const w0 = v128.load32_splat(w);
      const w1 = v128.load32_splat(w, 4);
      p00 = madd(lo, w0, p00);
      p01 = madd(hi, w0, p01);
      q00 = madd(lo, w1, q00);
      q01 = madd(hi, w1, q01);
      if (two) {
        const v0 = v128.load32_splat(w + wNext);
        const v1 = v128.load32_splat(w + wNext, 4);
        p10 = madd(lo, v0, p10);
        p11 = madd(hi, v0, p11);
        q10 = madd(lo, v1, q10);
        q11 = madd(hi, v1, q11);
      }
    }
    const out0 = row0 + bytes(2 * ix);
    storePairs(out0, f32x4.add(p00, b0), f32x4.add(q00, b0));
    storePairs(out0 + 32, f32x4.add(p01, b0), f32x4.add(q01, b0));
    if (two) {
      const out1 = row1 + bytes(2 * ix);
      storePairs(out1, f32x4.add(p10, b1), f32x4.add(q10, b1));
      storePairs(out1 + 32, f32x4.add(p11, b1), f32x4.add(q11, b1));
    }
  }
  for (; ix + 4 <= gridW; ix += 4) {
    let p0 = f32x4.splat(0), q0 = f32x4.splat(0), p1 = f32x4.splat(0), q1 = f32x4.splat(0);
    let xAt = xRow + bytes(ix);
    let w = wAt;
    for (let ic = 0; ic < inChannels; ic++, xAt += inPlane, w += wStep) {
      const v = v128.load(xAt);
      p0 = madd(v, v128.load32_splat(w), p0);
      q0 = madd(v, v128.load32_splat(w, 4), q0);
      if (two) {
        p1 = madd(v, v128.load32_splat(w + wNext), p1);
        q1 = madd(v, v128.load32_splat(w + wNext, 4), q1);
      }
    }
    storePairs(row0 + bytes(2 * ix), f32x4.add(p0, b0), f32x4.add(q0, b0));
    if (two) storePairs(row1 + bytes(2 * ix), f32x4.add(p1, b1), f32x4.add(q1, b1));
  }
  for (; ix < gridW; ix++) {
    let p0: f32 = 0, q0: f32 = 0, p1: f32 = 0, q1: f32 = 0;
    let xAt = xRow + bytes(ix);
    let w = wAt;
    for (let ic = 0; ic < inChannels; ic++, xAt += inPlane, w += wStep) {
      const v = load<f32>(xAt);
      p0 += v * load<f32>(w);
      q0 += v * load<f32>(w, 4);
      if (two) {
        p1 += v * load<f32>(w + wNext);
        q1 += v * load<f32>(w + wNext, 4);
      }
    }
    store<f32>(row0 + bytes(2 * ix), p0 + bias0);
    store<f32>(row0 + bytes(2 * ix), q0 + bias0, 4);
    if (two) {
      store<f32>(row1 + bytes(2 * ix), p1 + bias1);
      store<f32>(row1 + bytes(2 * ix), q1 + bias1, 4);
    }
  }
}

/** Where output row `row` (output channel row / kH, tap row row % kH) of input row iy starts. */
@inline function outputRow(y: usize, row: i32, iy: i32, kH: i32, outW: i32, outPlane: usize): usize {
  const oc = row / kH;
  return y + <usize>oc * outPlane + bytes((iy * kH + row - oc * kH) * outW);
}

/**
 * y [outChannels, gridH * kH, gridW * 2] = ConvTranspose(x [inChannels, gridH, gridW],
 * w [inChannels, outChannels, kH, 2]) with stride (kH, 2), plus bias [outChannels] where `bias`
 * is not 0. Every element of y is written; x, w and bias are only read. The (output channel,
 * tap row) pairs are taken two at a time, so one output channel with kH 2 still shares each
 * load of x between two rows; their taps lie next to each other in w.
 */
export function convTransposePairs(
  x: usize, w: usize, bias: usize, y: usize, inChannels: i32, outChannels: i32, gridH: i32, gridW: i32, kH: i32,
): void {
  const outW = 2 * gridW;
  const outPlane = bytes(gridH * kH * outW);
  const inPlane = bytes(gridH * gridW);
  const rows = outChannels * kH;
  const wStep = bytes(2 * rows);
  for (let iy = 0; iy < gridH; iy++) {
    const xRow = x + bytes(iy * gridW);
    for (let row = 0; row < rows; row += 2) {
      const two = row + 1 < rows;
      const bias0: f32 = bias ? load<f32>(bias + bytes(row / kH)) : 0;
      const bias1: f32 = bias && two ? load<f32>(bias + bytes((row + 1) / kH)) : 0;
      const row0 = outputRow(y, row, iy, kH, outW, outPlane);
      const wAt = w + bytes(2 * row);
      if (two) pairRows(xRow, inPlane, wAt, wStep, 8, inChannels, row0, outputRow(y, row + 1, iy, kH, outW, outPlane), bias0, bias1, gridW, true);
      else pairRows(xRow, inPlane, wAt, wStep, 8, inChannels, row0, row0, bias0, bias1, gridW, false);
    }
  }
}
