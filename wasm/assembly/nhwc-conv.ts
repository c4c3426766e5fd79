/**
 * Channels-last (NHWC) convolution kernels. The module imports the GEMM module's memory
 * (src/backends/wasm/nhwc-module.ts), so they run where the activation arenas live and read and
 * write them in place: the per-channel epilogue a pointwise convolution on the GEMM applies
 * after its product, the activation pass the kernels run over outputs they have just stored,
 * and the depthwise convolution, vectorized across channels (four adjacent channels per f32x4,
 * one weight vector per tap) instead of along a row as the planar kernel is.
 */
import { ACT_NONE, ACT_QUICK_GELU, ACT_SIGMOID, ACT_TANH, activate, activateScalar, setActivation } from './epilogue';
import { sigmoid4 } from './elementwise-math';
import { bytes, madd } from './layout';

/** Whether activate computes `act` through an out-of-line call (e^x), which spills a kernel's registers: then it runs afterwards, by activateRun. */
@inline export function callsOutOfLine(act: i32): bool {
  return act == ACT_SIGMOID || act == ACT_TANH || act == ACT_QUICK_GELU;
}

/**
 * y = act(y) over `count` contiguous floats, in place: the activation pass the kernels run over
 * a row or chunk they have just stored. Sigmoid and SiLU (QuickGelu) get loops of their own
 * with e^x inlined, the same arithmetic as activate's out-of-line call, which costs a call
 * and the dispatch per vector.
 */
export function activateRun(y: usize, count: i32, act: i32, alpha: f32, beta: f32): void {
  const vectors = count & ~3;
  const end = y + bytes(vectors);
  if (act == ACT_QUICK_GELU) {
    const a = f32x4.splat(alpha);
    for (let at = y; at < end; at += 16) {
      const v = v128.load(at);
      v128.store(at, f32x4.mul(v, sigmoid4(f32x4.mul(v, a))));
    }
  } else if (act == ACT_SIGMOID) {
    for (let at = y; at < end; at += 16) v128.store(at, sigmoid4(v128.load(at)));
  } else {
    setActivation(alpha, beta);
    for (let at = y; at < end; at += 16) v128.store(at, activate(v128.load(at), act));
  }
  setActivation(alpha, beta);
  for (let at = end; at < y + bytes(count); at += 4) store<f32>(at, activateScalar(load<f32>(at), act));
}

/**
 * y[r, c] = act(y[r, c] + bias[c] + z[r, c]) over `rows` rows of `channels` floats, in place;
 * bias or z 0 for none. `alpha`, `beta`: the activation's parameters (epilogue.ts).
 */
export function nhwcEpilogue(y: usize, rows: i32, channels: i32, bias: usize, z: usize, act: i32, alpha: f32, beta: f32): void {
  setActivation(alpha, beta);
  const vectors = channels & ~3;
  const rowBytes = bytes(channels);
  for (let r = 0; r < rows; r++) {
    const row = y + <usize>r * rowBytes;
    const zRow = z == 0 ? 0 : z + <usize>r * rowBytes;
    for (let c = 0; c < vectors; c += 4) {
      const at = bytes(c);
      let v = v128.load(row + at);
      if (bias != 0) v = f32x4.add(v, v128.load(bias + at));
      if (zRow != 0) v = f32x4.add(v, v128.load(zRow + at));
      v128.store(row + at, activate(v, act));
    }
    for (let c = vectors; c < channels; c++) {
      const at = bytes(c);
      let v = load<f32>(row + at);
      if (bias != 0) v += load<f32>(bias + at);
      if (zRow != 0) v += load<f32>(zRow + at);
      store<f32>(row + at, act == ACT_NONE ? v : activateScalar(v, act));
    }
  }
}

