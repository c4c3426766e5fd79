/**
 * Winograd F(2x2, 3x3): 2x2 output tiles from 4x4 input blocks, 16 positions. B^T = [1 0 -1 0;
 * 0 1 1 0; 0 -1 1 0; 0 1 0 -1], G = [1 0 0; 1/2 1/2 1/2; 1/2 -1/2 1/2; 0 0 1], A^T = [1 1 1 0;
 * 0 1 -1 -1]: the transforms only add, subtract and halve, so the rounding error stays that of
 * the direct dot product.
 */
import { bytes } from './layout';
import { panelAt, spaced, storeTiles2x2, zeroTail } from './winograd-blocks';
import { outH, outW, planeH, planeW } from './window';

/** Entry i of G for F(2x2, 3x3), 4 x 3, row-major (code, not data: the module carries no static data). */
export function g2(i: i32): f64 {
  switch (i) {
    case 0: case 11: return 1;
    case 3: case 4: case 5: case 6: case 8: return 0.5;
    case 7: return -0.5;
    default: return 0;
  }
}

/**
 * V for tiles t0..t0+count of channels [p0, p1), the block's columns past count zeroed. Four tiles
 * of one tile row that start a half panel go through the vector transform; the others (at the
 * ends of tile rows) one by one.
 */
export function transformInput2(x: usize, c: i32, p0: i32, p1: i32, t0: i32, count: i32, nt: i32, v: usize): void {
  const tilesW = (outW + 1) >> 1;
  const position = bytes(spaced(c * nt));
  for (let p = p0; p < p1; p++) {
    const src = x + bytes(p * planeH * planeW);
    let ty = t0 / tilesW;
    let tx = t0 - ty * tilesW;
    let t = 0;
    while (t < count) {
      const at = src + bytes(2 * ty * planeW + 2 * tx);
      if ((t & 3) == 0 && tx + 4 <= tilesW && t + 4 <= count) {
        transformFour(at, panelAt(v, c, nt, p, t), position);
        t += 4;
        tx += 4;
      } else {
        transformOne(at, panelAt(v, c, nt, p, t), position);
        t++;
        tx++;
      }
      if (tx == tilesW) {
        tx = 0;
        ty++;
      }
    }
    zeroTail(v, c, nt, p, count, 16, position);
  }
}

/**
 * B^T d B for four tiles side by side, a lane each, stored `stride` bytes apart per position:
 * d[r][col] of the four tiles are the even elements of plane row r from column 2 * tx + col.
 * B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1]: rows of d B first, then B^T over them.
 */
function transformFour(at: usize, dst: usize, stride: usize): void {
  const rowBytes = bytes(planeW);
  const a0 = rowTimesB(at, 0), a1 = rowTimesB(at, 1), a2 = rowTimesB(at, 2), a3 = rowTimesB(at, 3);
  let r = at + rowBytes * 2;
  const c0 = rowTimesB(r, 0), c1 = rowTimesB(r, 1), c2 = rowTimesB(r, 2), c3 = rowTimesB(r, 3);
  v128.store(dst, f32x4.sub(a0, c0));
  v128.store(dst + stride, f32x4.sub(a1, c1));
  v128.store(dst + stride * 2, f32x4.sub(a2, c2));
  v128.store(dst + stride * 3, f32x4.sub(a3, c3));
  r = at + rowBytes;
  const b0 = rowTimesB(r, 0), b1 = rowTimesB(r, 1), b2 = rowTimesB(r, 2), b3 = rowTimesB(r, 3);
  v128.store(dst + stride * 4, f32x4.add(b0, c0));
  v128.store(dst + stride * 5, f32x4.add(b1, c1));
  v128.store(dst + stride * 6, f32x4.add(b2, c2));
  v128.store(dst + stride * 7, f32x4.add(b3, c3));
  v128.store(dst + stride * 8, f32x4.sub(c0, b0));
  v128.store(dst + stride * 9, f32x4.sub(c1, b1));
  v128.store(dst + stride * 10, f32x4.sub(c2, b2));
  v128.store(dst + stride * 11, f32x4.sub(c3, b3));
  r = at + rowBytes * 3;
  v128.store(dst + stride * 12, f32x4.sub(b0, rowTimesB(r, 0)));
  v128.store(dst + stride * 13, f32x4.sub(b1, rowTimesB(r, 1)));
  v128.store(dst + stride * 14, f32x4.sub(b2, rowTimesB(r, 2)));
  v128.store(dst + stride * 15, f32x4.sub(b3, rowTimesB(r, 3)));
}

/** Column j of (one row of d) B for four tiles: d0 - d2, d1 + d2, d2 - d1, d1 - d3. */
@inline function rowTimesB(at: usize, j: i32): v128 {
  if (j == 0) return f32x4.sub(evens(at), evens(at + 8));
  if (j == 1) return f32x4.add(odds(at), evens(at + 8));
  if (j == 2) return f32x4.sub(evens(at + 8), odds(at));
  return f32x4.sub(odds(at), odds(at + 8));
}

