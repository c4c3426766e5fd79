/**
 * Direct convolution for few input channels (a network's stem: 3 -> 16 at 640x640, or 8 -> 32
 * at stride 2), where the implicit GEMM's depth k = channels * taps is so small that packing
 * the column matrix costs as much as the products. Here each output row is computed straight
 * from the image: eight outputs of four output channels at a time in eight f32x4 accumulators,
 * one tap after another, each tap two vector loads of the image and four weight broadcasts.
 *
 * Any stride and dilation read contiguous vectors: the host has the image copied into
 * column-split planes first (splitColumns), each row holding its columns of phase 0, 1, ...,
 * stride - 1 one after the other, so that the inputs of consecutive window positions under one
 * tap are consecutive. The split copy is also where the padding goes in, so it replaces
 * padImage's pass rather than adding one; a stride-1 image that needs no padding is read where
 * it lies. Ranges of output rows run apart on threads.
 */
import { ACT_NONE, activate } from './epilogue';
import { bytes, madd } from './layout';
import { fillFloats } from './pad-image';
import { activateRun, callsOutOfLine } from './nhwc-conv';
import { storeOutputs } from './row-vectors';
import { dilationH, dilationW, kernelH, kernelW, outH, outW, planeH, planeW, strideH, strideW } from './window';

/** Output channels per pass, and per packed block of W. */
const BLOCK: i32 = 4;

/** Floats in one phase of a split row (planeW = strideW * phaseLength). */
@inline function phaseLength(): i32 {
  return planeW / strideW;
}

/**
 * `channels` planes of h x w at x into split planes (planeH rows of planeW floats) at out, image
 * element (0, 0) at padded row `top`, column `left` (both at least 0), zeros around it. Padded
 * column c of a row lies at (c % strideW) * phaseLength + c / strideW.
 */
export function splitColumns(x: usize, channels: i32, h: i32, w: i32, top: i32, left: i32, out: usize): void {
  const phase = phaseLength();
  for (let c = 0; c < channels; c++) {
    const image = x + bytes(c * h * w);
    for (let r = 0; r < planeH; r++, out += bytes(planeW)) {
      const source = r - top;
      if (source < 0 || source >= h) {
        fillFloats(out, planeW, 0);
        continue;
      }
      const row = image + bytes(source * w);
      for (let p = 0; p < strideW; p++) splitPhase(row, w, left, p, phase, out + bytes(p * phase));
    }
  }
}

/** Columns p, p + strideW, ... of one padded row (an image row of w at column `left`) as `phase` floats at out. */
function splitPhase(row: usize, w: i32, left: i32, p: i32, phase: i32, out: usize): void {
  const s = strideW;
  // j in [first, end): image column j * s + p - left lies in [0, w). Divisions of numerators that may be negative truncate, so those are tested first.
  const first = min(phase, (max(0, left - p) + s - 1) / s);
  const last = w - 1 + left - p;
  const end = max(first, min(phase, last < 0 ? 0 : last / s + 1));
  fillFloats(out, first, 0);
  let j = first;
  let from = row + bytes(first * s + p - left);
  if (s == 1) {
    memory.copy(out + bytes(j), from, bytes(end - j));
    j = end;
  } else if (s == 2) {
    // Lanes 0, 2, 4, 6 of 8 floats, all 8 inside the row: from j up to (w + left - p - 8) / 2.
    const room = w + left - p - 8;
    const starts = room < 0 ? 0 : room / 2 + 1;
    for (; j + 4 <= end && j < starts; j += 4, from += 32) {
      v128.store(out + bytes(j), v128.shuffle<f32>(v128.load(from), v128.load(from, 16), 0, 2, 4, 6));
    }
  }
  for (; j < end; j++, from += bytes(s)) store<f32>(out + bytes(j), load<f32>(from));
  fillFloats(out + bytes(end), phase - end, 0);
}

