/**
 * Softmax and LogSoftmax over contiguous float32 rows for the elementwise module. Exponentials
 * are exp4's (a few float32 ulps); the row sum is accumulated in doubles (two f64x2 lanes) so
 * long rows (50k vocabularies) lose nothing to the sum, and LogSoftmax subtracts its double
 * shift in doubles, as the TypeScript reference does. Rows need not be whole vectors: the tail
 * of each runs one lane at a time, so no row reads or writes past its end.
 */
import { logF64 } from './elementwise-log64';
import { exp4 } from './elementwise-math';

const NEG_INFINITY: f32 = -Infinity;

/** The largest value of the row; NaN if it holds a NaN (f32 max propagates it), which then makes the whole row NaN. */
@inline function rowMax(x: usize, length: i32): f32 {
  const whole = length & ~3;
  let m = f32x4.splat(NEG_INFINITY);
  for (let i = 0; i < whole; i += 4) m = f32x4.max(m, v128.load(x + (<usize>i << 2)));
  let best = max(max(f32x4.extract_lane(m, 0), f32x4.extract_lane(m, 1)), max(f32x4.extract_lane(m, 2), f32x4.extract_lane(m, 3)));
  for (let i = whole; i < length; i++) best = max(best, load<f32>(x + (<usize>i << 2)));
  return best;
}

/**
 * e^(x - m), with the rounding error of the float32 x - m (TwoSum, exact) fed back as the factor
 * 1 + error: without it, |x - m| near 24 loses 1e-6 of e^(x - m) to that one rounding.
 */
@inline export function expShifted(x: v128, m: v128): v128 {
  const d = f32x4.sub(x, m);
  const back = f32x4.sub(d, x);
  const error = f32x4.sub(f32x4.sub(x, f32x4.sub(d, back)), f32x4.add(m, back));
  // A -Infinity x (a masked logit) gives a NaN error on an e of 0: that error counts as 0.
  const finiteError = v128.and(error, f32x4.eq(error, error));
  const e = exp4(d);
  return f32x4.add(e, f32x4.mul(e, finiteError));
}

/** The sum, in doubles, of e^(x - m) over the row; with `keep` each exponential is also written to out. */
@inline function expSum(x: usize, out: usize, length: i32, m: f32, keep: bool): f64 {
  const whole = length & ~3;
  const shift = f32x4.splat(m);
  let low = f64x2.splat(0);
  let high = f64x2.splat(0);
  for (let i = 0; i < whole; i += 4) {
    const at = <usize>i << 2;
    const e = expShifted(v128.load(x + at), shift);
    if (keep) v128.store(out + at, e);
    low = f64x2.add(low, f64x2.promote_low_f32x4(e));
    high = f64x2.add(high, f64x2.promote_low_f32x4(v128.shuffle<f32>(e, e, 2, 3, 0, 1)));
  }
  let sum = (f64x2.extract_lane(low, 0) + f64x2.extract_lane(high, 0)) + (f64x2.extract_lane(low, 1) + f64x2.extract_lane(high, 1));
  for (let i = whole; i < length; i++) {
    const at = <usize>i << 2;
    const e = f32x4.extract_lane(expShifted(f32x4.splat(load<f32>(x + at)), shift), 0);
    if (keep) store<f32>(out + at, e);
    sum += <f64>e;
  }
  return sum;
}

@inline function softmaxRow(x: usize, out: usize, length: i32): void {
  const sum = expSum(x, out, length, rowMax(x, length), true);
  const inverse = <f32>(1 / sum);
  const scale = f32x4.splat(inverse);
  const whole = length & ~3;
  for (let i = 0; i < whole; i += 4) {
    const at = <usize>i << 2;
    v128.store(out + at, f32x4.mul(v128.load(out + at), scale));
  }
  for (let i = whole; i < length; i++) {
    const at = <usize>i << 2;
    store<f32>(out + at, load<f32>(out + at) * inverse);
  }
}

@inline function logSoftmaxRow(x: usize, out: usize, length: i32): void {
  const m = rowMax(x, length);
  const shift = <f64>m + logF64(expSum(x, out, length, m, false));
  const s = f64x2.splat(shift);
  const whole = length & ~3;
  for (let i = 0; i < whole; i += 4) {
    const at = <usize>i << 2;
    const v = v128.load(x + at);
    const low = f32x4.demote_f64x2_zero(f64x2.sub(f64x2.promote_low_f32x4(v), s));
    const high = f32x4.demote_f64x2_zero(f64x2.sub(f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 0, 1)), s));
    v128.store(out + at, v128.shuffle<f32>(low, high, 0, 1, 4, 5));
  }
  for (let i = whole; i < length; i++) {
    const at = <usize>i << 2;
    store<f32>(out + at, <f32>(<f64>load<f32>(x + at) - shift));
  }
}

/** Softmax (log 0) or LogSoftmax (log 1) of `rows` rows of `length` floats, one after another at x, into out (which may be x). */
export function softmaxRows(x: usize, out: usize, rows: i32, length: i32, log: i32): void {
  const stride = <usize>length << 2;
  for (let r = 0; r < rows; r++) {
    const offset = <usize>r * stride;
    if (log) logSoftmaxRow(x + offset, out + offset, length);
    else softmaxRow(x + offset, out + offset, length);
  }
}
