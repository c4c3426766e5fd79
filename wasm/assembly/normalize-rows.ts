/**
 * LayerNormalization, RMS normalization and their skip forms over contiguous float32 rows for the
 * elementwise module, with Scale and B one value per row element. Sums are doubles (two f64x2
 * lanes); the variance is two-pass, of deviations from the double mean split into two floats
 * (hi + lo), so rows far from zero (1000 + N(0, 1)) keep their precision in both the variance
 * and the centred values; the skip forms keep x + skip + bias as two floats for the same reason.
 * The tail of each row runs one lane at a time: no row reads or writes past its end.
 */

@inline function widenedSum(low: v128, high: v128): f64 {
  return (f64x2.extract_lane(low, 0) + f64x2.extract_lane(high, 0)) + (f64x2.extract_lane(low, 1) + f64x2.extract_lane(high, 1));
}

@inline function highHalf(v: v128): v128 {
  return f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 0, 1));
}

/** The rounding error of s = a + b (TwoSum: exact for finite sums). */
@inline function sumError(a: v128, b: v128, s: v128): v128 {
  const back = f32x4.sub(s, a);
  return f32x4.add(f32x4.sub(a, f32x4.sub(s, back)), f32x4.sub(b, back));
}

@inline function sumError1(a: f32, b: f32, s: f32): f32 {
  const back = s - a;
  return (a - (s - back)) + (b - back);
}

/**
 * With a skip (address 0: none), x + skip (+ bias) as hi + lo: hi written to sum (which may be
 * x), lo (the rounding errors, which a row far from zero cannot drop) into low. Returns the
 * row's sum in doubles.
 */
@inline function addRow(x: usize, skip: usize, bias: usize, sum: usize, low: usize, length: i32): f64 {
  const whole = length & ~3;
  let sumLow = f64x2.splat(0);
  let sumHigh = f64x2.splat(0);
  for (let i = 0; i < whole; i += 4) {
    const at = <usize>i << 2;
    let v = v128.load(x + at);
    if (skip) {
      const b = v128.load(skip + at);
      const s = f32x4.add(v, b);
      let lo = sumError(v, b, s);
      v = s;
      if (bias) {
        const c = v128.load(bias + at);
        const t = f32x4.add(v, c);
        lo = f32x4.add(lo, sumError(v, c, t));
        v = t;
      }
      v128.store(sum + at, v);
      v128.store(low + at, lo);
      sumLow = f64x2.add(sumLow, f64x2.promote_low_f32x4(lo));
      sumHigh = f64x2.add(sumHigh, highHalf(lo));
    }
    sumLow = f64x2.add(sumLow, f64x2.promote_low_f32x4(v));
    sumHigh = f64x2.add(sumHigh, highHalf(v));
  }
  let total = widenedSum(sumLow, sumHigh);
  for (let i = whole; i < length; i++) {
    const at = <usize>i << 2;
    let v = load<f32>(x + at);
    if (skip) {
      const b = load<f32>(skip + at);
      const s = v + b;
      let lo = sumError1(v, b, s);
      v = s;
      if (bias) {
        const c = load<f32>(bias + at);
        const t = v + c;
        lo += sumError1(v, c, t);
        v = t;
      }
      store<f32>(sum + at, v);
      store<f32>(low + at, lo);
      total += <f64>lo;
    }
    total += <f64>v;
  }
  return total;
}

/** x (+ low, address 0: none) - hi - lo, with x - hi exact where x is near the mean. */
@inline function deviation(x: usize, low: usize, at: usize, hi: v128, lo: v128): v128 {
  const d = f32x4.sub(f32x4.sub(v128.load(x + at), hi), lo);
  return low ? f32x4.add(d, v128.load(low + at)) : d;
}

@inline function deviation1(x: usize, low: usize, at: usize, hi: f32, lo: f32): f32 {
  const d = load<f32>(x + at) - hi - lo;
  return low ? d + load<f32>(low + at) : d;
}