@inline function evens(at: usize): v128 {
  return v128.shuffle<f32>(v128.load(at), v128.load(at, 16), 0, 2, 4, 6);
}

@inline function odds(at: usize): v128 {
  return v128.shuffle<f32>(v128.load(at), v128.load(at, 16), 1, 3, 5, 7);
}

/** B^T d B for one tile: each row of d B is one vector, [d0 - d2, d1 + d2, d2 - d1, d1 - d3]. */
function transformOne(at: usize, dst: usize, stride: usize): void {
  const rowBytes = bytes(planeW);
  const r0 = oneRowTimesB(at), r1 = oneRowTimesB(at + rowBytes);
  const r2 = oneRowTimesB(at + rowBytes * 2), r3 = oneRowTimesB(at + rowBytes * 3);
  storeLanes(dst, stride, f32x4.sub(r0, r2));
  storeLanes(dst + stride * 4, stride, f32x4.add(r1, r2));
  storeLanes(dst + stride * 8, stride, f32x4.sub(r2, r1));
  storeLanes(dst + stride * 12, stride, f32x4.sub(r1, r3));
}

@inline function oneRowTimesB(at: usize): v128 {
  const d = v128.load(at);
  const signs = f32x4(1, -1, 1, 1);
  return f32x4.sub(v128.shuffle<f32>(d, d, 0, 1, 2, 1), f32x4.mul(v128.shuffle<f32>(d, d, 2, 2, 1, 3), signs));
}

@inline function storeLanes(at: usize, stride: usize, v: v128): void {
  store<f32>(at, f32x4.extract_lane(v, 0));
  store<f32>(at + stride, f32x4.extract_lane(v, 1));
  store<f32>(at + stride * 2, f32x4.extract_lane(v, 2));
  store<f32>(at + stride * 3, f32x4.extract_lane(v, 3));
}

/** Y = A^T M A for tiles t0..t0+count of output channels [m0, m1), bias, residual and activation applied. */
export function transformOutput2(
  products: usize, m0: i32, m1: i32, mPad: i32, nt: i32, t0: i32, count: i32, bias: usize, y: usize, act: i32, accumulate: bool,
): void {
  const tilesW = (outW + 1) >> 1;
  const stride = bytes(spaced(mPad * nt));
  const planeBytes = bytes(outH * outW);
  for (let o = m0; o < m1; o++) {
    const b = f32x4.splat(bias == 0 ? 0 : load<f32>(bias + bytes(o)));
    const src = products + bytes(o * nt);
    const dst = y + <usize>o * planeBytes;
    let ty = t0 / tilesW;
    let tx = t0 - ty * tilesW;
    let t = 0;
    while (t < count) {
      const at = src + bytes(t);
      // A^T = [1 1 1 0; 0 1 -1 -1], applied to the rows, then to the columns.
      const r0 = rowsTimesA(at, stride, 0), r1 = rowsTimesA(at, stride, 1);
      const r2 = rowsTimesA(at, stride, 2), r3 = rowsTimesA(at, stride, 3);
      const s0 = rowsTimesA(at, stride, 4), s1 = rowsTimesA(at, stride, 5);
      const s2 = rowsTimesA(at, stride, 6), s3 = rowsTimesA(at, stride, 7);
      const y00 = f32x4.add(f32x4.add(f32x4.add(r0, r1), r2), b);
      const y01 = f32x4.add(f32x4.sub(f32x4.sub(r1, r2), r3), b);
      const y10 = f32x4.add(f32x4.add(f32x4.add(s0, s1), s2), b);
      const y11 = f32x4.add(f32x4.sub(f32x4.sub(s1, s2), s3), b);
      const lanes = min(4, min(count - t, tilesW - tx));
      storeTiles2x2(dst, ty, tx, lanes, y00, y01, y10, y11, act, accumulate);
      t += lanes;
      tx += lanes;
      if (tx == tilesW) {
        tx = 0;
        ty++;
      }
    }
  }
}

/** (A^T over rows) for column j of the 4x4 products: row 0 (j < 4) m0 + m1 + m2, row 1 (j >= 4) m1 - m2 - m3. */
@inline function rowsTimesA(at: usize, stride: usize, j: i32): v128 {
  const col = j & 3;
  const m0 = v128.load(at + <usize>col * stride), m1 = v128.load(at + <usize>(4 + col) * stride);
  const m2 = v128.load(at + <usize>(8 + col) * stride), m3 = v128.load(at + <usize>(12 + col) * stride);
  if (j < 4) return f32x4.add(f32x4.add(m0, m1), m2);
  return f32x4.sub(f32x4.sub(m1, m2), m3);
}