/**
 * Depthwise convolution of x [batch, inH, inW, channels] into y [batch, outH, outW, channels]:
 * y[.., c] = act(bias[c] + z[.., c] + sum over taps of x[.., c] * w[tap, c]), with w laid out
 * [kernelH * kernelW, channels] (tap-major, so one load gives four channels' weight) and bias
 * and z 0 for none. Taps that fall in the padding are skipped, not read.
 *
 * A row of outputs at a time, the activation last over the whole row while it is in cache: the
 * activations that call out of line (SiLU's e^x) would otherwise force every register the
 * loops keep (a 3x3 window's nine weight vectors) to be saved and reloaded around each call,
 * and even Clip's or Relu's constants in the loop measured 1.03-1.16x slower (registers again).
 * In a 3x3 row (row3x3) the pixels whose window lies inside the image go four channels at a
 * time along the row with the nine weight vectors held in registers; rowWindow takes other
 * windows inside the image, clippedPixels those reaching past its edges. The last channels,
 * fewer than four, go along the row (columns).
 */
export function nhwcDepthwise(
  x: usize, batch: i32, height: i32, width: i32, channels: i32, w: usize, bias: usize, z: usize, y: usize,
  outH: i32, outW: i32, kh: i32, kw: i32, strideH: i32, sw: i32,
  padTop: i32, pl: i32, dh: i32, dw: i32, act: i32, alpha: f32, beta: f32,
): void {
  inH = height;
  inW = width;
  pixelBytes = bytes(channels);
  kernelH = kh;
  kernelW = kw;
  strideW = sw;
  padLeft = pl;
  dilationH = dh;
  dilationW = dw;
  const vectors = channels & ~3;
  // Output columns [interiorStart, interiorEnd) have every horizontal tap inside the image.
  const interiorStart = min(outW, (padLeft + strideW - 1) / strideW);
  const lastLeft = inW + padLeft - (kernelW - 1) * dilationW - 1;
  const interiorEnd = lastLeft < 0 ? interiorStart : max(interiorStart, min(outW, lastLeft / strideW + 1));
  const fast3x3 = kernelH == 3 && kernelW == 3 && dilationH == 1 && dilationW == 1;
  const rowFloats = outW * channels;
  for (let n = 0; n < batch; n++) {
    const image = x + <usize>(n * inH) * <usize>inW * pixelBytes;
    for (let oy = 0; oy < outH; oy++) {
      const top = oy * strideH - padTop;
      const outRow = y + <usize>((n * outH + oy) * outW) * pixelBytes;
      const zRow = z == 0 ? 0 : z + <usize>((n * outH + oy) * outW) * pixelBytes;
      const fullRow = top >= 0 && top + (kernelH - 1) * dilationH < inH;
      const topRow = image + <usize>(top * inW) * pixelBytes;
      if (!fullRow) {
        clippedPixels(image, w, bias, outRow, zRow, top, 0, outW, vectors);
      } else {
        clippedPixels(image, w, bias, outRow, zRow, top, 0, interiorStart, vectors);
        const pixel = <usize>interiorStart * pixelBytes;
        const from = topRow + <usize>(interiorStart * strideW - padLeft) * pixelBytes;
        const count = interiorEnd - interiorStart;
        const zAt = zRow == 0 ? 0 : zRow + pixel;
        if (fast3x3) row3x3(from, w, bias, outRow + pixel, zAt, count, vectors);
        else rowWindow(from, w, bias, outRow + pixel, zAt, count, vectors);
        clippedPixels(image, w, bias, outRow, zRow, top, interiorEnd, outW, vectors);
      }
      if (vectors != channels) {
        // The last channels, fewer than four.
        const at = bytes(vectors);
        const lanes = channels - vectors;
        const b = bias == 0 ? f32x4.splat(0) : loadLanes(bias + at, lanes);
        columns(image + at, w + at, b, outRow + at, zRow == 0 ? 0 : zRow + at, top, 0, outW, lanes);
      }
      if (act != ACT_NONE) activateRun(outRow, rowFloats, act, alpha, beta);
    }
  }
}

