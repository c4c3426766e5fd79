/**
 * The recurrent product of one step, Ht-1 · R^T, with R stored as ONNX has it (rows of `k`
 * floats): each output is one dot product of the state with a row, four rows at a time in four
 * vector sums folded into one vector of four outputs; the last rows % 4 one at a time. Rows and
 * the state are read up to their ends and no further.
 */
import { bytes, madd } from './layout';

/** [sum(a), sum(b), sum(c), sum(d)] of four vectors' lanes. */
@inline function foldFour(a: v128, b: v128, c: v128, d: v128): v128 {
  const ab = f32x4.add(v128.shuffle<f32>(a, b, 0, 1, 4, 5), v128.shuffle<f32>(a, b, 2, 3, 6, 7));
  const cd = f32x4.add(v128.shuffle<f32>(c, d, 0, 1, 4, 5), v128.shuffle<f32>(c, d, 2, 3, 6, 7));
  return f32x4.add(v128.shuffle<f32>(ab, cd, 0, 2, 4, 6), v128.shuffle<f32>(ab, cd, 1, 3, 5, 7));
}

/** x · row for one row of k floats. */
function rowDot(x: usize, row: usize, k: i32): f32 {
  const whole = k & ~3;
  let s = f32x4.splat(0);
  for (let p = 0; p < whole; p += 4) s = madd(v128.load(x + bytes(p)), v128.load(row + bytes(p)), s);
  let sum = f32x4.extract_lane(s, 0) + f32x4.extract_lane(s, 1) + f32x4.extract_lane(s, 2) + f32x4.extract_lane(s, 3);
  for (let p = whole; p < k; p++) sum += load<f32>(x + bytes(p)) * load<f32>(row + bytes(p));
  return sum;
}

/** out[j] (+)= x · r[j, :] for `rows` rows of r, k floats each: added to out where `accumulate`, else stored. */
export function rowProducts(out: usize, r: usize, x: usize, rows: i32, k: i32, accumulate: bool): void {
  const whole = k & ~3;
  const rowBytes = bytes(k);
  const fours = rows & ~3;
  for (let j = 0; j < fours; j += 4) {
    const r0 = r + <usize>j * rowBytes;
    const r1 = r0 + rowBytes;
    const r2 = r1 + rowBytes;
    const r3 = r2 + rowBytes;
    let s0 = f32x4.splat(0), s1 = f32x4.splat(0), s2 = f32x4.splat(0), s3 = f32x4.splat(0);
    for (let p = 0; p < whole; p += 4) {
      const at = bytes(p);
      const xv = v128.load(x + at);
      s0 = madd(xv, v128.load(r0 + at), s0);
      s1 = madd(xv, v128.load(r1 + at), s1);
      s2 = madd(xv, v128.load(r2 + at), s2);
      s3 = madd(xv, v128.load(r3 + at), s3);
    }
    let sums = foldFour(s0, s1, s2, s3);
    for (let p = whole; p < k; p++) {
      const at = bytes(p);
      const column = f32x4(load<f32>(r0 + at), load<f32>(r1 + at), load<f32>(r2 + at), load<f32>(r3 + at));
      sums = f32x4.add(sums, f32x4.mul(v128.load32_splat(x + at), column));
    }
    const o = out + bytes(j);
    v128.store(o, accumulate ? f32x4.add(v128.load(o), sums) : sums);
  }
  for (let j = fours; j < rows; j++) {
    const o = out + bytes(j);
    const dot = rowDot(x, r + <usize>j * rowBytes, k);
    store<f32>(o, accumulate ? load<f32>(o) + dot : dot);
  }
}
