/**
 * Resize over the last two axes of a stack of float32 planes (NCHW), for the elementwise
 * module. The host computes, per output row and per output column, which input rows and
 * columns are read and with what weights (every coordinate_transformation_mode, nearest
 * rounding, cubic coefficient, exclude_outside and antialias is in those tables, made by the
 * TypeScript kernel that stays the reference), so these loops only apply them:
 *   nearest: a gather of one input row per distinct output row; an output row that reads the
 *            same input row as the one before is a copy of it, and a column map that repeats
 *            each input column `factor` times (integer upscaling) stores splats, not lanes;
 *   taps:    separable: each input row resampled along W into scratch, then each output row
 *            a weighted sum of scratch rows, four columns at a time. Zero weights are skipped,
 *            so an infinite neighbour at weight 0 does not make NaN, as in the TypeScript loops.
 */

@inline function bytes(n: i32): usize {
  return <usize>n << 2;
}

/** One output row of `outW` floats from input row `src`: out[k] = src[cols[k]]. */
@inline function gatherRow(src: usize, out: usize, cols: usize, outW: i32): void {
  for (let k = 0; k < outW; k++) store<f32>(out + bytes(k), load<f32>(src + bytes(load<i32>(cols + bytes(k)))));
}

/** One output row where output column k reads input column k / factor, for factor 2 or more. */
@inline function repeatRow(src: usize, out: usize, outW: i32, factor: i32): void {
  const whole = outW / factor;
  let k = 0;
  if (factor == 2) {
    for (let i = 0; i + 4 <= whole; i += 4, k += 8) {
      const v = v128.load(src + bytes(i));
      v128.store(out + bytes(k), v128.shuffle<f32>(v, v, 0, 0, 1, 1));
      v128.store(out + bytes(k), v128.shuffle<f32>(v, v, 2, 2, 3, 3), 16);
    }
  } else if (factor % 4 == 0) {
    for (let i = 0; i < whole; i++) {
      const v = v128.load32_splat(src + bytes(i));
      for (let r = 0; r < factor; r += 4, k += 4) v128.store(out + bytes(k), v);
    }
  }
  for (; k < outW; k++) store<f32>(out + bytes(k), load<f32>(src + bytes(k / factor)));
}

/**
 * Nearest resize of `planes` planes of inH x inW at x into planes of outH x outW at out:
 * output (j, k) is input (rows[j], cols[k]). factor > 1: cols[k] is k / factor.
 */
export function resizeNearestPlanes(
  x: usize, out: usize, planes: i32, inH: i32, inW: i32, outH: i32, outW: i32, rows: usize, cols: usize, factor: i32,
): void {
  const inPlane = bytes(inH * inW);
  const outRow = bytes(outW);
  for (let p = 0; p < planes; p++) {
    const src = x + <usize>p * inPlane;
    const dst = out + <usize>p * outRow * <usize>outH;
    let previous = -1;
    for (let j = 0; j < outH; j++) {
      const row = load<i32>(rows + bytes(j));
      const at = dst + <usize>j * outRow;
      if (row == previous) {
        memory.copy(at, at - outRow, outRow);
        continue;
      }
      previous = row;
      const from = src + bytes(row * inW);
      if (factor > 1) repeatRow(from, at, outW, factor);
      else gatherRow(from, at, cols, outW);
    }
  }
}

/** out[k] = sum over taps t of weights[k, t] * src[indices[k, t]], for the outW columns of one row. */
@inline function resampleRow(src: usize, out: usize, outW: i32, width: i32, indices: usize, weights: usize): void {
  for (let k = 0; k < outW; k++) {
    let sum: f32 = 0;
    const tap = <usize>(k * width) << 2;
    for (let t = 0; t < width; t++) {
      const w = load<f32>(weights + tap + bytes(t));
      if (w != 0) sum += w * load<f32>(src + bytes(load<i32>(indices + tap + bytes(t))));
    }
    store<f32>(out + bytes(k), sum);
  }
}

/** out = sum over taps t of weights[t] * the scratch row indices[t], four columns at a time. */
@inline function blendRows(scratch: usize, out: usize, outW: i32, width: i32, indices: usize, weights: usize): void {
  const rowBytes = bytes(outW);
  const whole = outW & ~3;
  for (let k = 0; k < whole; k += 4) {
    let sum = f32x4.splat(0);
    for (let t = 0; t < width; t++) {
      const w = load<f32>(weights + bytes(t));
      if (w == 0) continue;
      const row = scratch + <usize>load<i32>(indices + bytes(t)) * rowBytes;
      sum = f32x4.add(sum, f32x4.mul(f32x4.splat(w), v128.load(row + bytes(k))));
    }
    v128.store(out + bytes(k), sum);
  }
  for (let k = whole; k < outW; k++) {
    let sum: f32 = 0;
    for (let t = 0; t < width; t++) {
      const w = load<f32>(weights + bytes(t));
      if (w != 0) sum += w * load<f32>(scratch + <usize>load<i32>(indices + bytes(t)) * rowBytes + bytes(k));
    }
    store<f32>(out + bytes(k), sum);
  }
}

/**
 * Separable resize of `planes` planes of inH x inW at x into planes of outH x outW at out, with
 * rowWidth taps per output row (rowIndices, rowWeights: outH x rowWidth) and colWidth per
 * output column (colIndices, colWeights: outW x colWidth); scratch holds inH x outW floats.
 */
export function resizeTapsPlanes(
  x: usize, out: usize, planes: i32, inH: i32, inW: i32, outH: i32, outW: i32,
  rowWidth: i32, rowIndices: usize, rowWeights: usize, colWidth: i32, colIndices: usize, colWeights: usize, scratch: usize,
): void {
  const inPlane = bytes(inH * inW);
  const outRow = bytes(outW);
  for (let p = 0; p < planes; p++) {
    const src = x + <usize>p * inPlane;
    for (let i = 0; i < inH; i++) resampleRow(src + <usize>i * bytes(inW), scratch + <usize>i * outRow, outW, colWidth, colIndices, colWeights);
    const dst = out + <usize>p * outRow * <usize>outH;
    for (let j = 0; j < outH; j++) {
      const tap = bytes(j * rowWidth);
      blendRows(scratch, dst + <usize>j * outRow, outW, rowWidth, rowIndices + tap, rowWeights + tap);
    }
  }
}
