/**
 * What both Winograd variants (winograd-f2.ts, winograd-f4.ts) share: where a tile's
 * transformed values go in a block's V (the micro-kernel's B panels), the spacing between the
 * matrices of the positions, and how an output is finished (residual, activation) as it is stored.
 */
import { activate, activateScalar } from './epilogue';
import { KC, NR, bytes } from './layout';
import { outH, outW } from './window';

/**
 * Floats from one position's matrix to the next in V and M: its own floats and a cache line, so
 * the 16 or 36 streams a transform reads or writes at once do not fall in one cache set when the
 * matrices are a multiple of 4 KiB.
 */
@inline export function spaced(floats: i32): i32 {
  return floats + 16;
}

/** Where tile t (of the block) of channel p lands in V_0: packB's layout over KC-row blocks, ntPad columns. */
@inline export function panelAt(v: usize, c: i32, nt: i32, p: i32, t: i32): usize {
  const pc = p / KC * KC;
  const kc = min(KC, c - pc);
  return v + bytes(pc * nt + t / NR * NR * kc + (p - pc) * NR + t % NR);
}

@inline export function laneOf(v: v128, k: i32): f32 {
  if (k == 0) return f32x4.extract_lane(v, 0);
  if (k == 1) return f32x4.extract_lane(v, 1);
  if (k == 2) return f32x4.extract_lane(v, 2);
  return f32x4.extract_lane(v, 3);
}

/** Stores four outputs: residual added when `accumulate`, activation applied. */
@inline export function storeRow(at: usize, v: v128, act: i32, accumulate: bool): void {
  v128.store(at, activate(accumulate ? f32x4.add(v, v128.load(at)) : v, act));
}

/** Stores one output, as storeRow. */
@inline export function storeOne(at: usize, v: f32, act: i32, accumulate: bool): void {
  store<f32>(at, activateScalar(accumulate ? v + load<f32>(at) : v, act));
}

/** Zeroes the 4-byte entries of tiles count..nt of channel p in each of `positions` matrices `position` bytes apart. */
export function zeroTail(v: usize, c: i32, nt: i32, p: i32, count: i32, positions: i32, position: usize): void {
  for (let t = count; t < nt; t++) {
    const dst = panelAt(v, c, nt, p, t);
    for (let xi = 0; xi < positions; xi++) store<f32>(dst + <usize>xi * position, 0);
  }
}

/**
 * Stores 2x2 output tiles (ty, tx..tx+lanes) of one output plane at y, lane k of each vector
 * holding output (row, column) of tile tx + k: y00 (0, 0), y01 (0, 1), y10 (1, 0), y11 (1, 1).
 * Outputs past the plane's edges (odd sizes) are not stored.
 */
export function storeTiles2x2(
  y: usize, ty: i32, tx: i32, lanes: i32, y00: v128, y01: v128, y10: v128, y11: v128, act: i32, accumulate: bool,
): void {
  const oy = 2 * ty, ox = 2 * tx;
  const row0 = y + bytes(oy * outW + ox);
  if (lanes == 4 && ox + 8 <= outW && oy + 1 < outH) {
    storeRow(row0, v128.shuffle<f32>(y00, y01, 0, 4, 1, 5), act, accumulate);
    storeRow(row0 + 16, v128.shuffle<f32>(y00, y01, 2, 6, 3, 7), act, accumulate);
    storeRow(row0 + bytes(outW), v128.shuffle<f32>(y10, y11, 0, 4, 1, 5), act, accumulate);
    storeRow(row0 + bytes(outW) + 16, v128.shuffle<f32>(y10, y11, 2, 6, 3, 7), act, accumulate);
    return;
  }
  for (let k = 0; k < lanes; k++) {
    const col = ox + 2 * k;
    const at0 = row0 + bytes(2 * k);
    storeOne(at0, laneOf(y00, k), act, accumulate);
    if (col + 1 < outW) storeOne(at0 + 4, laneOf(y01, k), act, accumulate);
    if (oy + 1 < outH) {
      storeOne(at0 + bytes(outW), laneOf(y10, k), act, accumulate);
      if (col + 1 < outW) storeOne(at0 + bytes(outW) + 4, laneOf(y11, k), act, accumulate);
    }
  }
}
