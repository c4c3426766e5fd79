/**
 * Winograd F(4x4, 3x3): 4x4 output tiles from 6x6 input blocks, 36 positions (Lavin and Gray's
 * matrices, interpolation points 0, +-1, +-2 and infinity):
 *   B^T = [4 0 -5 0 1 0; 0 -4 -4 1 1 0; 0 4 -4 -1 1 0; 0 -2 -1 2 1 0; 0 2 -1 -2 1 0; 0 4 0 -5 0 1]
 *   G   = [1/4 0 0; -1/6 -1/6 -1/6; -1/6 1/6 -1/6; 1/24 1/12 1/6; 1/24 -1/12 1/6; 0 0 1]
 *   A^T = [1 1 1 1 1 0; 0 1 -1 2 -2 0; 0 1 1 4 4 0; 0 1 -1 8 -8 1]
 * Four tiles are transformed at once, a lane each: side by side, their columns are 4 apart in
 * the plane, so each plane row is loaded as five vectors and transposed; elsewhere (a tile row
 * ending among them) each tile's six columns are loaded apart. The 2-D transforms go rows first
 * through a small scratch of 36 vectors, then columns.
 */
import { BETWEEN_AT, COLUMN_AT, ROWS_AT, threadScratch } from './thread-scratch';
import { bytes } from './layout';
import { laneOf, panelAt, spaced, storeOne, storeRow, zeroTail } from './winograd-blocks';
import { outH, outW, planeH, planeW } from './window';

/** Entry i of G for F(4x4, 3x3), 6 x 3, row-major (code, not data: the module carries no static data). */
export function g4(i: i32): f64 {
  switch (i) {
    case 0: return 0.25;
    case 3: case 4: case 5: case 6: case 8: return -1.0 / 6;
    case 7: case 11: case 14: return 1.0 / 6;
    case 9: case 12: return 1.0 / 24;
    case 10: return 1.0 / 12;
    case 13: return -1.0 / 12;
    case 17: return 1;
    default: return 0;
  }
}

// In this instance's thread scratch: `between`, the 36 vectors between the row and the column
// pass of a transform; `column`, one column of the input transform's result; `rows`, one
// output row of four tiles, a tile per lane.

/**
 * V for tiles t0..t0+count of channels [p0, p1), the block's columns past count zeroed, four
 * tiles at a time, a lane each: four side by side in one tile row through five loads a plane
 * row, others (across the end of a tile row, or the block's last few) gathered a tile a lane.
 */
export function transformInput4(x: usize, c: i32, p0: i32, p1: i32, t0: i32, count: i32, nt: i32, v: usize): void {
  const tilesW = (outW + 3) >> 2;
  const position = bytes(spaced(c * nt));
  const last = t0 + count - 1;
  for (let p = p0; p < p1; p++) {
    const src = x + bytes(p * planeH * planeW);
    for (let t = 0; t < count; t += 4) {
      const first = t0 + t;
      const sideBySide = (first % tilesW) + 4 <= tilesW && t + 4 <= count;
      // Lanes past the block's last tile repeat it: their columns of V are zeroed below.
      transformFourTiles(src, tilesW, first, last, sideBySide, panelAt(v, c, nt, p, t), position);
    }
    zeroTail(v, c, nt, p, count, 36, position);
  }
}

/**
 * B^T d B for tiles first..first+4 (row-major over the output) of the plane at src, a lane
 * each, into the 36 position matrices `position` bytes apart from dst; lanes past tile `last`
 * transform it again. `sideBySide` where the four lie in one tile row.
 */
export function transformFourTiles(src: usize, tilesW: i32, first: i32, last: i32, sideBySide: bool, dst: usize, position: usize): void {
  const between = threadScratch + BETWEEN_AT;
  const rowBytes = bytes(planeW);
  const a0 = tileAt(src, tilesW, first);
  if (sideBySide) {
    for (let r = 0; r < 6; r++) rowTimesBFour(a0 + <usize>r * rowBytes, between + <usize>(r * 6) * 16);
  } else {
    const a1 = tileAt(src, tilesW, min(first + 1, last));
    const a2 = tileAt(src, tilesW, min(first + 2, last));
    const a3 = tileAt(src, tilesW, min(first + 3, last));
    for (let r = 0; r < 6; r++) {
      const row = <usize>r * rowBytes;
      rowTimesBGathered(a0 + row, a1 + row, a2 + row, a3 + row, between + <usize>(r * 6) * 16);
    }
  }
  columnsTimesB(dst, position);
}

