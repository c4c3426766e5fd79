/**
 * Winograd F(2x2, 3x3) at stride 2: 2x2 output tiles from 5x5 input blocks, 25 positions.
 * Along one axis, outputs y0 = w0 x0 + w1 x1 + w2 x2 and y1 = w0 x2 + w1 x3 + w2 x4 split into
 * the even inputs (x0, x2, x4) under the kernel (w0, w2), a 2-tap F(2, 2), and the odd ones
 * (x1, x3) under w1, two plain products: 5 multiplies for 6. In two dimensions that is 25 for
 * 36, with
 *   B^T = [1 0 -1 0 0; 0 0 1 0 0; 0 0 -1 0 1; 0 1 0 0 0; 0 0 0 1 0]
 *   G   = [1 0 0; 1 0 1; 0 0 1; 0 1 0; 0 1 0]
 *   A^T = [1 1 0 1 0; 0 1 1 0 1]
 * whose entries are all 0 or 1 in magnitude: the transforms only add and subtract, so the
 * rounding error stays that of the direct dot product. Blocks of neighbouring tiles start 4
 * plane columns apart and share one column.
 */
import { bytes } from './layout';
import { panelAt, spaced, storeTiles2x2, zeroTail } from './winograd-blocks';
import { outH, outW, planeH, planeW } from './window';

/** Entry i of G for the stride-2 F(2x2, 3x3), 5 x 3, row-major (code, not data: the module carries no static data). */
export function gS2(i: i32): f64 {
  switch (i) {
    case 0: case 3: case 5: case 8: case 10: case 13: return 1;
    default: return 0;
  }
}

/**
 * V for tiles t0..t0+count of channels [p0, p1), the block's columns past count zeroed, four
 * tiles at a time, a lane each: four side by side in one tile row from one run of each plane
 * row, others (across the end of a tile row, or the block's last few) gathered a tile a lane.
 */
export function transformInputS2(x: usize, c: i32, p0: i32, p1: i32, t0: i32, count: i32, nt: i32, v: usize): void {
  const tilesW = (outW + 1) >> 1;
  const position = bytes(spaced(c * nt));
  const last = t0 + count - 1;
  for (let p = p0; p < p1; p++) {
    const src = x + bytes(p * planeH * planeW);
    for (let t = 0; t < count; t += 4) {
      const first = t0 + t;
      const at = tileAt(src, tilesW, first);
      const dst = panelAt(v, c, nt, p, t);
      if ((first % tilesW) + 4 <= tilesW && t + 4 <= count) {
        transformFour(at, at + 16, at + 32, at + 48, false, dst, position);
      } else {
        // Lanes past the block's last tile repeat it: their columns of V are zeroed below.
        const at1 = tileAt(src, tilesW, min(first + 1, last));
        transformFour(at, at1, tileAt(src, tilesW, min(first + 2, last)), tileAt(src, tilesW, min(first + 3, last)), true, dst, position);
      }
    }
    zeroTail(v, c, nt, p, count, 25, position);
  }
}

/** Where tile `index` (row-major over the output) of the plane at src starts. */
@inline function tileAt(src: usize, tilesW: i32, index: i32): usize {
  const ty = index / tilesW;
  return src + bytes(4 * ty * planeW + 4 * (index - ty * tilesW));
}

/**
 * B^T d B for four tiles whose blocks start at a0..a3, a lane each, stored `stride` bytes apart
 * per position; `apart` unless they lie side by side (a1 = a0 + 16, ...), sharing columns.
 * Row i of B^T d is (row 0 - row 2, row 2, row 4 - row 2, row 1, row 3) of d, and so is column
 * j of the result over the columns of that: rows 2, 1 and 3 are stored as they come, rows 0
 * and 4 less row 2.
 */
function transformFour(a0: usize, a1: usize, a2: usize, a3: usize, apart: bool, dst: usize, stride: usize): void {
  const rowBytes = bytes(planeW);
  const none = f32x4.splat(0);
  const middle = dst + stride * 5;
  const r2 = rowBytes * 2, r3 = rowBytes * 3, r4 = rowBytes * 4;
  storeRowTimesB(a0 + r2, a1 + r2, a2 + r2, a3 + r2, apart, middle, stride, false, none, none, none, none, none);
  const m0 = v128.load(middle), m1 = v128.load(middle + stride), m2 = v128.load(middle + stride * 2);
  const m3 = v128.load(middle + stride * 3), m4 = v128.load(middle + stride * 4);
  storeRowTimesB(a0 + rowBytes, a1 + rowBytes, a2 + rowBytes, a3 + rowBytes, apart, dst + stride * 15, stride, false, m0, m1, m2, m3, m4);
  storeRowTimesB(a0 + r3, a1 + r3, a2 + r3, a3 + r3, apart, dst + stride * 20, stride, false, m0, m1, m2, m3, m4);
  storeRowTimesB(a0, a1, a2, a3, apart, dst, stride, true, m0, m1, m2, m3, m4);
  storeRowTimesB(a0 + r4, a1 + r4, a2 + r4, a3 + r4, apart, dst + stride * 10, stride, true, m0, m1, m2, m3, m4);
}