/** Sum, in doubles, of the squared deviations of the row. */
@inline function squaredDeviations(x: usize, low: usize, length: i32, hi: f32, lo: f32): f64 {
  const whole = length & ~3;
  const vhi = f32x4.splat(hi);
  const vlo = f32x4.splat(lo);
  let sumLow = f64x2.splat(0);
  let sumHigh = f64x2.splat(0);
  for (let i = 0; i < whole; i += 4) {
    const d = deviation(x, low, <usize>i << 2, vhi, vlo);
    const square = f32x4.mul(d, d);
    sumLow = f64x2.add(sumLow, f64x2.promote_low_f32x4(square));
    sumHigh = f64x2.add(sumHigh, highHalf(square));
  }
  let sum = widenedSum(sumLow, sumHigh);
  for (let i = whole; i < length; i++) {
    const d = deviation1(x, low, <usize>i << 2, hi, lo);
    sum += <f64>(d * d);
  }
  return sum;
}

/** out = deviation * inverse * scale (+ beta, address 0: none). */
@inline function scaleRow(x: usize, low: usize, out: usize, scale: usize, beta: usize, length: i32, hi: f32, lo: f32, inverse: f32): void {
  const whole = length & ~3;
  const vhi = f32x4.splat(hi);
  const vlo = f32x4.splat(lo);
  const vinverse = f32x4.splat(inverse);
  for (let i = 0; i < whole; i += 4) {
    const at = <usize>i << 2;
    let y = f32x4.mul(f32x4.mul(deviation(x, low, at, vhi, vlo), vinverse), v128.load(scale + at));
    if (beta) y = f32x4.add(y, v128.load(beta + at));
    v128.store(out + at, y);
  }
  for (let i = whole; i < length; i++) {
    const at = <usize>i << 2;
    let y = deviation1(x, low, at, hi, lo) * inverse * load<f32>(scale + at);
    if (beta) y += load<f32>(beta + at);
    store<f32>(out + at, y);
  }
}

/**
 * Normalizes `rows` rows of `length` floats at x into out. With a skip (address 0: none), row r
 * is first x + skip (+ bias), left in sum (the skip forms' sum output; it may be x) with its
 * rounding errors in low (room for `rows` rows); the skip holds skipLength floats and row r, numbered from
 * firstRow, uses those at (row * length) mod skipLength. centered 1: LayerNormalization
 * (x - mean); 0: RMS (mean taken as 0). stats gets each row's mean and
 * 1 / sqrt(variance + epsilon) as a pair of doubles.
 */
export function normalizeRows(
  x: usize, skip: usize, skipLength: i32, bias: usize, sum: usize, low: usize, scale: usize, beta: usize, out: usize, stats: usize,
  firstRow: i32, rows: i32, length: i32, epsilon: f64, centered: i32,
): void {
  const stride = <usize>length << 2;
  for (let r = 0; r < rows; r++) {
    const xRow = x + <usize>r * stride;
    const row = skip ? sum + <usize>r * stride : xRow;
    const rowLow = skip ? low + <usize>r * stride : 0;
    const skipRow = skip ? skip + (<usize>((<i64>(firstRow + r) * <i64>length) % <i64>skipLength) << 2) : 0;
    const total = addRow(xRow, skipRow, bias, row, rowLow, length);
    const mean: f64 = centered ? total / <f64>length : 0;
    const hi = <f32>mean;
    const lo = <f32>(mean - <f64>hi);
    const inverse = 1 / Math.sqrt(squaredDeviations(row, rowLow, length, hi, lo) / <f64>length + epsilon);
    store<f64>(stats + (<usize>r << 4), mean);
    store<f64>(stats + (<usize>r << 4), inverse, 8);
    scaleRow(row, rowLow, out + <usize>r * stride, scale, beta, length, hi, lo, <f32>inverse);
  }
}