/** Where tile `index` (row-major over the output) of the plane at src starts. */
@inline function tileAt(src: usize, tilesW: i32, index: i32): usize {
  const ty = index / tilesW;
  return src + bytes(4 * ty * planeW + 4 * (index - ty * tilesW));
}

/**
 * e_j = sum_c d_c B^T[j][c] for six vectors d0..d5, stored 16 bytes apart from `out`
 * (the same combination serves the columns, with rows in place of columns).
 */
@inline function timesB(d0: v128, d1: v128, d2: v128, d3: v128, d4: v128, d5: v128, out: usize, stride: usize): void {
  const four = f32x4.splat(4), five = f32x4.splat(5), two = f32x4.splat(2);
  const p = f32x4.sub(d4, f32x4.mul(four, d2)), q = f32x4.sub(d3, f32x4.mul(four, d1));
  const r = f32x4.sub(d4, d2), s = f32x4.mul(two, f32x4.sub(d3, d1));
  v128.store(out, f32x4.add(f32x4.sub(f32x4.mul(four, d0), f32x4.mul(five, d2)), d4));
  v128.store(out + stride, f32x4.add(p, q));
  v128.store(out + stride * 2, f32x4.sub(p, q));
  v128.store(out + stride * 3, f32x4.add(r, s));
  v128.store(out + stride * 4, f32x4.sub(r, s));
  v128.store(out + stride * 5, f32x4.add(f32x4.sub(f32x4.mul(four, d1), f32x4.mul(five, d3)), d5));
}

/** One plane row of four tiles times B: columns 4 apart, from five loads transposed 4 x 4. */
function rowTimesBFour(at: usize, out: usize): void {
  const q0 = v128.load(at), q1 = v128.load(at, 16), q2 = v128.load(at, 32), q3 = v128.load(at, 48);
  // Only the first two of the fifth vector are tile columns (and the plane may end there).
  const q4 = v128.load64_zero(at, 64);
  const t0 = v128.shuffle<f32>(q0, q1, 0, 4, 1, 5), t1 = v128.shuffle<f32>(q2, q3, 0, 4, 1, 5);
  const t2 = v128.shuffle<f32>(q0, q1, 2, 6, 3, 7), t3 = v128.shuffle<f32>(q2, q3, 2, 6, 3, 7);
  const u0 = v128.shuffle<f32>(q1, q2, 0, 4, 1, 5), u1 = v128.shuffle<f32>(q3, q4, 0, 4, 1, 5);
  timesB(
    v128.shuffle<f32>(t0, t1, 0, 1, 4, 5), v128.shuffle<f32>(t0, t1, 2, 3, 6, 7),
    v128.shuffle<f32>(t2, t3, 0, 1, 4, 5), v128.shuffle<f32>(t2, t3, 2, 3, 6, 7),
    v128.shuffle<f32>(u0, u1, 0, 1, 4, 5), v128.shuffle<f32>(u0, u1, 2, 3, 6, 7),
    out, 16,
  );
}

/** One plane row of four tiles anywhere (at a0..a3) times B: six columns each, from a vector and a half transposed. */
function rowTimesBGathered(a0: usize, a1: usize, a2: usize, a3: usize, out: usize): void {
  const q0 = v128.load(a0), q1 = v128.load(a1), q2 = v128.load(a2), q3 = v128.load(a3);
  const e01 = v128.shuffle<f32>(v128.load64_zero(a0, 16), v128.load64_zero(a1, 16), 0, 4, 1, 5);
  const e23 = v128.shuffle<f32>(v128.load64_zero(a2, 16), v128.load64_zero(a3, 16), 0, 4, 1, 5);
  const t0 = v128.shuffle<f32>(q0, q1, 0, 4, 1, 5), t1 = v128.shuffle<f32>(q2, q3, 0, 4, 1, 5);
  const t2 = v128.shuffle<f32>(q0, q1, 2, 6, 3, 7), t3 = v128.shuffle<f32>(q2, q3, 2, 6, 3, 7);
  timesB(
    v128.shuffle<f32>(t0, t1, 0, 1, 4, 5), v128.shuffle<f32>(t0, t1, 2, 3, 6, 7),
    v128.shuffle<f32>(t2, t3, 0, 1, 4, 5), v128.shuffle<f32>(t2, t3, 2, 3, 6, 7),
    v128.shuffle<f32>(e01, e23, 0, 1, 4, 5), v128.shuffle<f32>(e01, e23, 2, 3, 6, 7),
    out, 16,
  );
}