/** table[(c * kernelH + ky) * kernelW + kx] = byte offset of tap (ky, kx) of channel c from a window's start in (split) planes, as i32. */
export function splitTapOffsets(channels: i32, table: usize): void {
  const phase = phaseLength();
  for (let c = 0; c < channels; c++) {
    for (let ky = 0; ky < kernelH; ky++) {
      for (let kx = 0; kx < kernelW; kx++, table += 4) {
        const column = kx * dilationW;
        const offset = (c * planeH + ky * dilationH) * planeW + (column % strideW) * phase + column / strideW;
        store<i32>(table, <i32>bytes(offset));
      }
    }
  }
}

/** Floats of W packed for smallChannelConv: [ceil(m / BLOCK)][k][BLOCK], the last block zero-filled. */
export function smallChannelWeightsLength(m: i32, k: i32): i32 {
  return (m + BLOCK - 1) / BLOCK * BLOCK * k;
}

/** W ([m, k]) packed at out: block b, tap t holds the weights of output channels b * BLOCK .. b * BLOCK + BLOCK - 1. */
export function packSmallChannelWeights(w: usize, m: i32, k: i32, out: usize): void {
  for (let o = 0; o < m; o += BLOCK) {
    for (let t = 0; t < k; t++) {
      for (let j = 0; j < BLOCK; j++, out += 4) store<f32>(out, o + j < m ? load<f32>(w + bytes((o + j) * k + t)) : 0);
    }
  }
}

/**
 * Output rows [rowStart, rowEnd) of y (m planes of outH x outW) = act(conv(x, w) + bias (+ y
 * where `accumulate`)), x in split planes (splitColumns) or, at stride 1 unpadded, the image's
 * own, w packed (packSmallChannelWeights), taps from splitTapOffsets, bias 0 for none; alpha,
 * beta: the activation's parameters.
 */
export function smallChannelConv(
  x: usize, channels: i32, m: i32, w: usize, taps: usize, bias: usize, y: usize, act: i32, accumulate: bool,
  rowStart: i32, rowEnd: i32, alpha: f32, beta: f32,
): void {
  const rowStep = bytes(strideH * planeW);
  for (let oy = rowStart; oy < rowEnd; oy++) outputRow(x + <usize>oy * rowStep, channels, m, w, taps, bias, y, oy, act, accumulate, alpha, beta);
}

/** Output row oy of every channel, its windows starting at src. */
function outputRow(
  src: usize, channels: i32, m: i32, w: usize, taps: usize, bias: usize, y: usize, oy: i32, act: i32, accumulate: bool, alpha: f32, beta: f32,
): void {
  const k = channels * kernelH * kernelW;
  const planeBytes = bytes(outH * outW);
  // Activations through e^x would spill the accumulators at every store: they run over each finished row instead.
  const apart = callsOutOfLine(act);
  const storeAct = apart ? ACT_NONE : act;
  for (let o = 0; o < m; o += BLOCK) {
    const count = min(BLOCK, m - o);
    const dst = y + <usize>o * planeBytes + bytes(oy * outW);
    rowBlock(src, k, w + bytes(o * k), taps, bias == 0 ? 0 : bias + bytes(o), count, dst, planeBytes, storeAct, accumulate);
    if (apart) for (let j = 0; j < count; j++) activateRun(dst + <usize>j * planeBytes, outW, act, alpha, beta);
  }
}

/**
 * One output row of `count` (1..BLOCK) channels whose planes are planeBytes apart from dst: eight
 * outputs at a time, then four, the last vector stored lane by lane where it hangs past the row.
 */