// The window and image geometry of the current call, so the helpers take few arguments.
let inH: i32 = 0;
let inW: i32 = 0;
let pixelBytes: usize = 0;
let kernelH: i32 = 0;
let kernelW: i32 = 0;
let strideW: i32 = 0;
let padLeft: i32 = 0;
let dilationH: i32 = 0;
let dilationW: i32 = 0;

/** `lanes` (1 to 4) floats from `at`, zeros after them. */
@inline export function loadLanes(at: usize, lanes: i32): v128 {
  if (lanes == 4) return v128.load(at);
  let v = v128.load32_zero(at);
  if (lanes > 1) v = v128.load32_lane(at + 4, v, 1);
  if (lanes > 2) v = v128.load32_lane(at + 8, v, 2);
  return v;
}

/** The first `lanes` (1 to 4) floats of v to `at`, nothing after them. */
@inline export function storeLanes(at: usize, v: v128, lanes: i32): void {
  if (lanes == 4) {
    v128.store(at, v);
    return;
  }
  store<f32>(at, f32x4.extract_lane(v, 0));
  if (lanes > 1) store<f32>(at, f32x4.extract_lane(v, 1), 4);
  if (lanes > 2) store<f32>(at, f32x4.extract_lane(v, 2), 8);
}

/** The first tap of a window starting at `start` (maybe before the image) that lands inside it. */
@inline function firstTap(start: i32, dilation: i32): i32 {
  return start >= 0 ? 0 : (-start + dilation - 1) / dilation;
}

/** One past the last tap of a window starting at `start` that lands inside an image `extent` long. */
@inline function endTap(start: i32, extent: i32, kernel: i32, dilation: i32): i32 {
  return min(kernel, (extent - start + dilation - 1) / dilation);
}

/**
 * Output columns [from, to) of one row for `lanes` (1 to 4) channels at x, w, y, z (offset to
 * the channel), any window, taps outside the image skipped: for the channels past the last
 * full vector, which the per-pixel runs leave.
 */
function columns(x: usize, w: usize, b: v128, y: usize, z: usize, top: i32, from: i32, to: i32, lanes: i32): void {
  const ky0 = firstTap(top, dilationH);
  const ky1 = endTap(top, inH, kernelH, dilationH);
  for (let ox = from; ox < to; ox++) {
    const left = ox * strideW - padLeft;
    const kx0 = firstTap(left, dilationW);
    const kx1 = endTap(left, inW, kernelW, dilationW);
    const pixel = <usize>ox * pixelBytes;
    let acc = z == 0 ? b : f32x4.add(b, loadLanes(z + pixel, lanes));
    for (let ky = ky0; ky < ky1; ky++) {
      const row = x + <usize>((top + ky * dilationH) * inW) * pixelBytes;
      const weights = w + <usize>(ky * kernelW) * pixelBytes;
      for (let kx = kx0; kx < kx1; kx++) {
        const tap = loadLanes(row + <usize>(left + kx * dilationW) * pixelBytes, lanes);
        acc = madd(tap, loadLanes(weights + <usize>kx * pixelBytes, lanes), acc);
      }
    }
    storeLanes(y + pixel, acc, lanes);
  }
}

/**
 * Output columns [from, to) of one row (y, z at its first pixel), the first `vectors`
 * channels, windows starting at row `top` that may reach past the image: the taps inside only.
 */
function clippedPixels(x: usize, w: usize, bias: usize, y: usize, z: usize, top: i32, from: i32, to: i32, vectors: i32): void {
  const p = pixelBytes;
  const ky0 = firstTap(top, dilationH);
  const ky1 = endTap(top, inH, kernelH, dilationH);
  for (let ox = from; ox < to; ox++) {
    const left = ox * strideW - padLeft;
    const kx0 = firstTap(left, dilationW);
    const kx1 = endTap(left, inW, kernelW, dilationW);
    const pixel = <usize>ox * p;
    for (let c = 0; c < vectors; c += 4) {
      const at = bytes(c);
      let acc = bias == 0 ? f32x4.splat(0) : v128.load(bias + at);
      if (z != 0) acc = f32x4.add(acc, v128.load(z + pixel + at));
      for (let ky = ky0; ky < ky1; ky++) {
        const row = x + <usize>((top + ky * dilationH) * inW + left) * p + at;
        const k = w + <usize>(ky * kernelW) * p + at;
        for (let kx = kx0; kx < kx1; kx++) acc = madd(v128.load(row + <usize>(kx * dilationW) * p), v128.load(k + <usize>kx * p), acc);
      }
      v128.store(y + pixel + at, acc);
    }
  }
}