/** B^T over the rows in `between`, column by column, into the 36 position matrices. */
function columnsTimesB(dst: usize, position: usize): void {
  const between = threadScratch + BETWEEN_AT;
  const column = threadScratch + COLUMN_AT;
  for (let j = 0; j < 6; j++) {
    const e = between + <usize>j * 16;
    timesB(
      v128.load(e), v128.load(e, 96), v128.load(e, 192), v128.load(e, 288), v128.load(e, 384), v128.load(e, 480),
      column, 16,
    );
    for (let i = 0; i < 6; i++) {
      const at = dst + <usize>(i * 6 + j) * position;
      v128.store(at, v128.load(column + <usize>i * 16));
    }
  }
}

/** y_k = sum_i A^T[k][i] m_i for six vectors, into out + k * stride. */
@inline function timesA(m0: v128, m1: v128, m2: v128, m3: v128, m4: v128, m5: v128, out: usize, stride: usize): void {
  const sum12 = f32x4.add(m1, m2), diff12 = f32x4.sub(m1, m2);
  const sum34 = f32x4.add(m3, m4), diff34 = f32x4.sub(m3, m4);
  v128.store(out, f32x4.add(f32x4.add(m0, sum12), sum34));
  v128.store(out + stride, f32x4.add(diff12, f32x4.mul(f32x4.splat(2), diff34)));
  v128.store(out + stride * 2, f32x4.add(sum12, f32x4.mul(f32x4.splat(4), sum34)));
  v128.store(out + stride * 3, f32x4.add(f32x4.add(diff12, f32x4.mul(f32x4.splat(8), diff34)), m5));
}

/** Y = A^T M A for tiles t0..t0+count of output channels [m0, m1), bias, residual and activation applied. */
export function transformOutput4(
  products: usize, m0: i32, m1: i32, mPad: i32, nt: i32, t0: i32, count: i32, bias: usize, y: usize, act: i32, accumulate: bool,
): void {
  const between = threadScratch + BETWEEN_AT;
  const rows = threadScratch + ROWS_AT;
  const tilesW = (outW + 3) >> 2;
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
      // A^T over the rows of each column j into `between` (row k of column j at (k * 6 + j) * 16).
      for (let j = 0; j < 6; j++) {
        const mj = at + <usize>j * stride;
        timesA(
          v128.load(mj), v128.load(mj + stride * 6), v128.load(mj + stride * 12),
          v128.load(mj + stride * 18), v128.load(mj + stride * 24), v128.load(mj + stride * 30),
          between + <usize>j * 16, 96,
        );
      }
      const oy = 4 * ty, ox = 4 * tx;
      const lanes = min(4, min(count - t, tilesW - tx));
      for (let k = 0; k < 4 && oy + k < outH; k++) {
        const e = between + <usize>(k * 6) * 16;
        timesA(v128.load(e), v128.load(e, 16), v128.load(e, 32), v128.load(e, 48), v128.load(e, 64), v128.load(e, 80), rows, 16);
        // rows holds output columns 0..3 of the four tiles, a tile per lane.
        const y0 = f32x4.add(v128.load(rows), b), y1 = f32x4.add(v128.load(rows, 16), b);
        const y2 = f32x4.add(v128.load(rows, 32), b), y3 = f32x4.add(v128.load(rows, 48), b);
        const row = dst + bytes((oy + k) * outW + ox);
        const s0 = v128.shuffle<f32>(y0, y1, 0, 4, 1, 5), s1 = v128.shuffle<f32>(y2, y3, 0, 4, 1, 5);
        const s2 = v128.shuffle<f32>(y0, y1, 2, 6, 3, 7), s3 = v128.shuffle<f32>(y2, y3, 2, 6, 3, 7);
        // Tile i's four outputs of this row, for i < lanes; a tile cut by the right edge goes element by element.
        for (let i = 0; i < lanes; i++) {
          const tileRow = i == 0 ? v128.shuffle<f32>(s0, s1, 0, 1, 4, 5) : i == 1 ? v128.shuffle<f32>(s0, s1, 2, 3, 6, 7)
            : i == 2 ? v128.shuffle<f32>(s2, s3, 0, 1, 4, 5) : v128.shuffle<f32>(s2, s3, 2, 3, 6, 7);
          const at = row + bytes(4 * i);
          const left = outW - ox - 4 * i;
          if (left >= 4) storeRow(at, tileRow, act, accumulate);
          else for (let col = 0; col < left; col++) storeOne(at + bytes(col), laneOf(tileRow, col), act, accumulate);
        }
      }
      t += lanes;
      tx += lanes;
      if (tx == tilesW) {
        tx = 0;
        ty++;
      }
    }
  }
}