/**
 * Stores (one plane row of d) B for four tiles, lane k reading the row's five elements from
 * a_k: (d0 - d2, d2, d4 - d2, d1, d3), less the middle row's (m0..m4) where `less`. Four
 * vectors at a0..a3 transposed give d0..d3; side by side, d4 is d0 shifted a lane with the
 * element past the last vector, else it is gathered from each a_k.
 */
@inline function storeRowTimesB(
  a0: usize, a1: usize, a2: usize, a3: usize, apart: bool, dst: usize, stride: usize, less: bool, m0: v128, m1: v128, m2: v128, m3: v128, m4: v128,
): void {
  const q0 = v128.load(a0), q1 = v128.load(a1), q2 = v128.load(a2), q3 = v128.load(a3);
  const low01 = v128.shuffle<f32>(q0, q1, 0, 4, 1, 5), high01 = v128.shuffle<f32>(q2, q3, 0, 4, 1, 5);
  const low23 = v128.shuffle<f32>(q0, q1, 2, 6, 3, 7), high23 = v128.shuffle<f32>(q2, q3, 2, 6, 3, 7);
  const d0 = v128.shuffle<f32>(low01, high01, 0, 1, 4, 5), d1 = v128.shuffle<f32>(low01, high01, 2, 3, 6, 7);
  const d2 = v128.shuffle<f32>(low23, high23, 0, 1, 4, 5), d3 = v128.shuffle<f32>(low23, high23, 2, 3, 6, 7);
  const d4 = apart
    ? f32x4(load<f32>(a0, 16), load<f32>(a1, 16), load<f32>(a2, 16), load<f32>(a3, 16))
    : v128.shuffle<f32>(d0, v128.load32_splat(a3, 16), 1, 2, 3, 4);
  let t0 = f32x4.sub(d0, d2), t1 = d2, t2 = f32x4.sub(d4, d2), t3 = d1, t4 = d3;
  if (less) {
    t0 = f32x4.sub(t0, m0);
    t1 = f32x4.sub(t1, m1);
    t2 = f32x4.sub(t2, m2);
    t3 = f32x4.sub(t3, m3);
    t4 = f32x4.sub(t4, m4);
  }
  storeFive(dst, stride, t0, t1, t2, t3, t4);
}

@inline function storeFive(at: usize, stride: usize, v0: v128, v1: v128, v2: v128, v3: v128, v4: v128): void {
  v128.store(at, v0);
  v128.store(at + stride, v1);
  v128.store(at + stride * 2, v2);
  v128.store(at + stride * 3, v3);
  v128.store(at + stride * 4, v4);
}

/** Y = A^T M A for tiles t0..t0+count of output channels [m0, m1), bias, residual and activation applied. */
export function transformOutputS2(
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
      // A^T = [1 1 0 1 0; 0 1 1 0 1], applied to the rows, then to the columns.
      const r0 = rowsTimesA(at, stride, 0), r1 = rowsTimesA(at, stride, 1), r2 = rowsTimesA(at, stride, 2);
      const r3 = rowsTimesA(at, stride, 3), r4 = rowsTimesA(at, stride, 4);
      const s0 = rowsTimesA(at, stride, 5), s1 = rowsTimesA(at, stride, 6), s2 = rowsTimesA(at, stride, 7);
      const s3 = rowsTimesA(at, stride, 8), s4 = rowsTimesA(at, stride, 9);
      const y00 = f32x4.add(f32x4.add(f32x4.add(r0, r1), r3), b);
      const y01 = f32x4.add(f32x4.add(f32x4.add(r1, r2), r4), b);
      const y10 = f32x4.add(f32x4.add(f32x4.add(s0, s1), s3), b);
      const y11 = f32x4.add(f32x4.add(f32x4.add(s1, s2), s4), b);
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

/** (A^T over rows) for column j % 5 of the 5x5 products: row 0 (j < 5) m0 + m1 + m3, row 1 (j >= 5) m1 + m2 + m4. */
@inline function rowsTimesA(at: usize, stride: usize, j: i32): v128 {
  const col = j % 5;
  const m1 = v128.load(at + <usize>(5 + col) * stride);
  if (j < 5) return f32x4.add(f32x4.add(v128.load(at + <usize>col * stride), m1), v128.load(at + <usize>(15 + col) * stride));
  return f32x4.add(f32x4.add(m1, v128.load(at + <usize>(10 + col) * stride)), v128.load(at + <usize>(20 + col) * stride));
}