/**
 * `count` consecutive output pixels of one row (y, z at the first), the first `vectors`
 * channels, any window whose taps all lie inside the image (x at the first pixel's top-left
 * tap): the taps in loops.
 */
function rowWindow(x: usize, w: usize, bias: usize, y: usize, z: usize, count: i32, vectors: i32): void {
  const p = pixelBytes;
  const rowStep = <usize>(dilationH * inW) * p;
  const tapStep = <usize>dilationW * p;
  const pixelStep = <usize>strideW * p;
  for (let i = 0; i < count; i++, x += pixelStep, y += p) {
    for (let c = 0; c < vectors; c += 4) {
      const at = bytes(c);
      let acc = bias == 0 ? f32x4.splat(0) : v128.load(bias + at);
      if (z != 0) acc = f32x4.add(acc, v128.load(z + <usize>i * p + at));
      let row = x + at;
      let k = w + at;
      for (let ky = 0; ky < kernelH; ky++, row += rowStep) {
        let tap = row;
        for (let kx = 0; kx < kernelW; kx++, tap += tapStep, k += p) acc = madd(v128.load(tap), v128.load(k), acc);
      }
      v128.store(y + at, acc);
    }
  }
}

/**
 * `count` consecutive output pixels of one row (y, z at the first), the first `vectors`
 * channels, of a 3x3 window whose nine taps all lie inside the image (x at the first pixel's
 * top-left tap): four channels at a time along the row, their nine weight vectors and bias
 * loaded once and kept in registers, so each output vector costs nine input loads. (Two
 * pixels a step at stride 1, sharing six of their loads, measured 1.03-1.09x slower: the
 * engine runs out of vector registers.)
 */
function row3x3(x: usize, w: usize, bias: usize, y: usize, z: usize, count: i32, vectors: i32): void {
  const p = pixelBytes;
  const line = <usize>inW * p;
  const pixelStep = <usize>strideW * p;
  for (let c = 0; c < vectors; c += 4) {
    const at = bytes(c);
    const k = w + at;
    const w0 = v128.load(k), w1 = v128.load(k + p), w2 = v128.load(k + 2 * p);
    const w3 = v128.load(k + 3 * p), w4 = v128.load(k + 4 * p), w5 = v128.load(k + 5 * p);
    const w6 = v128.load(k + 6 * p), w7 = v128.load(k + 7 * p), w8 = v128.load(k + 8 * p);
    const b = bias == 0 ? f32x4.splat(0) : v128.load(bias + at);
    let r0 = x + at;
    let out = y + at;
    let zAt = z == 0 ? 0 : z + at;
    for (let i = 0; i < count; i++, r0 += pixelStep, out += p) {
      const r1 = r0 + line, r2 = r1 + line;
      let acc = b;
      if (zAt != 0) {
        acc = f32x4.add(acc, v128.load(zAt));
        zAt += p;
      }
      acc = madd(v128.load(r0), w0, acc);
      acc = madd(v128.load(r0 + p), w1, acc);
      acc = madd(v128.load(r0 + 2 * p), w2, acc);
      acc = madd(v128.load(r1), w3, acc);
      acc = madd(v128.load(r1 + p), w4, acc);
      acc = madd(v128.load(r1 + 2 * p), w5, acc);
      acc = madd(v128.load(r2), w6, acc);
      acc = madd(v128.load(r2 + p), w7, acc);
      acc = madd(v128.load(r2 + 2 * p), w8, acc);
      v128.store(out, acc);
    }
  }
}
