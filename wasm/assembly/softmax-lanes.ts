/**
 * Softmax and LogSoftmax along an axis that is not the innermost: x seen as blocks of
 * [length, inner], each of the `inner` lanes a softmax over `length` values `inner` floats
 * apart (YOLOv8's distribution-focal head: a softmax over 16 bins of [1, 16, 4, 8400]). Four
 * neighbouring lanes run side by side in one vector, so every load is a whole vector and the
 * lanes' rows stay in a few cache lines; a last inner % 4 lanes run one at a time. As the rows
 * kernel (softmax-rows.ts): float32 exponentials with the shift's rounding fed back, double
 * sums, LogSoftmax's shift subtracted in doubles.
 */
import { logF64 } from './elementwise-log64';
import { expShifted } from './softmax-rows';

const NEG_INFINITY: f32 = -Infinity;

/** Lanes' maxima over `length` vectors `stride` bytes apart, starting at x. */
@inline function lanesMax(x: usize, length: i32, stride: usize): v128 {
  let m = f32x4.splat(NEG_INFINITY);
  // A NaN lane must stay NaN (the row kernel's max propagates it): f32x4.max does.
  for (let i = 0; i < length; i++, x += stride) m = f32x4.max(m, v128.load(x));
  return m;
}

/** Softmax (log 0) or LogSoftmax (log 1) of four lanes at x, into out; the lanes `stride` bytes apart per step. */
@inline function fourLanes(x: usize, out: usize, length: i32, stride: usize, log: i32): void {
  const m = lanesMax(x, length, stride);
  let low = f64x2.splat(0);
  let high = f64x2.splat(0);
  for (let i = 0, at: usize = 0; i < length; i++, at += stride) {
    const e = expShifted(v128.load(x + at), m);
    if (!log) v128.store(out + at, e);
    low = f64x2.add(low, f64x2.promote_low_f32x4(e));
    high = f64x2.add(high, f64x2.promote_low_f32x4(v128.shuffle<f32>(e, e, 2, 3, 0, 1)));
  }
  if (log) {
    const shiftLow = f64x2.add(f64x2.promote_low_f32x4(m), f64x2(logF64(f64x2.extract_lane(low, 0)), logF64(f64x2.extract_lane(low, 1))));
    const mHigh = v128.shuffle<f32>(m, m, 2, 3, 0, 1);
    const shiftHigh = f64x2.add(f64x2.promote_low_f32x4(mHigh), f64x2(logF64(f64x2.extract_lane(high, 0)), logF64(f64x2.extract_lane(high, 1))));
    for (let i = 0, at: usize = 0; i < length; i++, at += stride) {
      const v = v128.load(x + at);
      const lo = f32x4.demote_f64x2_zero(f64x2.sub(f64x2.promote_low_f32x4(v), shiftLow));
      const hi = f32x4.demote_f64x2_zero(f64x2.sub(f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 0, 1)), shiftHigh));
      v128.store(out + at, v128.shuffle<f32>(lo, hi, 0, 1, 4, 5));
    }
    return;
  }
  const inverseLow = f32x4.demote_f64x2_zero(f64x2.div(f64x2.splat(1), low));
  const inverseHigh = f32x4.demote_f64x2_zero(f64x2.div(f64x2.splat(1), high));
  const scale = v128.shuffle<f32>(inverseLow, inverseHigh, 0, 1, 4, 5);
  for (let i = 0, at: usize = 0; i < length; i++, at += stride) v128.store(out + at, f32x4.mul(v128.load(out + at), scale));
}

/** One lane at x, as fourLanes does four (the value splat across the vector, lane 0 kept). */
@inline function oneLane(x: usize, out: usize, length: i32, stride: usize, log: i32): void {
  let m = NEG_INFINITY;
  for (let i = 0, at: usize = 0; i < length; i++, at += stride) m = max(m, load<f32>(x + at));
  const shift = f32x4.splat(m);
  let sum: f64 = 0;
  for (let i = 0, at: usize = 0; i < length; i++, at += stride) {
    const e = f32x4.extract_lane(expShifted(f32x4.splat(load<f32>(x + at)), shift), 0);
    if (!log) store<f32>(out + at, e);
    sum += <f64>e;
  }
  if (log) {
    const total = <f64>m + logF64(sum);
    for (let i = 0, at: usize = 0; i < length; i++, at += stride) store<f32>(out + at, <f32>(<f64>load<f32>(x + at) - total));
    return;
  }
  const inverse = <f32>(1 / sum);
  for (let i = 0, at: usize = 0; i < length; i++, at += stride) store<f32>(out + at, load<f32>(out + at) * inverse);
}

/** Softmax (log 0) or LogSoftmax (log 1) of `blocks` blocks of [length, inner] floats at x, along `length`, into out (which may be x). */
export function softmaxLanes(x: usize, out: usize, blocks: i32, length: i32, inner: i32, log: i32): void {
  const stride = <usize>inner << 2;
  const block = <usize>length * stride;
  const whole = inner & ~3;
  for (let b = 0; b < blocks; b++) {
    const xb = x + <usize>b * block, ob = out + <usize>b * block;
    for (let q = 0; q < whole; q += 4) fourLanes(xb + (<usize>q << 2), ob + (<usize>q << 2), length, stride, log);
    for (let q = whole; q < inner; q++) oneLane(xb + (<usize>q << 2), ob + (<usize>q << 2), length, stride, log);
  }
}