function rowBlock(
  src: usize, k: i32, w: usize, taps: usize, bias: usize, count: i32, dst: usize, planeBytes: usize, act: i32, accumulate: bool,
): void {
  const tapsEnd = taps + bytes(k);
  const d1 = dst + planeBytes, d2 = d1 + planeBytes, d3 = d2 + planeBytes;
  let ox = 0;
  for (; ox + 8 <= outW; ox += 8) {
    const at = src + bytes(ox);
    const o = bytes(ox);
    // Loaded per block, not kept: four more live vectors would push the accumulators out of registers.
    let a0 = biasOf(bias, 0, count), a1 = biasOf(bias, 1, count), a2 = biasOf(bias, 2, count), a3 = biasOf(bias, 3, count);
    let c0 = a0, c1 = a1, c2 = a2, c3 = a3;
    if (accumulate) {
      a0 = f32x4.add(a0, v128.load(dst + o)); c0 = f32x4.add(c0, v128.load(dst + o, 16));
      if (count > 1) { a1 = f32x4.add(a1, v128.load(d1 + o)); c1 = f32x4.add(c1, v128.load(d1 + o, 16)); }
      if (count > 2) { a2 = f32x4.add(a2, v128.load(d2 + o)); c2 = f32x4.add(c2, v128.load(d2 + o, 16)); }
      if (count > 3) { a3 = f32x4.add(a3, v128.load(d3 + o)); c3 = f32x4.add(c3, v128.load(d3 + o, 16)); }
    }
    let wt = w;
    for (let tap = taps; tap < tapsEnd; tap += 4, wt += 16) {
      const p = at + <usize>load<i32>(tap);
      const lo = v128.load(p), hi = v128.load(p, 16);
      let s = v128.load32_splat(wt);
      a0 = madd(s, lo, a0); c0 = madd(s, hi, c0);
      s = v128.load32_splat(wt, 4);
      a1 = madd(s, lo, a1); c1 = madd(s, hi, c1);
      s = v128.load32_splat(wt, 8);
      a2 = madd(s, lo, a2); c2 = madd(s, hi, c2);
      s = v128.load32_splat(wt, 12);
      a3 = madd(s, lo, a3); c3 = madd(s, hi, c3);
    }
    v128.store(dst + o, activate(a0, act)); v128.store(dst + o, activate(c0, act), 16);
    if (count > 1) { v128.store(d1 + o, activate(a1, act)); v128.store(d1 + o, activate(c1, act), 16); }
    if (count > 2) { v128.store(d2 + o, activate(a2, act)); v128.store(d2 + o, activate(c2, act), 16); }
    if (count > 3) { v128.store(d3 + o, activate(a3, act)); v128.store(d3 + o, activate(c3, act), 16); }
  }
  for (; ox < outW; ox += 4) {
    const at = src + bytes(ox);
    let a0 = biasOf(bias, 0, count), a1 = biasOf(bias, 1, count), a2 = biasOf(bias, 2, count), a3 = biasOf(bias, 3, count);
    if (accumulate) {
      a0 = f32x4.add(a0, loadOutputs(dst, ox));
      if (count > 1) a1 = f32x4.add(a1, loadOutputs(d1, ox));
      if (count > 2) a2 = f32x4.add(a2, loadOutputs(d2, ox));
      if (count > 3) a3 = f32x4.add(a3, loadOutputs(d3, ox));
    }
    let wt = w;
    for (let tap = taps; tap < tapsEnd; tap += 4, wt += 16) {
      const v = v128.load(at + <usize>load<i32>(tap));
      a0 = madd(v128.load32_splat(wt), v, a0);
      a1 = madd(v128.load32_splat(wt, 4), v, a1);
      a2 = madd(v128.load32_splat(wt, 8), v, a2);
      a3 = madd(v128.load32_splat(wt, 12), v, a3);
    }
    storeOutputs(dst, ox, a0, act);
    if (count > 1) storeOutputs(d1, ox, a1, act);
    if (count > 2) storeOutputs(d2, ox, a2, act);
    if (count > 3) storeOutputs(d3, ox, a3, act);
  }
}

/** Bias j of a block as a vector: 0 where there is none or the block has no channel j. */
@inline function biasOf(bias: usize, j: i32, count: i32): v128 {
  return bias == 0 || j >= count ? f32x4.splat(0) : v128.load32_splat(bias + bytes(j));
}

/** The outputs at columns ox..ox+3 of a row, zero past its end (nothing past it is read). */
@inline function loadOutputs(row: usize, ox: i32): v128 {
  const at = row + bytes(ox);
  if (ox + 4 <= outW) return v128.load(at);
  const count = outW - ox;
  let v = v128.load32_zero(at);
  if (count > 1) v = v128.load32_lane(at + 4, v, 1);
  if (count > 2) v = v128.load32_lane(at + 8, v, 2);
  return v;
}
