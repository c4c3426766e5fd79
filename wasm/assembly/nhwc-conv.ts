/**
 * Channels-last (NHWC) convolution kernels. The module imports the GEMM module's memory
 * (src/backends/wasm/nhwc-module.ts), so they run where the activation arenas live and read and
 * write them in place: the per-channel epilogue a pointwise convolution (a plain GEMM in this
 * layout) applies after its product, and the depthwise convolution, vectorized across channels
 * (four adjacent channels per f32x4, one weight vector per tap) instead of along a row as the
 * planar kernel is.
 */
import { ACT_NONE, activate, activateScalar, setActivation } from './epilogue';
import { bytes, madd } from './layout';

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
 * Each pixel takes its channels four at a time in one straight run over each tap's channels
 * and weights, as XNNPACK's depthwise microkernels do: pixel3x3 (taps unrolled) and
 * pixelWindow where every tap lies inside the image, pixelClipped at its edges. The last
 * channels, fewer than four, go along the row (columns).
 */
export function nhwcDepthwise(
  x: usize, batch: i32, height: i32, width: i32, channels: i32, w: usize, bias: usize, z: usize, y: usize,
  outH: i32, outW: i32, kh: i32, kw: i32, strideH: i32, sw: i32,
  padTop: i32, pl: i32, dh: i32, dw: i32, act: i32, alpha: f32, beta: f32,
): void {
  setActivation(alpha, beta);
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
  for (let n = 0; n < batch; n++) {
    const image = x + <usize>(n * inH) * <usize>inW * pixelBytes;
    for (let oy = 0; oy < outH; oy++) {
      const top = oy * strideH - padTop;
      const outRow = y + <usize>((n * outH + oy) * outW) * pixelBytes;
      const zRow = z == 0 ? 0 : z + <usize>((n * outH + oy) * outW) * pixelBytes;
      const fullRow = top >= 0 && top + (kernelH - 1) * dilationH < inH;
      const topRow = image + <usize>(top * inW) * pixelBytes;
      for (let ox = 0; ox < outW; ox++) {
        const pixel = <usize>ox * pixelBytes;
        const zAt = zRow == 0 ? 0 : zRow + pixel;
        if (fullRow && ox >= interiorStart && ox < interiorEnd) {
          const from = topRow + <usize>(ox * strideW - padLeft) * pixelBytes;
          if (fast3x3) pixel3x3(from, w, bias, outRow + pixel, zAt, vectors, act);
          else pixelWindow(from, w, bias, outRow + pixel, zAt, vectors, act);
        } else {
          pixelClipped(image, w, bias, outRow + pixel, zAt, top, ox * strideW - padLeft, vectors, act);
        }
      }
      if (vectors == channels) continue;
      // The last channels, fewer than four.
      const at = bytes(vectors);
      const lanes = channels - vectors;
      const b = bias == 0 ? f32x4.splat(0) : loadLanes(bias + at, lanes);
      columns(image + at, w + at, b, outRow + at, zRow == 0 ? 0 : zRow + at, top, 0, outW, lanes, act);
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
@inline function loadLanes(at: usize, lanes: i32): v128 {
  if (lanes == 4) return v128.load(at);
  let v = v128.load32_zero(at);
  if (lanes > 1) v = v128.load32_lane(at + 4, v, 1);
  if (lanes > 2) v = v128.load32_lane(at + 8, v, 2);
  return v;
}

@inline function storeLanes(at: usize, v: v128, lanes: i32): void {
  if (lanes == 4) {
    v128.store(at, v);
    return;
  }
  store<f32>(at, f32x4.extract_lane(v, 0));
  if (lanes > 1) store<f32>(at, f32x4.extract_lane(v, 1), 4);
  if (lanes > 2) store<f32>(at, f32x4.extract_lane(v, 2), 8);
}

/**
 * Output columns [from, to) of one row for `lanes` (1 to 4) channels at x, w, y, z (offset to
 * the channel), any window, taps outside the image skipped: for the channels past the last
 * full vector, which the per-pixel runs leave.
 */
function columns(x: usize, w: usize, b: v128, y: usize, z: usize, top: i32, from: i32, to: i32, lanes: i32, act: i32): void {
  const ky0 = top >= 0 ? 0 : (-top + dilationH - 1) / dilationH;
  const ky1 = min(kernelH, (inH - top + dilationH - 1) / dilationH);
  for (let ox = from; ox < to; ox++) {
    const left = ox * strideW - padLeft;
    const kx0 = left >= 0 ? 0 : (-left + dilationW - 1) / dilationW;
    const kx1 = min(kernelW, (inW - left + dilationW - 1) / dilationW);
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
    storeLanes(y + pixel, activate(acc, act), lanes);
  }
}

/**
 * The first `vectors` channels of one output pixel whose window starts at row `top`, column
 * `left` of the image (either may be negative) and may reach past it: the taps inside only.
 */
function pixelClipped(x: usize, w: usize, bias: usize, y: usize, z: usize, top: i32, left: i32, vectors: i32, act: i32): void {
  const p = pixelBytes;
  const ky0 = top >= 0 ? 0 : (-top + dilationH - 1) / dilationH;
  const ky1 = min(kernelH, (inH - top + dilationH - 1) / dilationH);
  const kx0 = left >= 0 ? 0 : (-left + dilationW - 1) / dilationW;
  const kx1 = min(kernelW, (inW - left + dilationW - 1) / dilationW);
  for (let c = 0; c < vectors; c += 4) {
    const at = bytes(c);
    let acc = bias == 0 ? f32x4.splat(0) : v128.load(bias + at);
    if (z != 0) acc = f32x4.add(acc, v128.load(z + at));
    for (let ky = ky0; ky < ky1; ky++) {
      const row = x + <usize>((top + ky * dilationH) * inW + left) * p + at;
      const k = w + <usize>(ky * kernelW) * p + at;
      for (let kx = kx0; kx < kx1; kx++) acc = madd(v128.load(row + <usize>(kx * dilationW) * p), v128.load(k + <usize>kx * p), acc);
    }
    v128.store(y + at, activate(acc, act));
  }
}

/**
 * The first `vectors` channels of one output pixel, any window whose taps all lie inside the
 * image (x at its top-left tap): as pixel3x3, with the taps in loops.
 */
function pixelWindow(x: usize, w: usize, bias: usize, y: usize, z: usize, vectors: i32, act: i32): void {
  const p = pixelBytes;
  const rowStep = <usize>(dilationH * inW) * p;
  const tapStep = <usize>dilationW * p;
  for (let c = 0; c < vectors; c += 4) {
    const at = bytes(c);
    let acc = bias == 0 ? f32x4.splat(0) : v128.load(bias + at);
    if (z != 0) acc = f32x4.add(acc, v128.load(z + at));
    let row = x + at;
    let k = w + at;
    for (let ky = 0; ky < kernelH; ky++, row += rowStep) {
      let tap = row;
      for (let kx = 0; kx < kernelW; kx++, tap += tapStep, k += p) acc = madd(v128.load(tap), v128.load(k), acc);
    }
    v128.store(y + at, activate(acc, act));
  }
}

/**
 * The first `vectors` channels of one output pixel of a 3x3 window whose nine taps all lie
 * inside the image (x at its top-left tap): the nine taps' channel runs and the nine weight
 * rows are each read front to back, as XNNPACK's depthwise microkernels do.
 */
function pixel3x3(x: usize, w: usize, bias: usize, y: usize, z: usize, vectors: i32, act: i32): void {
  const p = pixelBytes;
  const line = <usize>inW * p;
  const r0 = x, r1 = x + line, r2 = x + 2 * line;
  for (let c = 0; c < vectors; c += 4) {
    const at = bytes(c);
    let acc = bias == 0 ? f32x4.splat(0) : v128.load(bias + at);
    if (z != 0) acc = f32x4.add(acc, v128.load(z + at));
    const k = w + at;
    acc = madd(v128.load(r0 + at), v128.load(k), acc);
    acc = madd(v128.load(r0 + p + at), v128.load(k + p), acc);
    acc = madd(v128.load(r0 + 2 * p + at), v128.load(k + 2 * p), acc);
    acc = madd(v128.load(r1 + at), v128.load(k + 3 * p), acc);
    acc = madd(v128.load(r1 + p + at), v128.load(k + 4 * p), acc);
    acc = madd(v128.load(r1 + 2 * p + at), v128.load(k + 5 * p), acc);
    acc = madd(v128.load(r2 + at), v128.load(k + 6 * p), acc);
    acc = madd(v128.load(r2 + p + at), v128.load(k + 7 * p), acc);
    acc = madd(v128.load(r2 + 2 * p + at), v128.load(k + 8 * p), acc);
    v128.store(y + at, activate(acc, act));
  }
}
